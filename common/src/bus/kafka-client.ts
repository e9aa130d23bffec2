/**
 * What the Kafka publisher and subscriber share: the client, kafkajs's logs routed to ours, and the topic,
 * created when missing with a retention longer than the largest window.
 */
import { Kafka, logLevel, type Admin, type logCreator } from 'kafkajs';
import type { Config } from '../config';
import type { BusLog } from './bus-log';

export { consoleLog, type BusLog } from './bus-log';


export interface KafkaSettings {
  brokers: string[];
  topic: string;
  clientId: string;
  /** Used when this side creates the topic. */
  partitions: number;
  retentionHours: number;
}

/** The Kafka part of the configuration, for a client named `clientId`. */
export function kafkaSettings(config: Config, clientId: string): KafkaSettings {
  if (config.kafkaBrokers === null) throw new Error('KAFKA_BROKERS is not set');
  return {
    brokers: config.kafkaBrokers,
    topic: config.kafkaTopic,
    clientId,
    partitions: config.kafkaPartitions,
    retentionHours: config.kafkaRetentionHours,
  };
}

/**
 * kafkajs retries a failing request this fast at first, and backs off to `maxRetryTime` (ms). The producer
 * and the consumer keep these timings and set their own `retries`.
 */
export const RETRY = { initialRetryTime: 300, maxRetryTime: 5_000, retries: 8 };

/** A message kafkajs repeats (every retry while a broker is away) is logged once per this many ms. */
const REPEAT_LOG_MS = 15_000;

export function createKafka(settings: KafkaSettings, log: BusLog): Kafka {
  const lastLogged = new Map<string, number>();
  const toOurs: logCreator = () => ({ level, log: entry }) => {
    const text = `kafka: ${entry.message}${entry.error && !entry.message.includes(String(entry.error)) ? `: ${entry.error}` : ''}`;
    const now = Date.now();
    if (now - (lastLogged.get(text) ?? 0) < REPEAT_LOG_MS) return;
    if (lastLogged.size > 100) lastLogged.clear();
    lastLogged.set(text, now);
    if (level <= logLevel.ERROR) log.error(text);
    else if (level === logLevel.WARN) log.warn(text);
  };
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: logLevel.WARN,
    logCreator: toOurs,
    retry: RETRY,
    connectionTimeout: 3_000,
  });
}

/** Creates the topic when it does not exist; an existing topic is left as it is. */
export async function ensureTopic(admin: Admin, settings: KafkaSettings): Promise<boolean> {
  const existing = await admin.listTopics();
  if (existing.includes(settings.topic)) return false;
  const created = await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic: settings.topic,
        numPartitions: settings.partitions,
        configEntries: [
          { name: 'retention.ms', value: String(settings.retentionHours * 3_600_000) },
          // Seeking to "now - 24 h" on start relies on the producer's publish time being the message time.
          { name: 'message.timestamp.type', value: 'CreateTime' },
        ],
      },
    ],
  });
  return created;
}
