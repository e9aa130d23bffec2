/**
 * What the Kafka publisher and subscriber share: the client, kafkajs's logs routed to ours, and the topics,
 * created when missing: the events, kept longer than the largest window, and the producers' statuses.
 */
import { connect, type Socket } from 'node:net';
import type { Admin, ISocketFactory, ITopicConfig, logCreator } from 'kafkajs';
import { Kafka, logLevel } from './kafkajs';
import type { Config } from '../config';
import { LogThrottle } from '../log-throttle';
import type { BusLog } from './bus-log';
import type { Compression } from './compressions';
import { installCodecs } from './kafka-codecs';
import { statusTopic } from './producer-status-wire';

export type { BusLog } from './bus-log';

export interface KafkaSettings {
  brokers: string[];
  topic: string;
  clientId: string;
  /** Used when this side creates the topic. */
  partitions: number;
  retentionHours: number;
  /** How this side compresses the batches it writes (`KAFKA_COMPRESSION`; default `DEFAULT_COMPRESSION`); it reads every codec. */
  compression?: Compression;
}

/** The Kafka part of the configuration, for a client named `clientId`. */
export function kafkaSettings(config: Config, clientId: string): KafkaSettings {
  if (config.kafkaBrokers === null) throw new Error('KAFKA_BROKERS is not set'); // callers check first: a bug
  return {
    brokers: config.kafkaBrokers,
    topic: config.kafkaTopic,
    clientId,
    partitions: config.kafkaPartitions,
    retentionHours: config.kafkaRetentionHours,
    compression: config.kafkaCompression,
  };
}

/**
 * kafkajs retries a failing request this fast at first, and backs off to `maxRetryTime` (ms). The producer
 * and the consumer keep these timings and set their own `retries`.
 */
export const RETRY = { initialRetryTime: 300, maxRetryTime: 5_000, retries: 8 };

/** A message kafkajs repeats (every retry while a broker is away) is logged once per this many ms, with a count. */
const REPEAT_LOG_MS = 15_000;

/** How long a connection attempt waits for a broker to answer, in ms. */
const CONNECTION_TIMEOUT_MS = 3_000;

export interface ClientTuning {
  /** Retries of a failing request (kafkajs's own); default RETRY's. */
  retries?: number;
  /** Drop kafkajs's own log lines: for a client whose failures the caller reports itself. */
  quiet?: boolean;
  /** How long a request waits for the broker's answer, in ms; default kafkajs's 30 s. */
  requestTimeoutMs?: number;
  /** How its connections are made; default kafkajs's. */
  socketFactory?: ISocketFactory;
}

/** Whether this process has said which codecs stand in for native ones. */
let codecFallbackReported = false;
let timerWarningDropped = false;

/**
 * Drops Node's `TimeoutNegativeWarning` from this process's stderr. kafkajs 2.2.4's request queue sets a timer
 * for `throttledUntil - Date.now()` while nothing is throttled (`throttledUntil` is -1), and Node 23 and later
 * warn of the negative delay (and use 1 ms, as kafkajs means): on Node 24 every client printed it, a line
 * with no meaning for the person reading the log. Other warnings pass as before.
 */
export function dropNegativeTimeoutWarnings(): void {
  if (timerWarningDropped) return;
  timerWarningDropped = true;
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = (warning: string | Error, ...rest: unknown[]) => {
    const options = rest[0];
    const type: unknown = typeof options === 'string' ? options : (options as { type?: unknown } | undefined)?.type;
    if (type === 'TimeoutNegativeWarning' || (warning instanceof Error && warning.name === 'TimeoutNegativeWarning')) return;
    emitWarning(warning, ...rest);
  };
}

export function createKafka(settings: KafkaSettings, log: BusLog, tuning: ClientTuning = {}): Kafka {
  dropNegativeTimeoutWarnings();
  // Every client reads every codec. A JavaScript codec standing in for a native one is said once a process,
  // whether it writes with it or only reads (zstd's reader on an older Node is no surprise: not said).
  const codecs = installCodecs();
  if (!codecFallbackReported && !tuning.quiet) {
    codecFallbackReported = true;
    for (const name of ['snappy', 'lz4'] as const) {
      const { codec, fallbackReason } = codecs[name];
      if (fallbackReason !== null)
        log.warn(`kafka: ${name} batches are read and written with ${codec.name}: the native codec did not load (${fallbackReason})`);
    }
  }
  const throttle = new LogThrottle(REPEAT_LOG_MS);
  const toOurs: logCreator =
    () =>
    ({ level, log: entry }) => {
      const text = `kafka: ${entry.message}${entry.error && !entry.message.includes(String(entry.error)) ? `: ${entry.error}` : ''}`;
      const held = throttle.admit(text, Date.now());
      if (held === null) return;
      const line = held > 0 ? `${text} (and ${held} times more in the last ${REPEAT_LOG_MS / 1_000} s)` : text;
      if (level <= logLevel.ERROR) log.error(line);
      else if (level === logLevel.WARN) log.warn(line);
    };
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: tuning.quiet ? logLevel.NOTHING : logLevel.WARN,
    logCreator: toOurs,
    retry: { ...RETRY, retries: tuning.retries ?? RETRY.retries },
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    ...(tuning.requestTimeoutMs !== undefined && { requestTimeout: tuning.requestTimeoutMs }),
    ...(tuning.socketFactory !== undefined && { socketFactory: tuning.socketFactory }),
  });
}

