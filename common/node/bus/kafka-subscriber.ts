/**
 * Feeds the map-server from Kafka. Every instance reads every partition (it must answer any region and
 * feed any browser), under a consumer group of its own. On start it sets that group's offsets to the first
 * message at or after (now - `rebuildMs`) by message timestamp, so the windows are rebuilt from the log:
 * Kafka is the source of truth and a restart loses nothing. Until it has caught up with the end offsets it
 * saw at start, it reports `rebuilding`.
 *
 * Started with the positions a save recorded (`resume`, from `positions()` at the time of the save), it reads
 * each partition from the save's offset instead, so a map-server that loaded its save reads the minutes since,
 * not 24 h of log (`start-offsets.ts` has the rules): never from before (now - `rebuildMs`), so a save older
 * than the windows reads no stale post; from the first offset kept where retention deleted messages after the
 * save (warned, with how many posts of the window may be missing); from the time for a partition added since
 * the save. A saved offset past the end of its partition, or a partition the topic does not have, means the
 * topic was made again (or the save is another topic's): then no saved offset is used, on any partition, and
 * every partition is read from the time as with no save, with a warning naming the topic and the partition.
 * The log says which it did ("resuming from the saved offsets" or "rebuilding from"); `rebuilding` lasts
 * until it has caught up with the end offsets seen at start either way.
 *
 * A broker that is not there at start is waited for (`connectWithBackoff`): `start` returns at once, the
 * health says `disconnected` with the last error meanwhile, and the rebuild begins when the broker answers.
 *
 * Events arrive as bytes and are handed on as bytes (`WireMessage`): the map-server decodes and checks them,
 * and counts what breaks the contract. The producers' statuses are read from the status topic
 * (`producer-status-wire.ts`) from its start, so that a restart shows the latest of each producer at once;
 * they are checked here and a bad one is logged (throttled) and ignored. Lag and rebuilding concern the
 * events topic only.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { LogThrottle } from '../log-throttle';
import type { BusHandlers, BusPositions, EventSubscriber, SubscriberHealth } from './bus';
import { brokerProbe, createKafka, ensureTopics, RETRY, within, type BusLog, type KafkaSettings } from './kafka-client';
import { connectWithBackoff } from './kafka-connect';
import { PartitionProgress } from './partition-progress';
import { decodeStatus, statusTopic } from './producer-status-wire';
import { startOffsets, type StartPlan } from './start-offsets';

/** How often end offsets are read to report lag and notice a lost broker, in ms. */
const LAG_POLL_MS = 2_000;
/** A poll that takes longer than this means the broker is not answering, in ms. */
const LAG_POLL_TIMEOUT_MS = 3_000;
/** Deleting this instance's group on close is housekeeping: not worth more than this wait, in ms. */
const DELETE_GROUP_TIMEOUT_MS = 5_000;
/** A bad message on the status topic is logged once per this many ms, then as a count. */
const BAD_STATUS_LOG_MS = 60_000;

export interface KafkaSubscriberOptions extends KafkaSettings {
  /** How far back to rebuild from, in ms: the largest window. */
  rebuildMs: number;
}

export class KafkaSubscriber implements EventSubscriber {
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly stopping = new AbortController();
  private connecting: Promise<unknown> | null = null;
  /** Set once this instance's group has offsets: from then on, close deletes it. */
  private groupCreated = false;
  private consumer: Consumer | null = null;
  private readonly groupId = `trendmap-map-server-${hostname()}-${randomUUID().slice(0, 8)}`;
  /** Offsets read and end offsets per partition: the health's lag and rebuilding. */
  private readonly progress = new PartitionProgress();
  private connected = false;
  private lastError: string | null = null;
  private poll: NodeJS.Timeout | null = null;
  private readonly badStatus = new LogThrottle(BAD_STATUS_LOG_MS);
  /** The save's positions `start` was given: what `positions()` says until the start offsets are known. */
  private resume: BusPositions | null = null;

  constructor(
    private readonly options: KafkaSubscriberOptions,
    private readonly log: BusLog,
  ) {
    this.kafka = createKafka(options, log);
    this.admin = this.kafka.admin();
  }

  /**
   * Returns at once; the subscription goes live once the broker answers, retried with back-off until then.
   * `resume`: the positions a save recorded, to read from instead of (now - `rebuildMs`).
   */
  async start(handlers: BusHandlers, resume: BusPositions | null = null): Promise<void> {
    this.resume = resume && Object.keys(resume).length > 0 ? { ...resume } : null;
    this.connecting = connectWithBackoff(
      () => this.subscribe(handlers),
      {
        brokers: this.options.brokers,
        meanwhile: 'the map serves what it has and /api/health says degraded',
        log: this.log,
        signal: this.stopping.signal,
        onFailure: (reason) => (this.lastError = reason),
      },
      brokerProbe(this.options, this.log),
    );
  }

