/**
 * Starts the producer for a configuration: picks the source, loads the border index and runs the pipeline
 * against whatever bus it is given (the in-process bus or Kafka).
 */
import type { Config } from '../../common/src/config';
import type { EventPublisher } from '../../common/src/bus/bus';
import { createCountryLookup } from './normalise/country-lookup';
import { runPipeline, ProducerStats } from './pipeline';
import { replaySource } from './sources/replay';
import { syntheticSource } from './sources/synthetic';
import type { Source } from './sources/source';
import type { Archive } from './archive/archive-files';

export interface RunningProducer {
  readonly source: Source;
  readonly stats: ProducerStats;
  /** Settles when the source is exhausted (an archive), aborted, or failed. */
  readonly done: Promise<ProducerStats>;
  /** Stops reading; resolves once what was read is published. */
  stop(): Promise<void>;
}

/** `archive`: the replay's files when already resolved (see `preflight`), else they are found here. */
export async function createSource(config: Config, archive: Archive | null = null): Promise<Source> {
  switch (config.source) {
    case 'replay':
      return replaySource({ file: config.file!, archive: archive ?? undefined });
    case 'synthetic':
      return syntheticSource({ rate: config.rate, seed: config.seed });
    case 'x': {
      // Loaded only when used: the X client library costs memory the other sources do not need.
      const { xSource } = await import('./sources/x-stream');
      return xSource(config);
    }
  }
}

export async function startProducer(config: Config, publisher: EventPublisher, archive: Archive | null = null): Promise<RunningProducer> {
  const source = await createSource(config, archive);
  const stats = new ProducerStats();
  const controller = new AbortController();
  const done = runPipeline({
    source,
    publisher,
    lookup: createCountryLookup(),
    speed: config.speed,
    signal: controller.signal,
    stats,
  });
  return {
    source,
    stats,
    done,
    async stop() {
      controller.abort();
      await done.catch(() => undefined);
    },
  };
}
