/**
 * The Kafka adapters against the real broker, in this process: events cross as bytes with their key and
 * timestamp, the producer's status crosses on `<topic>.status` keyed by producer id, and anything else
 * written to the status topic is logged and ignored, never taken for a status.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { ProducerStatus } from '../../common/browser/api';
import type { BusHandlers, DeliveredMessage } from '../../common/node/bus/bus';
import type { BusLog } from '../../common/node/bus/bus-log';
import { KafkaPublisher } from '../../common/node/bus/kafka-publisher';
import { KafkaSubscriber } from '../../common/node/bus/kafka-subscriber';
import { statusTopic } from '../../common/node/bus/producer-status-wire';
import { checkedEvent, decodeEvent } from '../../common/node/event';
import { event, producerStatus } from '../../map-server/test/helpers';
import { consoleProduce, KAFKA_TEST_MS, uniqueTopic, until } from './services';

const brokers = inject('kafkaBrokers');

const closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of closing.splice(0).reverse()) await thing.close();
});

describe.skipIf(brokers === null)('the bus on Kafka', { timeout: KAFKA_TEST_MS }, () => {
  it('carries events as bytes with key and timestamp, and statuses by producer on the status topic', async () => {
    const topic = uniqueTopic('status');
    const warnings: string[] = [];
    const log: BusLog = { info: () => {}, warn: (m) => warnings.push(m), error: () => {} };
    const settings = { brokers: brokers!.split(','), topic, clientId: 'test-status', partitions: 2, retentionHours: 48 };
    const publisher = KafkaPublisher.start(settings, log);
    closing.push(publisher);
    const delivered: DeliveredMessage[] = [];
    const statuses: ProducerStatus[] = [];
    const handlers: BusHandlers = { events: (messages) => delivered.push(...messages), status: (s) => statuses.push(s) };

    const published = checkedEvent(event({ tags: ['overkafka'], ts: Date.now() }));
    // Within the 24 h the subscriber reads back, and not the time of sending: the one given must be kept.
    const timestamp = Date.now() - 60_000;
    await publisher.publish([{ key: 'FR', event: published, timestamp }]); // resolves once connected
    // One at a time: the second waits for the first and is replaced by the third, which still goes out.
    // Taken now, as a producer takes them: the status is the message's time, and the broker's retention
    // (48 h) would delete a segment of statuses stamped in 1970 whenever its check came round.
    const at = Date.now();
    await Promise.all([
      publisher.publishStatus(producerStatus({ producer: 'p1', at, read: 1 })),
      publisher.publishStatus(producerStatus({ producer: 'p1', at: at + 5, read: 2 })),
      publisher.publishStatus(producerStatus({ producer: 'p1', at: at + 10, read: 3, state: 'finished' })),
    ]);
    const junk = await consoleProduce(brokers!, statusTopic(topic), Buffer.from('p1\tnot a status\n'));
    expect(junk.code, junk.output).toBe(0);

    // Started after all was written: statuses are read from the status topic's start, events from 24 h back.
    const subscriber = new KafkaSubscriber({ ...settings, rebuildMs: 24 * 3_600_000 }, log);
    closing.push(subscriber);
    await subscriber.start(handlers);
    await until(
      async () => (delivered.length === 1 && statuses.length === 2 && warnings.length > 0 ? true : undefined),
      () => {
        return `1 event, 2 statuses and a warning; got ${delivered.length}, ${statuses.length}, ${JSON.stringify(warnings)}`;
      },
    );

    const [message] = delivered;
    expect('value' in message && Buffer.isBuffer(message.value)).toBe(true);
    if (!('value' in message)) return;
    expect([message.key, message.timestamp]).toEqual(['FR', timestamp]);
    expect(decodeEvent(message.value)).toEqual({ ok: true, event: published });
    expect(statuses.map((s) => [s.producer, s.at, s.read, s.state])).toEqual([
      ['p1', at, 1, 'running'],
      ['p1', at + 10, 3, 'finished'],
    ]);
    expect(warnings).toEqual([`kafka: ignored a message on ${statusTopic(topic)}: status is not JSON`]);
    // Lag and rebuilding concern the events topic only: the status topic's partition is no partition 0 of it.
    await until(async () => (subscriber.health().rebuilding ? undefined : true), 'the rebuild to end');
    expect(Object.keys(subscriber.health().lag).sort()).toEqual(['0', '1']);
  });

  it('carries events when the status topic cannot be made, and says so once on each side', async () => {
    // Kafka takes topic names of up to 249 characters: this one fits, `<topic>.status` does not, so the
    // broker refuses to create the status topic as it would for a client without the permission to.
    const base = uniqueTopic('nostatus');
    const topic = base + 'x'.repeat(249 - base.length);
    const warnings: string[] = [];
    const log: BusLog = { info: () => {}, warn: (m) => warnings.push(m), error: () => {} };
    const settings = { brokers: brokers!.split(','), topic, clientId: 'test-nostatus', partitions: 1, retentionHours: 48 };
    const publisher = KafkaPublisher.start(settings, log);
    closing.push(publisher);
    const published = checkedEvent(event({ tags: ['withoutstatus'], ts: Date.now() }));
    await publisher.publish([{ key: 'FR', event: published, timestamp: Date.now() }]);
    await publisher.publishStatus(producerStatus({ producer: 'p1', at: Date.now() })); // dropped, never held

    const delivered: DeliveredMessage[] = [];
    const statuses: ProducerStatus[] = [];
    const subscriber = new KafkaSubscriber({ ...settings, rebuildMs: 24 * 3_600_000 }, log);
    closing.push(subscriber);
    await subscriber.start({ events: (messages) => delivered.push(...messages), status: (s) => statuses.push(s) });
    await until(
      async () => (delivered.length === 1 ? true : undefined),
      () => `the event; got ${delivered.length}`,
    );
    expect(statuses).toEqual([]);
    expect(warnings.filter((w) => w.includes("posts are published, the producer's status is not"))).toHaveLength(1);
    expect(warnings.filter((w) => w.includes("reading posts without the producers' status"))).toHaveLength(1);
    expect(subscriber.health().connection).toBe('connected');
  });
});
