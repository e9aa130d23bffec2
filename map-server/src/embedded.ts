/**
 * One process running both the producer and the map-server: what `npm start` runs and what the
 * end-to-end tests start. Joined by the in-process bus by default, or through Kafka when KAFKA_BROKERS is
 * set (the same code as the two separate services, in one process).
 */
import type { Config } from '../../common/src/config';
import type { EventPublisher, EventSubscriber } from '../../common/src/bus/bus';
import { MemoryBus } from '../../common/src/bus/memory-bus';
import type { BusLog } from '../../common/src/bus/bus-log';
import type { Archive } from '../../producer/src/archive/archive-files';
import { startProducer, type RunningProducer } from '../../producer/src/producer';
import { REBUILD_MS, startMapServer, type MapServerOptions, type RunningMapServer } from './map-server';

export interface Embedded {
  readonly server: RunningMapServer;
  readonly producer: RunningProducer;
  /** Stops the source, flushes, ends streams and closes the server, in that order. */
  close(): Promise<void>;
}

export async function startEmbedded(
  config: Config,
  overrides: Pick<MapServerOptions, 'staticDir' | 'hub'> & { log?: BusLog; archive?: Archive | null } = {},
): Promise<Embedded> {
  const { log, archive = null, ...serverOverrides } = overrides;
  let publisher: EventPublisher;
  let subscriber: EventSubscriber;
  if (config.kafkaBrokers === null) {
    const bus = new MemoryBus();
    ({ publisher, subscriber } = bus);
  } else {
    // Loaded only in the Kafka mode: kafkajs costs memory the embedded default does not need.
    const [{ KafkaPublisher }, { KafkaSubscriber }, { kafkaSettings }] = await Promise.all([
      import('../../common/src/bus/kafka-publisher'),
      import('../../common/src/bus/kafka-subscriber'),
      import('../../common/src/bus/kafka-client'),
    ]);
    const busLog = log ?? quietLog;
    subscriber = new KafkaSubscriber({ ...kafkaSettings(config, 'trendmap-map-server'), rebuildMs: REBUILD_MS }, busLog);
    publisher = await KafkaPublisher.connect(kafkaSettings(config, 'trendmap-producer'), busLog);
  }
  let producer: RunningProducer | undefined;
  const server = await startMapServer({
    config,
    subscriber,
    // In one process the producer's skips can be shown beside the server's.
    upstreamSkips: () => producer?.stats.skipped.toJSON() ?? {},
    upstreamDroppedTags: () => producer?.stats.droppedTags.toJSON() ?? {},
    sourceHealth: () => {
      const state = producer?.source.state?.();
      return state && producer ? { name: producer.source.name, ...state } : undefined;
    },
    ...serverOverrides,
  });
  producer = await startProducer(config, publisher, archive);
  const running = producer;
  return {
    server,
    producer: running,
    async close() {
      await running.stop();
      await publisher.close();
      await server.close();
    },
  };
}

const quietLog: BusLog = { info: () => {}, warn: (m) => console.warn(m), error: (m) => console.error(m) };
