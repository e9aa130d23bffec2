/**
 * Assembles a running map-server: the trend engine fed from a bus subscription, the SSE hub fed from the
 * engine, the producers' statuses heard on the bus, a clock tick, and the HTTP app listening. `close` stops
 * them in the order that loses nothing.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../common/node/config';
import { isEventMessage, type DeliveredMessage, type EventSubscriber } from '../../common/node/bus/bus';
import { listenError } from '../../common/node/errors';
import { createLogger, type Logger } from '../../common/node/log';
import { LogThrottle } from '../../common/node/log-throttle';
import { TrendEngine, type IngestResult } from './trend-engine';
import { MarkerHub, type HubOptions } from './sse/marker-hub';
import type { TrendsFeedOptions } from './sse/trends-feed';
import type { SessionOptions } from './sse/sse-session';
import { buildApp } from './app';
import { GAZETTEER_FAILED, gazetteer } from './gazetteer';
import type { PlaceIndex } from './core/place-index';
import { ProducerStatuses } from './producer-statuses';
import { BUCKET_MS, RING_BUCKETS } from './core/window-store';
import type { EngineSnapshot } from './core/engine-snapshot';
import { SavedState, type StateToSave } from './state/saved-state';
import { History } from './history/history-service';
import { HistoryKeeper } from './history/history-keeper';
import { FileShelf, MemoryShelf } from './history/bucket-shelf';
import type { SharedBucket } from './history/shared-bucket';

/** Where history is shared between map-servers (kafka-history-share.ts). */
export interface HistoryShare {
  /**
   * Reads every bucket shared, giving each to `take` as it comes (a later one under a key replaces the earlier;
   * null: deleted); rejects once `signal` aborts (the map-server closing).
   */
  read(take: (key: string, bucket: SharedBucket | null) => void, signal?: AbortSignal): Promise<void>;
  publish(key: string, bytes: Uint8Array | null): void;
  close(): Promise<void>;
}

/** Where `npm run build` puts the frontend. */
export const FRONTEND_DIST = fileURLToPath(new URL('../../frontend/dist', import.meta.url));

/**
 * How far back a restart reads the log to rebuild its windows, in ms: the largest window and the rest of its
 * first hour, which the 24h window counts whole (its first hour bucket).
 */
export const REBUILD_MS = (RING_BUCKETS + 59) * BUCKET_MS;

/** How often the windows catch up with the clock while the source is live, in ms. */
const TICK_MS = 1_000;

/**
 * Messages that break the event contract are logged once per this many ms, then as a count: junk on the
 * topic must not flood the log (every one is counted in /api/health as `skipped.invalid_event`).
 */
const INVALID_LOG_MS = 10_000;

export interface MapServerOptions {
  config: Pick<
    Config,
    | 'port'
    | 'host'
    | 'tileUrl'
    | 'tileAttribution'
    | 'logLevel'
    | 'logFormat'
    | 'apiRateLimit'
    | 'trustProxy'
    | 'sseMaxClients'
    | 'sseMaxClientsPerAddress'
    | 'dataDir'
    | 'saveEveryMs'
    | 'dedupeHorizonMs'
    | 'memoryBudgetBytes'
    | 'kafkaBrokers'
    | 'kafkaTopic'
    | 'source'
    | 'historyDays'
    | 'historyDailyDays'
  >;
  subscriber: EventSubscriber;
  /** The process's logger (one per process); by default one made from the configuration. */
  logger?: Logger;
  /**
   * The id of the producer running in this process (the embedded product), whose statuses on the bus are
   * shown as this server's own in /api/health (`skipped`, `droppedTags`, `source`); null: none.
   */
  ownProducer?: string | null;
  staticDir?: string | null;
  /** The live streams' three owners, each with its own options (`HUB_DEFAULTS`, `TRENDS_FEED_DEFAULTS`, `SESSION_DEFAULTS`). */
  hub?: Partial<HubOptions>;
  feed?: Partial<TrendsFeedOptions>;
  session?: Partial<SessionOptions>;
  /** Where history is shared with the other map-servers (Kafka: `KafkaHistoryShare`); none by default. */
  historyShare?: HistoryShare | null;
  /** The cities `/api/places` searches; the gazetteer (gazetteer.ts) by default. */
  places?: () => Promise<PlaceIndex>;
  /**
   * Whether to start building the city search's index as soon as the server listens, so that the first
   * search need not wait for it. Off by default, and on in the entry points (`npm start`, `npm run
   * map-server`): tests start many servers, most of which never search, and each build costs ~0.5 s of a
   * core and the package's ~46 MB while it runs (the build is in a worker thread; it never holds requests).
   */
  warmPlaces?: boolean;
}

