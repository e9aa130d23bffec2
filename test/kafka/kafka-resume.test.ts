/**
 * The Kafka subscriber resuming from a save's offsets, against the real broker, in this process: positions
 * taken between batches, handed to a new subscriber after more was published, make it deliver exactly what
 * came after them, none twice; a save older than the window reads nothing older than it; retention that
 * deleted messages after the save is read past and said; a partition added since the save is read from the
 * time; positions that do not fit the topic (another topic's, or one since made again) are not used: the
 * topic is read from the time as with no save.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { Kafka, logLevel } from '../../common/node/bus/kafkajs';
import type { BusPositions, DeliveredMessage } from '../../common/node/bus/bus';
import type { BusLog } from '../../common/node/bus/bus-log';
import { KafkaPublisher } from '../../common/node/bus/kafka-publisher';
import { KafkaSubscriber } from '../../common/node/bus/kafka-subscriber';
import { checkedEvent, decodeEvent } from '../../common/node/event';
import { event } from '../../map-server/test/helpers';
import { freePort, KAFKA_TEST_MS, uniqueTopic, until } from './services';

const brokers = inject('kafkaBrokers');

/** The subscriber's rebuild window, in ms: the largest window, as the map-server sets it. */
const DAY_MS = 24 * 3_600_000;

const closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of closing.splice(0).reverse()) await thing.close();
});

/** A log that keeps its lines. */
function capture(): { lines: string[]; log: BusLog } {
  const lines: string[] = [];
  return { lines, log: { info: (m) => lines.push(m), warn: (m) => lines.push(`warn: ${m}`), error: (m) => lines.push(`error: ${m}`) } };
}

const settings = (topic: string, partitions: number) => ({
  brokers: brokers!.split(','),
  topic,
  clientId: 'test-resume',
  partitions,
  retentionHours: 48,
});

const idOf = (message: DeliveredMessage): string => {
  const decoded = 'value' in message ? decodeEvent(message.value) : { ok: true as const, event: message.event };
  if (!decoded.ok) throw new Error(`not an event: ${decoded.error}`);
  return decoded.event.id;
};

/** A fresh topic of `partitions` partitions, and a publisher to it (closed after the test). */
function freshTopic(name: string, partitions: number): { topic: string; publisher: KafkaPublisher } {
  const topic = uniqueTopic(name);
  const publisher = KafkaPublisher.start(settings(topic, partitions), capture().log);
  closing.push(publisher);
  return { topic, publisher };
}

/** Publishes `count` events stamped `timestamp` (ms), keyed by many countries so that every partition gets some; returns their ids. */
async function publish(publisher: KafkaPublisher, count: number, timestamp = Date.now()): Promise<string[]> {
  const messages = Array.from({ length: count }, (_, i) => ({
    key: `C${i}`,
    event: checkedEvent(event({ tags: ['resume'], ts: timestamp })),
    timestamp,
  }));
  await publisher.publish(messages);
  return messages.map((m) => m.event.id);
}

/**
 * Starts a subscriber on `topic` from `resume`, and waits until its rebuild is over: it has handed on
 * everything written before it started. Returns the ids it delivered by then, in order, and its log.
 */
async function readFrom(topic: string, partitions: number, resume: BusPositions | null, rebuildMs = DAY_MS) {
  const { lines, log } = capture();
  const ids: string[] = [];
  const subscriber = new KafkaSubscriber({ ...settings(topic, partitions), rebuildMs }, log);
  closing.push(subscriber);
  await subscriber.start({ events: (messages) => ids.push(...messages.map(idOf)), status: () => {} }, resume);
  await until(
    async () => (subscriber.health().rebuilding ? undefined : true),
    () => `the rebuild to end; log: ${JSON.stringify(lines)}`,
  );
  return { subscriber, ids, lines };
}

