/**
 * History shared over Kafka, so that it survives losing any map-server: every map-server publishes the hours
 * and days it writes to a compacted topic beside the events (`<topic>.history`, key = what the bucket covers,
 * shared-bucket.ts), and a fresh one (an empty data directory) reads it whole while it counts the events, a
 * bucket at a time (`read`), then keeps its own counts only for the hours after the newest it took. Every map-server counts the same log, so two that
 * publish the same key publish the same counts; compaction keeps the latest, and a null (a bucket let go)
 * deletes it.
 *
 * Why a compacted topic and not a database: Kafka is already what every instance reads, it keeps one
 * value per key without a server of our own, and reading it whole at start is one sequential fetch. A bucket
 * is one message (gzip), so the topic allows large messages (`MAX_BUCKET_BYTES`).
 */
import type { Admin, Kafka, Producer } from 'kafkajs';
import { CompressionTypes, Partitioners } from '../../../common/node/bus/kafkajs';
import { createKafka, type BusLog, type KafkaSettings } from '../../../common/node/bus/kafka-client';
import { decodeShared, type SharedBucket } from './shared-bucket';

/** The history topic of an events topic. */
export function historyTopic(eventsTopic: string): string {
  return `${eventsTopic}.history`;
}

/** The largest bucket the topic takes, in bytes (gzip's, on the wire): a busy hour of a 1M-tag vocabulary. */
export const MAX_BUCKET_BYTES = 100 * 1024 * 1024;

/** How long reading the topic at start may go without a message before the map-server gives up on it, in ms. */
const LOAD_IDLE_MS = 120_000;

export class KafkaHistoryShare {
  private readonly kafka: Kafka;
  private readonly topic: string;
  private producer: Producer | null = null;
  /** Publishing in order, one send after another. */
  private sending: Promise<void> = Promise.resolve();
  private failing = false;
  /** Buckets published and failed, for the log and tests. */
  published = 0;
  failed = 0;

  constructor(
    settings: KafkaSettings,
    private readonly log: BusLog,
  ) {
    this.kafka = createKafka({ ...settings, clientId: `${settings.clientId}-history` }, log);
    this.topic = historyTopic(settings.topic);
  }

