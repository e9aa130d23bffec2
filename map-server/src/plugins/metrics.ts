/**
 * `GET /metrics`: Prometheus metrics in the text format 0.0.4, for an operator's graphs and alerts. Not
 * rate-limited (a scraper polls it, and it costs a few reads) and not part of the page: plain text, which
 * the Content-Security-Policy has no say over.
 *
 * Values are read when scraped (`collect`), from counts the engine, the hub and the bus keep anyway, so
 * the core stays pure and ingest pays nothing per post. Each app has its own registry (tests build
 * several in one process); the process metrics (`process_*`, `nodejs_*`: CPU, memory, event-loop lag,
 * GC) belong to the process, so they are collected once, in a registry of their own, and sent with every
 * app's.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  API_ERROR_KINDS,
  SKIP_REASONS,
  TAG_DROP_REASONS,
  type ApiErrorKind,
  type SkipReason,
  type TagDropReason,
} from '../../../common/browser/skip-reasons';
import type { SubscriberHealth } from '../../../common/node/bus/bus';
import type { HubCounts } from '../sse/marker-hub';
import { allSkips, type HealthOptions } from '../routes/health';
import type { SaveStats } from '../state/saved-state';
import type { HistoryStats } from '../history/history-keeper';
import { isApiPath } from './api-path';

export const METRICS_PATH = '/metrics';

/** Request latency buckets, in seconds: most API answers take under a millisecond from cache. */
const LATENCY_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The route label of a request no route matched (404s), so unknown paths cannot grow the label set. */
const UNMATCHED = 'unmatched';

export type MetricsOptions = Pick<HealthOptions, 'engine' | 'hub' | 'producers' | 'busHealth'> & {
  /** How saving the state goes; absent when nothing is saved (DATA_DIR=none). */
  saveStats?: () => SaveStats;
  /** What history holds and how writing it goes (`HistoryKeeper.stats`). */
  historyStats?: () => HistoryStats;
};

let processRegistry: Registry | undefined;

/** The process metrics, started once per process. */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Adds `/metrics` and the `/api/*` latency histogram to the root app. */
export function installMetrics(app: FastifyInstance, options: MetricsOptions): void {
  const registry = new Registry();
  appMetrics(registry, options);
  const latency = new Histogram({
    name: 'trendmap_http_request_duration_seconds',
    help: 'Time to answer /api/* requests (the SSE stream aside), by route and status, in seconds',
    labelNames: ['route', 'status'] as const,
    buckets: LATENCY_BUCKETS_S,
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED;
    // A stream's "latency" is its lifetime; its refusals are counted by trendmap_sse_refused_total.
    if (!isApiPath(request.url) || route === '/api/stream') return;
    latency.observe({ route, status: String(reply.statusCode) }, reply.elapsedTime / 1_000);
  });
  app.get(METRICS_PATH, { config: { rateLimit: false } }, async (_request, reply) => {
    const text = (await processMetrics().metrics()) + (await registry.metrics());
    return reply.type(registry.contentType).send(text);
  });
}

