/**
 * The embedded default: producer and map-server in one process, joined by the in-process bus. This is what
 * `npm start` runs when KAFKA_BROKERS is unset, and what the end-to-end tests start.
 */
import type { Config } from '../../common/src/config';
import { MemoryBus } from '../../common/src/bus/memory-bus';
import { startProducer, type RunningProducer } from '../../producer/src/producer';
import { startMapServer, type MapServerOptions, type RunningMapServer } from './map-server';

export interface Embedded {
  readonly server: RunningMapServer;
  readonly producer: RunningProducer;
  /** Stops the source, flushes, ends streams and closes the server, in that order. */
  close(): Promise<void>;
}

export async function startEmbedded(
  config: Config,
  overrides: Pick<MapServerOptions, 'staticDir' | 'hub'> = {},
): Promise<Embedded> {
  const bus = new MemoryBus();
  let producer: RunningProducer | undefined;
  const server = await startMapServer({
    config,
    subscriber: bus.subscriber,
    upstreamSkips: () => producer?.stats.skipped.toJSON() ?? {},
    ...overrides,
  });
  producer = startProducer(config, bus.publisher);
  const running = producer;
  return {
    server,
    producer: running,
    async close() {
      await running.stop();
      await bus.publisher.close();
      await server.close();
    },
  };
}
