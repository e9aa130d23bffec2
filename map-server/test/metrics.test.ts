/** `GET /metrics`: every metric the README lists, with values that move with what the server does. */
import { describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { SubscriberHealth } from '../../common/node/bus/bus';
import { SESSION_DEFAULTS } from '../src/sse/sse-session';
import { fakeSession } from './fake-session';
import type { MarkerHub } from '../src/sse/marker-hub';
import { event, metricValue as value, producerStatus } from './helpers';
import { ProducerStatuses } from '../src/producer-statuses';
import { testApp } from './test-app';
import { ENTRY_BYTES, TILE_BYTES } from '../src/core/tile-budget';
import { TILE_LEVELS } from '../src/core/tiles';

/** Until the hub's fan-out has reached every stream: a turn of the event loop at a time. */
async function drained(hub: MarkerHub): Promise<void> {
  while (hub.backlog > 0) await new Promise((resolve) => setImmediate(resolve));
}

async function scrape(app: FastifyInstance): Promise<string> {
  const response = await app.inject('/metrics');
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return response.body;
}

/** The sessions' socket limits: 10 s stalled is cut off. */
const SESSION = { ...SESSION_DEFAULTS, stallMs: 10_000 };

/**
 * A session over a stand-in response whose socket buffer holds `buffered` bytes: over the high-water mark,
 * it takes nothing, as a client that stopped reading.
 */
function session(hub: MarkerHub, ip: string, buffered = 0): void {
  hub.register(fakeSession({ ip, buffered, options: SESSION }).session);
}

describe('GET /metrics', () => {
  it('exposes every metric, the process ones included', async () => {
    const lag: SubscriberHealth = { connection: 'connected', rebuilding: false, lag: { '0': 0 }, lastError: null, brokers: ['127.0.0.1:9092'] };
    const { app } = await testApp({ busHealth: () => lag });
    const text = await scrape(app);
    for (const name of [
      'trendmap_posts_ingested_total',
      'trendmap_posts_skipped_total',
      'trendmap_posts_per_second',
      'trendmap_newest_event_timestamp_seconds',
      'trendmap_sse_clients',
      'trendmap_memory_budget_bytes',
      'trendmap_counted_bytes',
      'trendmap_window_counts_bytes',
      'trendmap_window_counts_budget_bytes',
      'trendmap_tag_dictionary_bytes',
      'trendmap_dedupe_ids_bytes',
      'trendmap_tile_counts_bytes',
      'trendmap_tile_counts_budget_bytes',
      'trendmap_tile_counts_summarised_tiles',
      'trendmap_sse_dropped_batches_total',
      'trendmap_sse_dropped_markers_total',
      'trendmap_sse_stalled_disconnects_total',
      'trendmap_sse_refused_total',
      'trendmap_kafka_consumer_lag',
      'trendmap_kafka_connected',
      'trendmap_rebuilding',
      'trendmap_history_hours',
      'trendmap_history_days',
      'trendmap_history_tags',
      'trendmap_history_open_hours',
      'trendmap_history_pending_hours',
      'trendmap_history_write_failures_total',
      'trendmap_http_request_duration_seconds',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it("counts ingested and skipped posts, the producer's skips included, and their rate", async () => {
    let now = Date.UTC(2014, 6, 13, 19, 0);
    const producers = new ProducerStatuses('p1');
    producers.record(producerStatus({ skipped: { not_json: 2, duplicate: 1 } }));
    const { app, engine, hub } = await testApp({ now: () => now, producers });
    const before = await scrape(app);
    expect(value(before, 'trendmap_posts_ingested_total')).toBe(0);
    expect(value(before, 'trendmap_posts_skipped_total{reason="no_hashtag"}')).toBe(0);
    expect(value(before, 'trendmap_tile_counts_bytes')).toBe(0);
    expect(value(before, 'trendmap_counted_bytes')).toBe(0);

    const post = event({ tags: ['worldcup'], ts: now });
    for (const e of [post, event({ tags: ['ger'], ts: now }), event({ tags: ['arg'], ts: now })]) engine.ingestEvent(e, now);
    engine.ingestEvent(post, now); // a duplicate
    engine.ingest('{not an event', now);
    now += 1_000;
    hub.flush();
    const after = await scrape(app);
    expect(value(after, 'trendmap_posts_ingested_total')).toBe(3);
    expect(value(after, 'trendmap_posts_skipped_total{reason="duplicate"}')).toBe(2);
    expect(value(after, 'trendmap_posts_skipped_total{reason="invalid_event"}')).toBe(1);
    expect(value(after, 'trendmap_posts_skipped_total{reason="not_json"}')).toBe(2);
    expect(value(after, 'trendmap_posts_per_second')).toBe(0.6); // 3 posts over the 5 s the rate spans
    expect(value(after, 'trendmap_newest_event_timestamp_seconds')).toBeGreaterThan(0);
    // The three posts' tags, one number per tag and level until their minute is compacted, and their tile.
    expect(value(after, 'trendmap_tile_counts_bytes')).toBe(3 * TILE_LEVELS.length * ENTRY_BYTES + TILE_BYTES);
    expect(value(after, 'trendmap_tile_counts_budget_bytes')).toBe(192 * 1024 * 1024);
    // The region windows: the three posts' distinct tags in their minute's tallies (8 bytes each) and in the
    // totals of each window of their regions (40 bytes each); with the tile counts, all the memory budget counts.
    expect(value(after, 'trendmap_window_counts_bytes')).toBeGreaterThan(0);
    expect(value(after, 'trendmap_window_counts_budget_bytes')).toBe(144 * 1024 * 1024);
    expect(value(after, 'trendmap_tag_dictionary_bytes')).toBeGreaterThan(0);
    // 3 posts' ids, in the open table of their minute: its first 16 slots of 8 bytes.
    expect(value(after, 'trendmap_dedupe_ids_bytes')).toBe(16 * 8);
    expect(value(after, 'trendmap_counted_bytes')).toBe(
      value(after, 'trendmap_tile_counts_bytes') +
        value(after, 'trendmap_window_counts_bytes') +
        value(after, 'trendmap_tag_dictionary_bytes') +
        value(after, 'trendmap_dedupe_ids_bytes'),
    );
    expect(value(after, 'trendmap_memory_budget_bytes')).toBe(384 * 1024 * 1024);
    expect(value(after, 'trendmap_tile_counts_summarised_tiles')).toBe(0);
  });

  it('counts the hashtags the producer left out, by reason, when it runs in this process', async () => {
    const producers = new ProducerStatuses('p1');
    const { app } = await testApp({ producers });
    expect(value(await scrape(app), 'trendmap_hashtags_dropped_total{reason="invalid_hashtag"}')).toBe(0);
    producers.record(producerStatus({ droppedTags: { invalid_hashtag: 4, tag_too_long: 1 } }));
    const text = await scrape(app);
    expect(value(text, 'trendmap_hashtags_dropped_total{reason="invalid_hashtag"}')).toBe(4);
    expect(value(text, 'trendmap_hashtags_dropped_total{reason="tag_too_long"}')).toBe(1);
    expect(value(text, 'trendmap_hashtags_dropped_total{reason="too_many_tags"}')).toBe(0);

    const { app: alone } = await testApp();
    expect(await scrape(alone)).not.toContain('trendmap_hashtags_dropped_total');
  });

  it('counts clients, dropped batches and markers, stalled disconnects and refused streams', async () => {
    let now = 0;
    const { app, engine, hub } = await testApp({ now: () => now, hub: { maxClients: 2, maxClientsPerAddress: 1 } });
    session(hub, '203.0.113.1');
    expect(hub.admit('203.0.113.1')).toMatchObject({ status: 429 });
    session(hub, '203.0.113.2', SESSION.highWaterBytes + 1);
    expect(hub.admit('203.0.113.3')).toMatchObject({ status: 503 });
    let text = await scrape(app);
    expect(value(text, 'trendmap_sse_clients')).toBe(2);
    expect(value(text, 'trendmap_sse_refused_total{cap="address_full"}')).toBe(1);
    expect(value(text, 'trendmap_sse_refused_total{cap="server_full"}')).toBe(1);

    // The stalled client misses a batch of two markers...
    engine.ingestEvent(event({ tags: ['a'], ts: Date.now() }), Date.now());
    engine.ingestEvent(event({ tags: ['b'], ts: Date.now() }), Date.now());
    hub.flush();
    // The fan-out may finish a turn later, when this turn's slice of the event loop is spent.
    await drained(hub);
    text = await scrape(app);
    expect(value(text, 'trendmap_sse_dropped_batches_total')).toBe(1);
    expect(value(text, 'trendmap_sse_dropped_markers_total')).toBe(2);
    expect(value(text, 'trendmap_sse_stalled_disconnects_total')).toBe(0);

    // ...and is cut off once it has stayed stalled for stallMs.
    now += SESSION.stallMs;
    engine.ingestEvent(event({ tags: ['c'], ts: Date.now() }), Date.now());
    hub.flush();
    await drained(hub);
    text = await scrape(app);
    expect(value(text, 'trendmap_sse_stalled_disconnects_total')).toBe(1);
    expect(value(text, 'trendmap_sse_clients')).toBe(1);
  });

  it("reports Kafka lag per partition and the rebuild, from the subscriber's health", async () => {
    let health: SubscriberHealth = {
      connection: 'connected',
      rebuilding: true,
      lag: { '0': 120, '1': 7 },
      lastError: null,
      brokers: ['127.0.0.1:9092'],
    };
    const { app } = await testApp({ busHealth: () => health });
    let text = await scrape(app);
    expect(value(text, 'trendmap_kafka_consumer_lag{partition="0"}')).toBe(120);
    expect(value(text, 'trendmap_kafka_consumer_lag{partition="1"}')).toBe(7);
    expect(value(text, 'trendmap_rebuilding')).toBe(1);
    expect(value(text, 'trendmap_kafka_connected')).toBe(1);

    health = { connection: 'disconnected', rebuilding: false, lag: { '0': 3 }, lastError: 'gone', brokers: ['127.0.0.1:9092'] };
    text = await scrape(app);
    expect(value(text, 'trendmap_kafka_consumer_lag{partition="0"}')).toBe(3);
    expect(value(text, 'trendmap_kafka_consumer_lag{partition="1"}')).toBeNaN();
    expect(value(text, 'trendmap_rebuilding')).toBe(0);
    expect(value(text, 'trendmap_kafka_connected')).toBe(0);
  });

  it('leaves the Kafka metrics out on the in-process bus', async () => {
    const { app } = await testApp();
    expect(await scrape(app)).not.toContain('trendmap_kafka');
  });

  it('times /api/* requests by route and status, the stream and everything else aside', async () => {
    const { app } = await testApp();
    for (let i = 0; i < 2; i += 1) await app.inject('/api/trends');
    await app.inject('/%61pi/trends'); // the router reads it as /api/trends, and so does the metric
    await app.inject('/api/trends?window=2d');
    await app.inject('/api/tags/worldcup/regions');
    await app.inject('/api/nope/1');
    await app.inject('/api/nope/2');
    await app.inject('/api/stream?window=2d');
    await app.inject('/');
    const text = await scrape(app);
    const count = (labels: string) => value(text, `trendmap_http_request_duration_seconds_count{${labels}}`);
    expect(count('route="/api/trends",status="200"')).toBe(3);
    expect(count('route="/api/trends",status="400"')).toBe(1);
    expect(count('route="/api/tags/:tag/regions",status="200"')).toBe(1);
    expect(count('route="unmatched",status="404"')).toBe(2);
    expect(text).not.toMatch(/route="\/api\/stream"|route="\/metrics"|route="\/"/);
  });

  it('is not rate-limited', async () => {
    const { app } = await testApp({ apiRateLimit: 2 });
    for (let i = 0; i < 5; i += 1) await scrape(app);
    for (let i = 0; i < 2; i += 1) expect((await app.inject('/api/config')).statusCode).toBe(200);
    expect((await app.inject('/api/config')).statusCode).toBe(429);
    await scrape(app);
  });
});