/** The app's own metrics, each read from its source at scrape time. */
function appMetrics(registry: Registry, { engine, hub, producers, busHealth, saveStats, historyStats }: MetricsOptions): void {
  const registers = [registry];
  const total = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  // Every value of the label from the start, at 0 until it happens, so that rate() sees the first one; a
  // fixed set, so that the label cannot grow.
  const totalBy = <K extends string>(name: string, help: string, label: string, values: readonly K[], read: () => Partial<Record<K, number>>) =>
    new Counter({
      name,
      help,
      labelNames: [label],
      registers,
      collect() {
        const counts = read();
        this.reset();
        for (const value of values) this.inc({ [label]: value }, counts[value] ?? 0);
      },
    });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  const hubTotal = (name: string, help: string, count: keyof HubCounts) => total(name, help, () => hub.counts[count]);

  total('trendmap_posts_ingested_total', 'Posts counted into the windows', () => engine.acceptedCount);
  totalBy(
    'trendmap_posts_skipped_total',
    "Inputs not counted, by reason (as /api/health reports them, the producer's included in one process)",
    'reason',
    Object.keys(SKIP_REASONS) as SkipReason[],
    () => allSkips(engine, producers?.ownSkips()),
  );
  // With the producer in this process: its side of the count, so that read = accepted + skipped can be checked
  // here as in the replay's summary (what it accepted is counted, ingested, or skipped by the map: duplicate,
  // stale), and what it left out of posts or was told by the API.
  if (producers?.hasOwn) {
    total(
      'trendmap_producer_read_total',
      'Inputs the producer in this process read (a post each, for a page of posts)',
      () => producers.own()?.read ?? 0,
    );
    total(
      'trendmap_producer_accepted_total',
      'Posts the producer in this process accepted and sent to the map',
      () => producers.own()?.accepted ?? 0,
    );
    totalBy(
      'trendmap_hashtags_dropped_total',
      "Hashtags left out of posts, by reason (tags, not posts; /api/health's droppedTags): only with the producer in this process",
      'reason',
      Object.keys(TAG_DROP_REASONS) as TagDropReason[],
      () => producers.ownDroppedTags() ?? {},
    );
    totalBy(
      'trendmap_api_errors_total',
      "Errors the X API listed in what the producer read, by kind (errors, not posts; /api/health's apiErrors): only with the producer in this process",
      'kind',
      Object.keys(API_ERROR_KINDS) as ApiErrorKind[],
      () => producers.ownApiErrors() ?? {},
    );
  }
  gauge('trendmap_posts_per_second', 'Posts counted per second over the last 5 s', () => hub.rate);
  gauge('trendmap_newest_event_timestamp_seconds', 'Event time of the newest counted post (0: none yet)', () => (engine.windowsEndMs ?? 0) / 1_000);
  gauge('trendmap_sse_clients', 'Open live streams (/api/stream)', () => hub.clients);
  gauge('trendmap_memory_budget_bytes', 'What the counts may take before they are summarised (MEMORY_BUDGET)', () => engine.memoryBudgetBytes);
  gauge('trendmap_counted_bytes', 'Bytes the counts take now, as the memory budget counts them', () => engine.countedBytes);
  gauge(
    'trendmap_window_counts_bytes',
    "Bytes of the region windows' tallies and totals (what the panel's regions are counted from)",
    () => engine.windowBytes,
  );
  gauge('trendmap_window_counts_budget_bytes', 'What the region windows may take before they are summarised', () => engine.windowBudgetBytes);
  gauge(
    'trendmap_tag_dictionary_bytes',
    'Bytes of the tag dictionary (an estimate): tags no count holds any more are forgotten',
    () => engine.dictionaryBytes,
  );
  gauge('trendmap_dedupe_ids_bytes', 'Bytes of the ids the dedupe holds within DEDUPE_HORIZON (an estimate)', () => engine.dedupeBytes);
  gauge('trendmap_tile_counts_bytes', "Bytes of the tile counts' columns (what labels and boxes are counted from)", () => engine.tileBytes);
  gauge('trendmap_tile_counts_budget_bytes', 'What the tile counts may take before they are summarised', () => engine.tileBudgetBytes);
  gauge('trendmap_tile_counts_summarised_tiles', 'Tiles summarised past the budget, whose counts may fall short (0: every label and box exact)', () =>
    engine.summarisedTiles(),
  );
  hubTotal('trendmap_sse_dropped_batches_total', 'Marker batches not written to a client whose socket was full', 'droppedBatches');
  hubTotal('trendmap_sse_dropped_markers_total', 'Markers a client did not get: sampled out of a large batch, or in a dropped one', 'droppedMarkers');
  hubTotal('trendmap_sse_stalled_disconnects_total', 'Clients cut off for staying stalled', 'stalledDisconnects');
  totalBy(
    'trendmap_sse_refused_total',
    'Streams refused at a cap: server_full (SSE_MAX_CLIENTS, 503) or address_full (SSE_MAX_CLIENTS_PER_ADDRESS, 429)',
    'cap',
    ['server_full', 'address_full'],
    () => ({ server_full: hub.counts.refusedServerFull, address_full: hub.counts.refusedAddressFull }),
  );
  if (busHealth !== undefined) kafkaMetrics(registry, busHealth);
  if (historyStats !== undefined) {
    gauge('trendmap_history_hours', 'Hours of history kept by the hour (each one or more bucket files)', () => historyStats().hours);
    gauge('trendmap_history_days', 'Days of history kept as a day bucket', () => historyStats().days);
    gauge('trendmap_history_tags', 'Distinct hashtags history has numbered', () => historyStats().tags);
    gauge(
      'trendmap_history_open_hours',
      'Hours still being counted: written once over (10 minutes behind the newest post at the earliest) and 5 s without a post',
      () => historyStats().openHours,
    );
    gauge(
      'trendmap_history_pending_hours',
      'Hours closed but not written yet (a write failed; tried again every second)',
      () => historyStats().pendingHours,
    );
    gauge(
      'trendmap_history_loading',
      '1 while this map-server takes history from the others (Kafka, a fresh data directory); the live windows count meanwhile',
      () => (historyStats().loading ? 1 : 0),
    );
    total('trendmap_history_write_failures_total', 'Failed attempts to write history to DATA_DIR', () => historyStats().writeFailures);
  }
  if (saveStats !== undefined) {
    totalBy('trendmap_state_saves_total', 'Saves of the state to DATA_DIR, by result', 'result', ['ok', 'failed'], () => {
      const { saves, failures } = saveStats();
      return { ok: saves, failed: failures };
    });
    gauge(
      'trendmap_state_last_save_timestamp_seconds',
      'When the last successful save was taken (0: none yet by this process)',
      () => (saveStats().lastSavedAtMs ?? 0) / 1_000,
    );
    gauge('trendmap_state_save_bytes', 'Size of the last successful save', () => saveStats().lastBytes);
    gauge(
      'trendmap_state_save_duration_seconds',
      'Time the last successful save took: snapshot, serialise and write',
      () => saveStats().lastMs / 1_000,
    );
  }
}

/** The consumer's state, from the subscriber's `health()`: only with Kafka (the in-process bus has none). */
function kafkaMetrics(registry: Registry, busHealth: () => SubscriberHealth): void {
  const registers = [registry];
  new Gauge({
    name: 'trendmap_kafka_consumer_lag',
    help: 'Messages on the topic not yet read, per partition',
    labelNames: ['partition'] as const,
    registers,
    collect() {
      this.reset();
      for (const [partition, lag] of Object.entries(busHealth().lag)) this.set({ partition }, lag);
    },
  });
  new Gauge({
    name: 'trendmap_kafka_connected',
    help: '1 while the consumer is connected to Kafka, 0 while it is away',
    registers,
    collect() {
      this.set(busHealth().connection === 'connected' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'trendmap_rebuilding',
    help: '1 while the windows are being rebuilt from the log after a start, 0 once live',
    registers,
    collect() {
      this.set(busHealth().rebuilding ? 1 : 0);
    },
  });
}
