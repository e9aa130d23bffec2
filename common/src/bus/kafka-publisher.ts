/**
 * Publishes events to Kafka: idempotent (a retried batch is written once), `acks` from all in-sync
 * replicas, gzip-compressed batches, keyed by country so that a region's posts stay in one partition.
 * While the broker is away, `publish` keeps retrying the batch, so the pipeline waits instead of losing
 * posts: kafkajs retries requests itself, but gives up on a broker it cannot connect to, so a failed batch
 * is sent again here, with back-off, until it is acknowledged or the publisher is closed. A batch that was
 * written just before a failure may be written twice; the map-server drops the second copy by post id.
 */

/** Back-off between attempts at a failed batch, in ms. */
const RESEND_MS = { initial: 500, max: 5_000 };
import { setTimeout as sleep } from 'node:timers/promises';
import { CompressionTypes, Partitioners, type Producer } from 'kafkajs';
import type { BusMessage, EventPublisher } from './bus';
import { createKafka, ensureTopic, RETRY, type BusLog, type KafkaSettings } from './kafka-client';

export class KafkaPublisher implements EventPublisher {
  private closing = false;

  private constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly log: BusLog,
  ) {}

  /** Connects, creating the topic when missing. */
  static async connect(settings: KafkaSettings, log: BusLog): Promise<KafkaPublisher> {
    const kafka = createKafka(settings, log);
    const admin = kafka.admin();
    await admin.connect();
    try {
      if (await ensureTopic(admin, settings)) log.info(`kafka: created topic ${settings.topic} (${settings.partitions} partitions)`);
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // Unlimited retries keep exactly-once; a short cap on the back-off resumes soon after the broker returns.
      retry: { ...RETRY, retries: Number.MAX_SAFE_INTEGER },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    return new KafkaPublisher(producer, settings.topic, log);
  }

  async publish(messages: BusMessage[]): Promise<void> {
    if (messages.length === 0) return;
    let wait = RESEND_MS.initial;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.send(messages);
        if (attempt > 1) this.log.info(`kafka: delivered a held batch of ${messages.length} posts after ${attempt} attempts`);
        return;
      } catch (error) {
        if (this.closing) throw error;
        if (attempt === 1) this.log.warn(`kafka: could not publish (${(error as Error).message}); holding ${messages.length} posts and retrying`);
        await sleep(wait);
        wait = Math.min(wait * 2, RESEND_MS.max);
      }
    }
  }

  private async send(messages: BusMessage[]): Promise<void> {
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      compression: CompressionTypes.GZIP,
      messages: messages.map((m) => ({
        key: m.key,
        value: m.value,
        timestamp: String(m.timestamp),
        headers: m.headers,
      })),
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.producer.disconnect();
  }
}