export interface RunningMapServer {
  readonly app: FastifyInstance;
  readonly engine: TrendEngine;
  readonly hub: MarkerHub;
  /** The address it listens on, e.g. http://127.0.0.1:3000. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startMapServer(options: MapServerOptions): Promise<RunningMapServer> {
  const { config, subscriber } = options;
  const logger = options.logger ?? createLogger(config);
  const engineOptions = { dedupeHorizonMs: config.dedupeHorizonMs, memoryBudgetBytes: config.memoryBudgetBytes };
  // Loaded before anything listens: the first answer already holds what the last run counted.
  const state =
    config.dataDir === null
      ? null
      : SavedState.open({ dataDir: config.dataDir, run: runKind(config), saveEveryMs: config.saveEveryMs, log: logger }, (snapshot) =>
          TrendEngine.restore(snapshot as EngineSnapshot, engineOptions),
        );
  const loaded = state?.loaded ?? null;
  const engine = loaded?.restored ?? new TrendEngine(engineOptions);
  if (loaded !== null) {
    const resume = loaded.header.positions === null ? '' : `; reading ${config.kafkaTopic} from the offsets it covers`;
    logger.info(`restored the state saved at ${new Date(loaded.header.savedAtMs).toISOString()} from ${loaded.path}${resume}`);
  }
  let history: History;
  let importShared: boolean;
  try {
    ({ history, importShared } = openHistory(config, engine, logger, options.historyShare ?? null));
  } catch (error) {
    state?.saved.abandon();
    throw error;
  }
  const caps = { maxClients: config.sseMaxClients, maxClientsPerAddress: config.sseMaxClientsPerAddress };
  const hub = new MarkerHub(() => engine.acceptedCount, { ...caps, ...options.hub });
  engine.onAccepted((event) => hub.publish(event));
  const producers = new ProducerStatuses(options.ownProducer ?? null);
  hub.context = () => {
    const status = producers.own() ?? producers.list(Date.now())[0];
    return {
      ...(engine.acceptedCount > 0 && { mode: engine.followsClock ? 'live' : 'replay' }),
      asOf: engine.windowsEndMs,
      ...(status !== undefined && { source: { name: status.sourceName, state: status.state, read: status.read } }),
    };
  };

  const places = options.places ?? gazetteer;
  let app: FastifyInstance;
  try {
    app = await buildApp({
      engine,
      hub,
      feedOptions: options.feed,
      sessionOptions: options.session,
      clientConfig: { tileUrl: config.tileUrl, tileAttribution: config.tileAttribution },
      staticDir: options.staticDir === undefined ? FRONTEND_DIST : options.staticDir,
      apiRateLimit: config.apiRateLimit,
      trustProxy: config.trustProxy,
      producers,
      busHealth: subscriber.health?.bind(subscriber),
      saveStats: state === null ? undefined : () => state.saved.stats(),
      places,
      history,
      loggerInstance: logger,
    });
  } catch (error) {
    state?.saved.abandon();
    throw error;
  }

  // Listen first: /api/health must answer while the windows are rebuilt, or while Kafka is away.
  let url: string;
  try {
    url = await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    state?.saved.abandon();
    throw listenError(error, config.port, config.host) ?? error;
  }
  // After listening, so that start-up does not wait for it; a search meanwhile waits for the build instead.
  if (options.warmPlaces === true) {
    places().then(
      (index) => logger.info(`the city search is ready: ${index.size.toLocaleString('en')} cities`),
      (error: unknown) => logger.error({ err: error }, GAZETTEER_FAILED),
    );
  }
  // What a save holds: the counts, and the bus positions they cover (a subscriber started from a save's
  // positions reports those until it knows its own, so a save while Kafka is away keeps its place).
  const toSave = (): StateToSave => ({ snapshot: engine.snapshot(), positions: subscriber.positions?.() ?? null });
  // A fresh map-server takes the others' history while it counts the log (the live map does not wait for a
  // month of buckets), and saves its state only after: until then its open hours and part numbers do not fit
  // the buckets on its shelf. One that could not read the others' history holds only what the log still has:
  // what it would publish then is partial, and must not replace their full hours and days on the topic.
  const stopImport = new AbortController();
  let imported: Promise<void> | null = null;
  const share = options.historyShare ?? null;
  const startSharing = () => history.keeper.shareTo((key, bytes) => share?.publish(key, bytes));
  if (share !== null && !importShared) startSharing();
  const invalid = new LogThrottle(INVALID_LOG_MS);
  const tick = setInterval(() => {
    const now = Date.now();
    engine.tick(now);
    history.tick(now);
    for (const { held } of invalid.due(now)) {
      app.log.warn(
        `skipped ${held} more messages that break the event contract in the last ${INVALID_LOG_MS / 1_000} s (all are counted in /api/health)`,
      );
    }
  }, TICK_MS);
  tick.unref();
  try {
    await subscriber.start(
      {
        events: (messages) => {
          const arrival = Date.now();
          for (const message of messages) {
            const result = ingest(engine, message, arrival);
            if (result.ok || result.reason !== 'invalid_event') continue;
            const held = invalid.admit('invalid_event', arrival);
            if (held !== null) {
              app.log.warn(
                { key: message.key, error: result.error, ...(held > 0 && { heldBack: held }) },
                'skipped a message that breaks the event contract',
              );
            }
          }
        },
        status: (status) => producers.record(status),
      },
      loaded?.header.positions ?? null,
    );
  } catch (error) {
    clearInterval(tick);
    await app.close();
    state?.saved.abandon();
    throw error;
  }
  if (share !== null && importShared) {
    state?.saved.keepLocked();
    imported = importHistory(history, engine, share, logger, stopImport.signal)
      .then((shares) => {
        if (stopImport.signal.aborted) return;
        if (shares) startSharing();
        state?.saved.startSaving(toSave);
      })
      .catch((error: unknown) => logger.error({ err: error }, "history: taking the other map-servers' history failed"));
  } else {
    state?.saved.startSaving(toSave);
  }
  return {
    app,
    engine,
    hub,
    url,
    async close() {
      clearInterval(tick);
      // History still being taken is let go (the next start takes it again), and then nothing is written
      // or saved: the hours counted meanwhile are counted again from the log.
      const loading = history.keeper.loading;
      stopImport.abort();
      try {
        await imported;
        await app.close(); // ends SSE streams first (preClose), then waits for requests in flight
        await subscriber.close();
        // The hours over are written; the open ones are in the save (or, with no data directory, let go).
        if (!loading) history.tick(Date.now());
        await options.historyShare?.close();
      } finally {
        // Last: nothing is counted after this save, so it holds everything, at the positions read.
        if (loading) state?.saved.abandon();
        else await state?.saved.close(toSave);
      }
    },
  };
}

/**
 * History beside the engine: under the data directory (`history/`), or in memory when there is none. The
 * shelf's buckets written after the engine's snapshot are let go; with no snapshot of history, counting
 * starts after the newest hour kept, so that a rebuild from the log does not count it twice. A fresh shelf
 * with a share (Kafka) is filled from it first (`importShared`: then `importHistory` finishes this).
 */
function openHistory(
  config: MapServerOptions['config'],
  engine: TrendEngine,
  logger: Logger,
  share: HistoryShare | null,
): { history: History; importShared: boolean } {
  const shelf = config.dataDir === null ? new MemoryShelf() : new FileShelf(join(config.dataDir, 'history'));
  const { keeper, load } = HistoryKeeper.open(shelf, { hourlyDays: config.historyDays, dailyDays: config.historyDailyDays }, logger);
  const history = new History(keeper, engine);
  if (engine.hasRestoredHistory) {
    keeper.restored(engine.openHours.nextSeq);
  } else if (share !== null && keeper.holdsNothing) {
    return { history, importShared: true };
  } else {
    const { countFrom, nextSeq } = keeper.restored(null);
    engine.openHours.resume(nextSeq, countFrom);
  }
  if (load.hours + load.days > 0) {
    logger.info(
      `history: ${load.hours} hours and ${load.days} days of ${load.tags.toLocaleString('en')} tags, indexed in ${Math.round(load.ms)} ms from ${config.dataDir}`,
    );
  }
  return { history, importShared: false };
}

/**
 * Fills a fresh history from the share while the log is counted, and counts from after its newest hour;
 * without it (a failure, logged) from the log alone, and then says so (false): this map-server's history is
 * partial (the hours before the newest taken when it failed are let go too), and is not shared.
 */
async function importHistory(history: History, engine: TrendEngine, share: HistoryShare, logger: Logger, signal: AbortSignal): Promise<boolean> {
  const started = performance.now();
  // Written as it is read, a bucket at a time: a month of history never sits in memory.
  const importing = history.keeper.importer();
  try {
    await share.read((key, bucket) => {
      importing.take(key, bucket);
      // The hours taken need no count of their own (one kept would be let go at the end): memory stays a few hours.
      const from = importing.countFrom();
      if (from !== null) engine.openHours.raiseFloor(from);
    }, signal);
    importing.finish();
    const taken = importing.taken();
    if (taken.hours + taken.days > 0) {
      logger.info(
        `history: took ${taken.hours} hours and ${taken.days} days from the other map-servers in ${Math.round(performance.now() - started)} ms`,
      );
    }
  } catch (error) {
    try {
      importing.abandon();
    } catch (abandonError) {
      logger.warn(`history: could not delete what it took before the read failed (${(abandonError as Error).message})`);
    }
    if (signal.aborted) return false;
    logger.warn(
      `history: could not read the other map-servers' history (${(error as Error).message}); counting from the log only, ` +
        `and not sharing this map-server's partial history until it restarts`,
    );
    const { countFrom, nextSeq } = history.keeper.restored(null);
    engine.openHours.resume(nextSeq, countFrom);
    return false;
  }
  const { countFrom, nextSeq } = history.keeper.restored(null);
  engine.openHours.resume(nextSeq, countFrom);
  return true;
}

/**
 * The kind of run a save belongs to: its counts only make sense to a run of the same kind. On the in-process
 * bus, each source keeps its own (a replay must not write into a live map's, nor generated posts mix with the
 * X stream's); over Kafka the topic is the source of truth, whatever publishes to it.
 */
export function runKind(config: Pick<Config, 'kafkaBrokers' | 'kafkaTopic' | 'source'>): string {
  if (config.kafkaBrokers !== null) return `Kafka topic ${config.kafkaTopic}`;
  const source = { synthetic: 'the synthetic world', x: 'the X stream', replay: 'a replay' }[config.source];
  return `${source} on the in-process bus`;
}

/**
 * An event handed over in this process was checked where it was made: it is counted as it is. Bytes from
 * another process are decoded and checked first, and counted as `invalid_event` when they break the contract.
 */
function ingest(engine: TrendEngine, message: DeliveredMessage, arrivalMs: number): IngestResult {
  return isEventMessage(message) ? engine.ingestEvent(message.event, arrivalMs) : engine.ingest(message.value, arrivalMs);
}
