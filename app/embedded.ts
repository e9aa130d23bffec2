/**
 * One process running both the producer and the map-server: what `npm start` runs and what the
 * end-to-end tests start. Joined by the in-process bus by default, or through Kafka when KAFKA_BROKERS is
 * set (the same code as the two separate services, in one process).
 */
import { DEFAULT_SYNTHETIC_HISTORY_MS, type Config } from '../common/node/config';
import type { EventPublisher, EventSubscriber } from '../common/node/bus/bus';
import { MemoryBus } from '../common/node/bus/memory-bus';
import { busLog, createLogger, type Logger } from '../common/node/log';
import type { Archive } from '../producer/src/archive/archive-files';
import { startProducer, stopAndFlush, type RunningProducer } from '../producer/src/producer';
import { newProducerId } from '../producer/src/status-reporter';
import { REBUILD_MS, startMapServer, type HistoryShare, type MapServerOptions, type RunningMapServer } from '../map-server/src/map-server';

export interface Embedded {
  readonly server: RunningMapServer;
  readonly producer: RunningProducer;
  /** Stops the source, flushes, ends streams and closes the server, in that order. */
  close(): Promise<void>;
}

export async function startEmbedded(
  config: Config,
  overrides: Pick<MapServerOptions, 'staticDir' | 'hub' | 'logger' | 'warmPlaces'> & { archive?: Archive | null } = {},
): Promise<Embedded> {
  const { archive = null, ...serverOverrides } = overrides;
  const logger: Logger = overrides.logger ?? createLogger(config);
  const log = busLog(logger);
  let publisher: EventPublisher;
  let subscriber: EventSubscriber;
  let historyShare: HistoryShare | null = null;
  if (config.kafkaBrokers === null) {
    const bus = new MemoryBus();
    ({ publisher, subscriber } = bus);
  } else {
    // Loaded only in the Kafka mode: kafkajs costs memory the embedded default does not need.
    const [{ KafkaPublisher }, { KafkaSubscriber }, { kafkaSettings }, { KafkaHistoryShare }] = await Promise.all([
      import('../common/node/bus/kafka-publisher'),
      import('../common/node/bus/kafka-subscriber'),
      import('../common/node/bus/kafka-client'),
      import('../map-server/src/history/kafka-history-share'),
    ]);
    subscriber = new KafkaSubscriber({ ...kafkaSettings(config, 'trendmap-map-server'), rebuildMs: REBUILD_MS }, log);
    historyShare = new KafkaHistoryShare(kafkaSettings(config, 'trendmap-map-server'), log);
    // Returns at once: posts are held until the broker answers, while the map serves and says `degraded`
    // (the subscriber says in the log what is wrong; once is enough).
    publisher = KafkaPublisher.start(kafkaSettings(config, 'trendmap-producer'), log, { reportConnecting: false });
  }
  const producerId = newProducerId();
  let producer: RunningProducer;
  let server: RunningMapServer | undefined;
  try {
    server = await startMapServer({
      config,
      subscriber,
      // Its statuses reach the server over the bus like any producer's; named, they count as the server's own.
      ownProducer: producerId,
      historyShare,
      ...serverOverrides,
      logger,
    });
    // On the in-process bus the synthetic world writes its last day first (unless told otherwise), from
    // where a saved state ends if it holds part of it. Over Kafka the log holds the past instead.
    producer = await startProducer(config, publisher, archive, log, producerId, {
      defaultHistoryMs: config.kafkaBrokers === null ? DEFAULT_SYNTHETIC_HISTORY_MS : 0,
      heldUpToMs: server.engine.windowsEndMs,
    });
  } catch (error) {
    // A port in use, a source that cannot start: what did start stops (the publisher would otherwise go on
    // retrying a broker that is away, and the server on serving) before the error is reported.
    await server?.close();
    await publisher.close();
    throw error;
  }
  return {
    server,
    producer,
    async close() {
      await stopAndFlush(producer, publisher, log);
      await server.close();
    },
  };
}
