/**
 * Publishes events to Kafka: idempotent (a retried batch is written once), `acks` from all in-sync
 * replicas, batches compressed as `KAFKA_COMPRESSION` says (kafka-codecs.ts), keyed by country so that a region's posts stay in one partition.
 * While the broker is away, `publish` keeps retrying the batch, so the pipeline waits instead of losing
 * posts: kafkajs retries requests itself, but gives up on a broker it cannot connect to, so a failed batch
 * is sent again here, with back-off, until it is acknowledged or the publisher is closed. A batch that was
 * written just before a failure may be written twice; the map-server drops the second copy by post id.
 * A broker that is not there at start is waited for the same way: `start` returns at once and the first
 * batch is held until the connection is made (`connectWithBackoff`).
 *
 * Events are encoded here, and only here: the producer hands over checked objects. The producer's status goes
 * to the status topic (`producer-status-wire.ts`), one at a time, and is never held for long: a status the
 * broker does not take within `STATUS_WAIT_MS` is given up (the next one says the same and more).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Producer } from 'kafkajs';
import { Partitioners } from './kafkajs';
import type { ProducerStatus } from '../../browser/api';
import { encodeEvent } from '../event';
import type { EventMessage, EventPublisher } from './bus';
import { brokerProbe, createKafka, ensureTopics, RETRY, within, type BusLog, type KafkaSettings } from './kafka-client';
import { ConfigError } from '../errors';
import { DEFAULT_COMPRESSION, zstdWritable } from './compressions';
import { COMPRESSION_TYPES } from './kafka-codecs';
import { connectWithBackoff } from './kafka-connect';
import { encodeStatus, statusTopic } from './producer-status-wire';

/** Back-off between attempts at a failed batch, in ms. */
const RESEND_MS = { initial: 500, max: 5_000 };

/** How often the producer publishes its status on Kafka, in ms: a message each, so not too often. */
export const KAFKA_STATUS_EVERY_MS = 2_000;

/** How long `publishStatus` waits for the broker before it gives up on a status, in ms. */
const STATUS_WAIT_MS = 3_000;

export class KafkaPublisher implements EventPublisher {
  readonly statusEveryMs = KAFKA_STATUS_EVERY_MS;
  private closing = false;
  /** Set once connected: a status is sent only then, never held for the connection. */
  private producer: Producer | null = null;
  /** The status being sent, until the broker answers (it may outlive `STATUS_WAIT_MS`): one at a time. */
  private statusSend: Promise<unknown> | null = null;
  /** The newest status waiting for the one on its way. */
  private newestStatus: ProducerStatus | null = null;
  /** False when the status topic could not be made: statuses are then dropped, posts are not. */
  private statusTopicReady = true;
  private readonly stopping = new AbortController();
  /** Rejects when the publisher closes: what a publish still waiting on the broker races. */
  private readonly closed = new Promise<never>((_, reject) => {
    this.stopping.signal.addEventListener('abort', () => reject(new Error('the Kafka publisher was closed before the broker took the batch')), {
      once: true,
    });
  });
  /** The connected producer; null once closed before it connected. */
  private readonly ready: Promise<Producer | null>;

  private constructor(
    private readonly settings: KafkaSettings,
    private readonly log: BusLog,
    reportConnecting: boolean,
  ) {
    this.closed.catch(() => undefined); // a close with no publish waiting is no failure
    const kafka = createKafka(settings, log);
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // Unlimited retries keep exactly-once; a short cap on the back-off resumes soon after the broker returns.
      retry: { ...RETRY, retries: Number.MAX_SAFE_INTEGER },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.ready = connectWithBackoff(
      async () => {
        await this.ensureTopics(kafka.admin());
        await producer.connect();
        this.producer = producer;
        return producer;
      },
      {
        brokers: settings.brokers,
        meanwhile: reportConnecting ? 'holding posts until it answers' : null,
        log,
        signal: this.stopping.signal,
      },
      brokerProbe(settings, log),
    );
  }

