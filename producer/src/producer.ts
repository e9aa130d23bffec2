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
import { xSource } from './sources/x-stream';

export interface RunningProducer {
  readonly source: Source;
  readonly stats: ProducerStats;
  /** Settles when the source is exhausted (an archive), aborted, or failed. */
  readonly done: Promise<ProducerStats>;
  /** Stops reading; resolves once what was read is published. */
  stop(): Promise<void>;
}

export function createSource(config: Config): Source {
  switch (config.source) {
    case 'replay':
      return replaySource({ file: config.file! });
    case 'synthetic':
      return syntheticSource({ rate: config.rate, seed: config.seed });
    case 'x':
      return xSource(config);
  }
}

export function startProducer(config: Config, publisher: EventPublisher): RunningProducer {
  const source = createSource(config);
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