/** Runs `action` with an admin client whose metadata knows `topic` (some requests need it loaded first). */
async function asAdmin(topic: string, action: (admin: Admin) => Promise<unknown>): Promise<void> {
  const admin = new Kafka({ clientId: 'test-resume-admin', brokers: brokers!.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.fetchTopicMetadata({ topics: [topic] });
    await action(admin);
  } finally {
    await admin.disconnect();
  }
}

const sum = (positions: BusPositions | null): number => Object.values(positions ?? {}).reduce((n, offset) => n + Number(offset), 0);

describe.skipIf(brokers === null)('resuming from a save on Kafka', { timeout: KAFKA_TEST_MS }, () => {
  it('delivers exactly what came after the positions taken between batches, none twice', async () => {
    const { topic, publisher } = freshTopic('resume', 2);
    const first = await publish(publisher, 40);

    // A save taken between two batches: at the start of the second batch, consistent with the first.
    const delivered: string[] = [];
    let save: { positions: BusPositions | null; delivered: string[] } | null = null;
    const subscriber = new KafkaSubscriber({ ...settings(topic, 2), rebuildMs: DAY_MS }, capture().log);
    closing.push(subscriber);
    expect(subscriber.positions()).toBeNull(); // no save given, start offsets not known yet
    await subscriber.start({
      events: (messages) => {
        if (delivered.length > 0 && save === null) save = { positions: subscriber.positions(), delivered: [...delivered] };
        delivered.push(...messages.map(idOf));
      },
      status: () => {},
    });
    await until(async () => (subscriber.health().rebuilding ? undefined : true), 'the first rebuild to end');
    expect(delivered.sort()).toEqual([...first].sort());
    const atEnd = subscriber.positions();
    expect(Object.keys(atEnd ?? {}).sort()).toEqual(['0', '1']);
    expect(
      Object.values(atEnd ?? {}).every((offset) => Number(offset) > 0),
      'both partitions had posts',
    ).toBe(true);
    expect(sum(atEnd)).toBe(first.length); // a fresh topic: offsets count the messages
    expect(save, 'a second batch came').not.toBeNull();
    const between = save!;
    expect(sum(between.positions)).toBe(between.delivered.length);
    await subscriber.close();
    closing.pop();

    const more = await publish(publisher, 15);
    const all = [...first, ...more];

    const fromEnd = await readFrom(topic, 2, atEnd);
    expect(fromEnd.ids.sort()).toEqual([...more].sort());
    expect(fromEnd.lines).toContain(`kafka: resuming from the saved offsets (${more.length} messages to catch up on ${topic})`);
    expect(sum(fromEnd.subscriber.positions())).toBe(all.length);

    const fromBetween = await readFrom(topic, 2, between.positions);
    expect(fromBetween.ids.length).toBe(new Set(fromBetween.ids).size); // none twice
    expect([...between.delivered, ...fromBetween.ids].sort()).toEqual([...all].sort());
    expect(fromBetween.ids.length).toBeGreaterThan(more.length);
  });

  it("says the save's positions until it knows its start offsets: nothing was handed on meanwhile", async () => {
    // No broker answers there: the subscriber keeps trying, and a save made meanwhile must keep the save's place.
    const resume = { 0: '7', 1: '3' };
    const away = { ...settings(uniqueTopic('resume-away'), 2), brokers: [`127.0.0.1:${await freePort()}`], rebuildMs: DAY_MS };
    const subscriber = new KafkaSubscriber(away, capture().log);
    closing.push(subscriber);
    await subscriber.start({ events: () => {}, status: () => {} }, resume);
    resume[0] = '8'; // its own copy
    expect(subscriber.positions()).toEqual({ 0: '7', 1: '3' });
    expect(subscriber.health()).toMatchObject({ connection: 'disconnected', rebuilding: true });
  });

  it('reads no post older than the window from a save older than it', async () => {
    const { topic, publisher } = freshTopic('resume-old', 1);
    const hour = 3_600_000;
    await publish(publisher, 5, Date.now() - 2 * hour);
    const recent = await publish(publisher, 4);

    // Saved before any of them, an hour's window: the two-hour-old posts are out of it.
    const { ids, lines } = await readFrom(topic, 1, { 0: '0' }, hour);
    expect(ids).toEqual(recent);
    expect(lines).toContain(`kafka: resuming from the saved offsets (${recent.length} messages to catch up on ${topic})`);
  });

  it('reads past messages retention deleted after the save, and says how many are lost', async () => {
    const { topic, publisher } = freshTopic('resume-deleted', 1);
    const ids = await publish(publisher, 10);
    // As retention would: the log now starts at offset 6. The save had read up to 2.
    await asAdmin(topic, (admin) => admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '6' }] }));

    const read = await readFrom(topic, 1, { 0: '2' });
    expect(read.ids).toEqual(ids.slice(6));
    expect(read.lines).toContain(
      `warn: kafka: up to 4 messages on ${topic} partition 0 were deleted by the topic's retention after the save, before they were read: the counts miss those posts`,
    );
    expect(read.lines).toContain(`kafka: resuming from the saved offsets (4 messages to catch up on ${topic})`);
  });

  it('reads a partition added since the save from the time', async () => {
    const { topic, publisher } = freshTopic('resume-grown', 1);
    await publish(publisher, 5);
    await asAdmin(topic, (admin) => admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] }));
    // A publisher made now knows of the new partition (the first one would only after its metadata's 5 min).
    const grown = KafkaPublisher.start(settings(topic, 2), capture().log);
    closing.push(grown);
    const later = await publish(grown, 12);

    const { subscriber, ids, lines } = await readFrom(topic, 2, { 0: '5' }); // saved before partition 1 was there
    expect(ids.sort()).toEqual([...later].sort());
    expect(Number(subscriber.positions()?.[1]), 'partition 1 had posts').toBeGreaterThan(0);
    expect(lines).toContain(
      `kafka: resuming from the saved offsets (${later.length} messages to catch up on ${topic}); partition 1 (added since the save) from the last 24 h`,
    );
  });

  it('does not use positions past the end of the topic: reads it from the time, as with no save, and says so', async () => {
    const { topic, publisher } = freshTopic('resume-other', 2);
    const ids = await publish(publisher, 3);

    // Another topic's positions, or this one's before it was deleted and made again.
    const { subscriber, ids: read, lines } = await readFrom(topic, 2, { 0: '500', 1: '20' });
    expect(read.sort()).toEqual([...ids].sort());
    expect(lines).toContain(
      `warn: kafka: the saved offsets do not match ${topic} (partition 0 was saved at offset 500, past the end of its log (` +
        `${subscriber.positions()?.[0]})): the topic was deleted and made again, or the save is another topic's; not resuming ` +
        `from them, reading the last 24 h of ${topic} instead`,
    );
    expect(lines).toContain(`kafka: rebuilding from 3 messages of the last 24 h on ${topic}`);
    expect(sum(subscriber.positions())).toBe(3);
  });
});
