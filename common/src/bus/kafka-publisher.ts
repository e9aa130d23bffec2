/**
 * Publishes events to Kafka: idempotent (a retried batch is written once), `acks` from all in-sync
 * replicas, gzip-compressed batches, keyed by country so that a region's posts stay in one partition.
 * While the broker is away, `publish` keeps retrying (kafkajs retries an idempotent producer's requests
 * indefinitely), so the pipeline waits instead of losing posts.
 */
import { CompressionTypes, Partitioners, type Producer } from 'kafkajs';
import type { BusMessage, EventPublisher } from './bus';
import { createKafka, ensureTopic, type BusLog, type KafkaSettings } from './kafka-client';

export class KafkaPublisher implements EventPublisher {
  private constructor(
    private readonly producer: Producer,
    private readonly topic: string,
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
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5_000 },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    return new KafkaPublisher(producer, settings.topic);
  }

  async publish(messages: BusMessage[]): Promise<void> {
    if (messages.length === 0) return;
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
    await this.producer.disconnect();
  }
}