/**
 * `connectWithBackoff`'s probe: resolves once a broker answers, rejects when none does. A fresh admin each
 * time (one whose connect timed out may report the next as made at once), with no retries of its own and a
 * short wait for each answer, so that a broker that is absent, or that takes connections and never answers
 * (a wrong port, a host still starting), is noticed within seconds rather than after kafkajs's ~30 s. Its
 * sockets are destroyed afterwards: kafkajs only ends them, and a peer that never answers never closes
 * its side either, so each attempt would keep one open. Quiet: its caller says what failed.
 */
export function brokerProbe(settings: KafkaSettings, log: BusLog): () => Promise<void> {
  return async () => {
    const sockets: Socket[] = [];
    const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
      const socket = connect({ host, port }, onConnect);
      sockets.push(socket);
      return socket;
    };
    const admin = createKafka(settings, log, { retries: 0, quiet: true, requestTimeoutMs: CONNECTION_TIMEOUT_MS, socketFactory }).admin();
    try {
      await admin.connect();
    } finally {
      await admin.disconnect().catch(() => undefined);
      for (const socket of sockets) socket.destroy();
    }
  };
}

/** Rejects with `what` when `promise` has not settled within `ms`; a late outcome is ignored. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer from the broker in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
    promise.catch(() => undefined);
  }
}

/** How much of the status topic is kept before compaction may clean it, in ms: an hour of statuses. */
const STATUS_SEGMENT_MS = 3_600_000;

/** What `ensureTopics` did: the topics it created (described for the log), and whether statuses can flow. */
export interface TopicsReady {
  created: string[];
  /** Null when the status topic exists (or was made); else why not: statuses are then left out, events are not. */
  statusTopicError: string | null;
}

/**
 * Creates the events topic and its status topic (`statusTopic`) when they do not exist; existing ones are
 * left as they are. The events topic is required (a failure throws, and the caller retries). The status
 * topic is a side channel: where it cannot be made (topics managed by hand, no permission to create), the
 * events still flow and only the statuses are left out, with the reason returned for the log.
 */
export async function ensureTopics(admin: Admin, settings: KafkaSettings): Promise<TopicsReady> {
  const existing = new Set(await admin.listTopics());
  const retentionMs = String(settings.retentionHours * 3_600_000);
  const created: string[] = [];
  const describe = (topic: ITopicConfig) => `${topic.topic} (${topic.numPartitions} partition${topic.numPartitions === 1 ? '' : 's'})`;
  // One at a time: kafkajs answers false for a topic another client created meanwhile, but throws when a
  // request finds one of its topics there and not the other.
  if (!existing.has(settings.topic)) {
    const events: ITopicConfig = {
      topic: settings.topic,
      numPartitions: settings.partitions,
      configEntries: [
        { name: 'retention.ms', value: retentionMs },
        // Seeking to "now - 24 h" on start relies on the producer's publish time being the message time.
        { name: 'message.timestamp.type', value: 'CreateTime' },
      ],
    };
    if (await admin.createTopics({ waitForLeaders: true, topics: [events] })) created.push(describe(events));
  }
  const status = statusTopic(settings.topic);
  if (existing.has(status)) return { created, statusTopicError: null };
  const statuses: ITopicConfig = {
    topic: status,
    // One partition: a few messages a second at most, read whole by every map-server.
    numPartitions: 1,
    configEntries: [
      // The latest status per producer is what counts; a producer gone for the retention is forgotten.
      { name: 'cleanup.policy', value: 'compact,delete' },
      { name: 'retention.ms', value: retentionMs },
      // Compaction leaves the open segment alone: roll it hourly so that a restart reads little.
      { name: 'segment.ms', value: String(STATUS_SEGMENT_MS) },
    ],
  };
  try {
    if (await admin.createTopics({ waitForLeaders: true, topics: [statuses] })) created.push(describe(statuses));
    return { created, statusTopicError: null };
  } catch (error) {
    return { created, statusTopicError: `${status} is missing and could not be created (${(error as Error).message})` };
  }
}