  private async subscribe(handlers: BusHandlers): Promise<void> {
    try {
      await this.connectAndRun(handlers);
    } catch (error) {
      // Start the next attempt afresh: a half-made consumer would hold a session open.
      const consumer = this.consumer;
      this.consumer = null;
      await consumer?.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private async connectAndRun(handlers: BusHandlers): Promise<void> {
    const { topic } = this.options;
    const statuses = statusTopic(topic);
    await this.admin.connect();
    const { statusTopicError } = await ensureTopics(this.admin, this.options);
    if (statusTopicError !== null) this.log.warn(`kafka: ${statusTopicError}; reading posts without the producers' status`);
    const byTime = await this.admin.fetchTopicOffsetsByTimestamp(topic, Date.now() - this.options.rebuildMs);
    const ends = await this.admin.fetchTopicOffsets(topic);
    const plan = startOffsets(byTime, ends, this.resume);
    const toRead = this.progress.startRebuild(plan.starts, ends);
    // A group nobody has joined yet takes committed offsets as they are: the first fetch starts right there.
    await this.admin.setOffsets({ groupId: this.groupId, topic, partitions: plan.starts });
    this.groupCreated = true;
    this.logStart(plan, toRead);

    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      // Always come back after a failure: a lost broker is waited out, never fatal.
      retry: { ...RETRY, retries: 10, restartOnFailure: async () => true },
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CONNECT, () => (this.connected = true));
    consumer.on(consumer.events.FETCH, () => (this.connected = true));
    consumer.on(consumer.events.DISCONNECT, () => (this.connected = false));
    consumer.on(consumer.events.CRASH, (e) => {
      this.connected = false;
      this.lastError = String(e.payload.error?.message ?? e.payload.error);
      this.log.warn(`kafka: consumer failed (${this.lastError}); restarting`);
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    // This group has no offsets there: from the start, which compaction keeps short.
    if (statusTopicError === null) await consumer.subscribe({ topic: statuses, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      eachBatch: async ({ batch }) => {
        if (batch.topic === statuses) {
          this.statuses(batch.messages, handlers);
          return;
        }
        if (batch.messages.length > 0) {
          handlers.events(
            batch.messages.map((m) => ({
              key: m.key?.toString() ?? null,
              value: m.value ?? Buffer.alloc(0),
              timestamp: Number(m.timestamp),
            })),
          );
          this.progress.consumed(batch.partition, batch.lastOffset());
        }
        this.progress.endOffset(batch.partition, batch.highWatermark);
      },
    });
    this.poll = setInterval(() => void this.pollEnds(), LAG_POLL_MS);
    this.poll.unref();
  }

  /** Says where reading starts: from the save or from the time, and what of the save could not be used. */
  private logStart(plan: StartPlan, toRead: number): void {
    const { topic, rebuildMs } = this.options;
    const hours = rebuildMs / 3_600_000;
    if (plan.mismatch !== null)
      this.log.warn(
        `kafka: the saved offsets do not match ${topic} (${plan.mismatch}): the topic was deleted and made again, or the save ` +
          `is another topic's; not resuming from them, reading the last ${hours} h of ${topic} instead`,
      );
    for (const { partition, messages } of plan.lost)
      this.log.warn(
        `kafka: up to ${messages} messages on ${topic} partition ${partition} were deleted by the topic's retention after the ` +
          `save, before they were read: the counts miss those posts`,
      );
    if (plan.resumed.length === 0) {
      this.log.info(`kafka: rebuilding from ${toRead} messages of the last ${hours} h on ${topic}`);
      return;
    }
    const n = plan.added.length;
    const added = n > 0 ? `; partition${n === 1 ? '' : 's'} ${plan.added.join(', ')} (added since the save) from the last ${hours} h` : '';
    this.log.info(`kafka: resuming from the saved offsets (${toRead} messages to catch up on ${topic})${added}`);
  }

  /**
   * The next offset to read per partition of the events topic, consistent with every batch handed to
   * `handlers.events` so far: each batch moves it synchronously, right after it was handed on. The save's
   * positions until the start offsets are known (nothing was handed on meanwhile); null with no save.
   */
  positions(): BusPositions | null {
    return this.progress.positions() ?? (this.resume && { ...this.resume });
  }

  private statuses(messages: KafkaMessage[], handlers: BusHandlers): void {
    for (const message of messages) {
      const result = decodeStatus(message.value ?? Buffer.alloc(0));
      if (result.ok) {
        handlers.status(result.status);
        continue;
      }
      const held = this.badStatus.admit('bad status', Date.now());
      if (held !== null)
        this.log.warn(`kafka: ignored a message on ${statusTopic(this.options.topic)}: ${result.error}${held > 0 ? ` (and ${held} more)` : ''}`);
    }
  }

  health(): SubscriberHealth {
    return {
      connection: this.connected ? 'connected' : 'disconnected',
      rebuilding: this.progress.rebuilding(),
      lag: this.progress.lag(),
      lastError: this.lastError,
      brokers: this.options.brokers,
    };
  }

  async close(): Promise<void> {
    this.stopping.abort();
    await this.connecting;
    if (this.poll) clearInterval(this.poll);
    await this.consumer?.disconnect();
    // The group existed only for this instance; a broker that is away keeps it until its offsets expire.
    if (this.groupCreated)
      await within(this.admin.deleteGroups([this.groupId]), DELETE_GROUP_TIMEOUT_MS, 'deleting the group').catch(() => undefined);
    await this.admin.disconnect();
  }

  private polling = false;

  private async pollEnds(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    const poll = this.admin.fetchTopicOffsets(this.options.topic);
    try {
      for (const p of await within(poll, LAG_POLL_TIMEOUT_MS, 'reading end offsets')) this.progress.endOffset(p.partition, p.high);
      this.connected = true;
    } catch (error) {
      this.connected = false;
      this.lastError = (error as Error).message;
    } finally {
      // A late answer still ends this poll, so that polls never pile up.
      poll.catch(() => undefined).finally(() => (this.polling = false));
    }
  }
}
