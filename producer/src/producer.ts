/**
 * Starts the producer for a configuration: picks the source, loads the border index and runs the pipeline
 * against whatever bus it is given (the in-process bus or Kafka), publishing its status there beside the
 * events (`status-reporter.ts`).
 */
import type { Config } from '../../common/node/config';
import type { EventPublisher } from '../../common/node/bus/bus';
import type { BusLog } from '../../common/node/bus/bus-log';
import { createCountryLookup } from './normalise/country-lookup';
import { runPipeline, ProducerStats } from './pipeline';
import { replaySource } from './sources/replay';
import { syntheticSource } from './sources/synthetic';
import type { Source } from './sources/source';
import type { Archive } from './archive/archive-files';
import { newProducerId, StatusReporter } from './status-reporter';

/**
 * How long a stop waits for posts held for a bus that does not take them (Kafka away), in ms, before it
 * gives them up: long enough for a broker that is restarting, short of the 30 s after which a supervisor
 * (Kubernetes, systemd) kills the process anyway.
 */
export const HELD_POSTS_GRACE_MS = 10_000;

export interface RunningProducer {
  /** Names this producer in its statuses on the bus. */
  readonly id: string;
  readonly source: Source;
  readonly stats: ProducerStats;
  /** Settles when the source is exhausted (an archive), aborted, or failed, once the last status is published. */
  readonly done: Promise<ProducerStats>;
  /** Stops reading; resolves once what was read is published. */
  stop(): Promise<void>;
}

/**
 * What the process running a producer knows that its configuration does not: for the synthetic world, how
 * much of its past to write when `--history` is not given (`npm start` on its in-process bus: a day; a
 * producer publishing to Kafka: none, or a restart would publish it again), and the event time up to which
 * the counts it feeds already hold posts (a saved state), where that history starts instead.
 */
export interface SourceContext {
  defaultHistoryMs?: number;
  heldUpToMs?: number | null;
}

/**
 * `archive`: the replay's files when already resolved (see `preflight`), else they are found here. `log`:
 * where a live source reports its connection (the process's logger).
 */
export async function createSource(config: Config, archive: Archive | null = null, log?: BusLog, context: SourceContext = {}): Promise<Source> {
  switch (config.source) {
    case 'replay': {
      const source = replaySource({ file: config.file!, archive: archive ?? undefined, shard: config.shard, range: config.range });
      const share = source.share;
      if (share !== undefined) {
        const of = `share ${share.index}/${share.count} of ${config.file}: ${source.progress.filesTotal} of its ${share.of} files`;
        const list = `(file list ${share.fingerprint}: the producers of one split must all print it)`;
        if (source.progress.filesTotal === 0) log?.warn(`replay: ${of}, so nothing to publish ${list}`);
        else log?.info(`replay: ${of} ${list}`);
      }
      for (const folder of source.unreadable ?? []) log?.warn(`replay: passed over the folder ${folder.name}: cannot read it (${folder.reason})`);
      const { filesTotal, outsideRange } = source.progress;
      if (outsideRange > 0) {
        const read = `replay: ${filesTotal} of ${filesTotal + outsideRange} files to read`;
        const why = `the names of the other ${outsideRange} put them outside --from/--to`;
        if (filesTotal === 0) log?.warn(`${read}: ${why}, so nothing to publish`);
        else log?.info(`${read}; ${why}`);
      }
      return source;
    }
    case 'synthetic':
      return syntheticSource({
        rate: config.rate,
        seed: config.seed,
        historyMs: config.historyMs ?? context.defaultHistoryMs ?? 0,
        historyFromMs: context.heldUpToMs ?? null,
        log,
      });
    case 'x': {
      // Loaded only when used: the X client library costs memory the other sources do not need.
      const { xSource } = await import('./sources/x-stream');
      return xSource(config, log);
    }
  }
}

/** `id`: what its statuses are published under (`newProducerId` by default). */
export async function startProducer(
  config: Config,
  publisher: EventPublisher,
  archive: Archive | null = null,
  log?: BusLog,
  id = newProducerId(),
  context: SourceContext = {},
): Promise<RunningProducer> {
  const source = await createSource(config, archive, log, context);
  const stats = new ProducerStats();
  const controller = new AbortController();
  const status = new StatusReporter({ id, source, stats, publisher });
  status.start();
  const done = runPipeline({
    source,
    publisher,
    lookup: createCountryLookup(),
    speed: config.speed,
    range: config.range,
    signal: controller.signal,
    stats,
    // `auto` leaves it to the pipeline's rule (and the process's threads).
    normaliseThread: config.normaliseThread === 'off' ? false : undefined,
  }).then(
    async (result) => {
      await status.finish(result.finished ? 'finished' : 'stopped');
      return result;
    },
    async (error: unknown) => {
      await status.finish('failed');
      throw error;
    },
  );
  return {
    id,
    source,
    stats,
    done,
    async stop() {
      controller.abort();
      await done.catch(() => undefined);
    },
  };
}

/**
 * Stops reading and closes the publisher once what was read is published, or after `graceMs` if the bus
 * does not take it (closing ends the held publish): a stop during a Kafka outage ends instead of waiting
 * for the broker. Resolves whether everything read was published; says so in the log when not.
 */
export async function stopAndFlush(
  producer: RunningProducer,
  publisher: EventPublisher,
  log: BusLog,
  graceMs = HELD_POSTS_GRACE_MS,
): Promise<boolean> {
  const stopped = producer.stop();
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
  const flushed = await Promise.race([stopped.then(() => true as const), gaveUp]);
  clearTimeout(timer);
  await publisher.close(); // ends a publish still held (it fails), so the pipeline stops
  await stopped;
  if (!flushed) {
    const { accepted, published } = producer.stats;
    log.warn(
      `stopping: the bus did not take the posts held for it within ${graceMs / 1_000} s; they were not published ` +
        `(${accepted - published} of ${accepted} accepted)`,
    );
  }
  return flushed;
}