  /** Creates the topic when missing: one partition, compacted, large messages. */
  private async ensureTopic(admin: Admin): Promise<void> {
    if ((await admin.listTopics()).includes(this.topic)) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: this.topic,
          numPartitions: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'max.message.bytes', value: String(MAX_BUCKET_BYTES) },
          ],
        },
      ],
    });
  }

  /** Runs `use` with a connected admin client, the topic made first when missing. */
  private async withTopic<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await this.ensureTopic(admin);
      return await use(admin);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Reads the topic to its end, giving `take` each bucket as it comes, in the order written: a later one under
   * the same key replaces the earlier, a null deletes it (compaction keeps only the latest, but not at once).
   * One bucket at a time in memory. Fails when no message came for `LOAD_IDLE_MS`, or once `signal` aborts; a
   * bucket that cannot be read is logged and left out.
   */
  async read(take: (key: string, bucket: SharedBucket | null) => void, signal?: AbortSignal): Promise<void> {
    const stopped = () => new Error(`stopped reading ${this.topic}`);
    if (signal?.aborted) throw stopped();
    // Connecting retries for up to a minute while the broker is away: a close does not wait for that.
    const whileRunning = <T>(step: Promise<T>): Promise<T> => {
      if (signal === undefined) return step;
      step.catch(() => {});
      return Promise.race([step, new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(stopped()), { once: true }))]);
    };
    const ends = await whileRunning(this.withTopic((admin) => admin.fetchTopicOffsets(this.topic)));
    const pending = new Map(ends.filter((end) => BigInt(end.high) > BigInt(end.low)).map((end) => [end.partition, BigInt(end.high) - 1n]));
    if (pending.size === 0) return;
    const consumer = this.kafka.consumer({
      groupId: `trendmap-history-load-${process.pid}-${Date.now()}`,
      maxBytesPerPartition: MAX_BUCKET_BYTES,
      maxBytes: MAX_BUCKET_BYTES,
    });
    try {
      await whileRunning(consumer.connect());
      await whileRunning(consumer.subscribe({ topic: this.topic, fromBeginning: true }));
      await new Promise<void>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        let settled = false;
        const abort = () => settle(stopped());
        const settle = (error: Error | null) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', abort);
          if (error === null) resolve();
          else reject(error);
        };
        if (signal?.aborted) return settle(stopped());
        signal?.addEventListener('abort', abort);
        const idle = () => {
          clearTimeout(timer);
          timer = setTimeout(() => settle(new Error(`${this.topic} sent nothing for ${LOAD_IDLE_MS / 1_000} s before its end`)), LOAD_IDLE_MS);
        };
        idle();
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              if (settled) return;
              idle();
              const key = message.key?.toString();
              try {
                if (key !== undefined) this.taken(key, message.value, take);
              } catch (error) {
                // Not thrown back to kafkajs, which would read the message again for ever: the read fails.
                settle(error as Error);
                return;
              }
              const last = pending.get(partition);
              if (last !== undefined && BigInt(message.offset) >= last) pending.delete(partition);
              if (pending.size === 0) settle(null);
              // kafkajs hands over a fetched batch (many buckets) without leaving the task: the live map's
              // posts and answers wait at most one bucket, not a batch.
              else await new Promise<void>((resolve) => setImmediate(resolve));
            },
          })
          .catch((error: Error) => settle(error));
      });
    } finally {
      // Not waited for once stopped: a connect still retrying would hold the close.
      const disconnected = consumer.disconnect().catch(() => {});
      if (!signal?.aborted) await disconnected;
    }
  }

  /** Gives `take` a message's bucket (null: deleted); one that cannot be read is logged and left out. */
  private taken(key: string, value: Buffer | null, take: (key: string, bucket: SharedBucket | null) => void): void {
    if (value === null) {
      take(key, null);
      return;
    }
    let bucket: SharedBucket;
    try {
      bucket = decodeShared(key, new Uint8Array(value));
    } catch (error) {
      this.log.warn(`history: ${this.topic} holds a bucket ${key} that cannot be read (${(error as Error).message}); it is left out`);
      return;
    }
    take(key, bucket);
  }

  /** Every bucket the topic holds (the latest per key, none deleted), all in memory: for tests and small topics. */
  async load(): Promise<SharedBucket[]> {
    const latest = new Map<string, SharedBucket | null>();
    await this.read((key, bucket) => latest.set(key, bucket));
    const buckets = [...latest.values()].filter((bucket): bucket is SharedBucket => bucket !== null);
    return buckets.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Publishes a bucket (null: deletes it), after those before it; a failure is logged once until one succeeds. */
  publish(key: string, bytes: Uint8Array | null): void {
    this.sending = this.sending.then(async () => {
      try {
        if (this.producer === null) {
          // Made here too: a map-server that kept its data directory never loaded the topic, which may not exist.
          await this.withTopic(async () => {});
          // One partition: the partitioner is moot, but naming it keeps kafkajs from warning about its default.
          const producer = this.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
          try {
            await producer.connect();
          } catch (error) {
            await producer.disconnect().catch(() => {});
            throw error;
          }
          this.producer = producer;
        }
        await this.producer.send({
          topic: this.topic,
          compression: CompressionTypes.GZIP,
          messages: [{ key, value: bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) }],
        });
        this.published += 1;
        if (this.failing) this.log.info(`history: publishing to ${this.topic} again`);
        this.failing = false;
      } catch (error) {
        this.failed += 1;
        if (!this.failing)
          this.log.warn(
            `history: could not publish ${key} to ${this.topic} (${(error as Error).message}); it stays in this map-server's data directory`,
          );
        this.failing = true;
      }
    });
  }

  /** Waits for what was published to be sent, then disconnects. */
  async close(): Promise<void> {
    await this.sending;
    await this.producer?.disconnect();
  }
}