  /**
   * Starts connecting (creating the topic when missing) and returns at once; `publish` waits for the
   * connection. `reportConnecting: false` leaves it to another adapter of the process to say that the
   * brokers cannot be reached (the map-server's, in `npm start`), so the log says it once. Throws a
   * `ConfigError` for zstd on a Node that cannot write it (before 22.15), before it connects.
   */
  static start(settings: KafkaSettings, log: BusLog, options: { reportConnecting?: boolean } = {}): KafkaPublisher {
    if (settings.compression === 'zstd' && !zstdWritable()) {
      throw new ConfigError(
        `KAFKA_COMPRESSION=zstd needs Node 22.15 or later to write zstd (this is ${process.version}); choose lz4, snappy or gzip`,
      );
    }
    return new KafkaPublisher(settings, log, options.reportConnecting ?? true);
  }

  private async ensureTopics(admin: Admin): Promise<void> {
    try {
      // Inside the try: a connect that fails part-way may have opened a connection all the same.
      await admin.connect();
      const { created, statusTopicError } = await ensureTopics(admin, this.settings);
      for (const topic of created) this.log.info(`kafka: created topic ${topic}`);
      this.statusTopicReady = statusTopicError === null;
      if (statusTopicError !== null) this.log.warn(`kafka: ${statusTopicError}; posts are published, the producer's status is not`);
    } finally {
      await admin.disconnect();
    }
  }

  async publish(messages: EventMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.ready;
    if (producer === null) throw new Error('the Kafka publisher was closed before it connected');
    let wait = RESEND_MS.initial;
    for (let attempt = 1; ; attempt += 1) {
      try {
        // kafkajs retries a send without end (the retries above) and a disconnect does not stop it: a close
        // ends this publish at once instead, with the batch unacknowledged.
        await Promise.race([this.send(producer, messages), this.closed]);
        if (attempt > 1) this.log.info(`kafka: delivered a held batch of ${messages.length} posts after ${attempt} attempts`);
        return;
      } catch (error) {
        if (this.closing) throw error;
        if (attempt === 1) this.log.warn(`kafka: could not publish (${(error as Error).message}); holding ${messages.length} posts and retrying`);
        // A close ends the wait at once (and this publish with the failure): no timer outlives the publisher.
        await sleep(wait, undefined, { signal: this.stopping.signal }).catch(() => {
          throw error;
        });
        wait = Math.min(wait * 2, RESEND_MS.max);
      }
    }
  }

  private async send(producer: Producer, messages: EventMessage[]): Promise<void> {
    await producer.send({
      topic: this.settings.topic,
      acks: -1,
      compression: COMPRESSION_TYPES[this.settings.compression ?? DEFAULT_COMPRESSION],
      messages: messages.map((m) => ({
        key: m.key,
        value: encodeEvent(m.event),
        timestamp: String(m.timestamp),
      })),
    });
  }

  /**
   * Sends a status once connected, one at a time: a status that finds another on its way waits for it (for
   * `STATUS_WAIT_MS` at most) and is sent after it, unless a newer one came meanwhile, which replaces it.
   * A status before the connection is dropped (the next one says the same and more). Never rejects.
   */
  async publishStatus(status: ProducerStatus): Promise<void> {
    if (this.producer === null || this.closing || !this.statusTopicReady) return;
    this.newestStatus = status;
    if (this.statusSend !== null) await this.waitForStatus(this.statusSend);
    if (this.newestStatus !== status || this.statusSend !== null || this.closing) return;
    this.newestStatus = null;
    const send = this.producer.send({
      topic: statusTopic(this.settings.topic),
      // The idempotent producer takes no other; a status is tiny, so waiting for every replica costs little.
      acks: -1,
      messages: [{ key: status.producer, value: encodeStatus(status), timestamp: String(status.at) }],
    });
    // Cleared before anyone waiting on it goes on: they wait on this very promise.
    const settled = send.then(
      () => undefined,
      () => undefined,
    );
    this.statusSend = settled.finally(() => (this.statusSend = null));
    await this.waitForStatus(this.statusSend);
  }

  private async waitForStatus(sending: Promise<unknown>): Promise<void> {
    await within(Promise.race([sending, this.closed]), STATUS_WAIT_MS, 'publishing the status').catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.stopping.abort();
    await (await this.ready)?.disconnect();
  }
}
