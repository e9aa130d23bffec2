/**
 * producer -> Apache Kafka -> map-server, as separate processes against a real broker: an archive replayed
 * with exact counts, a map-server killed with SIGKILL that rebuilds the same answers from the topic, and
 * messages that break the contract skipped without a crash.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Kafka, logLevel } from '../../common/node/bus/kafkajs';
import { event } from '../../map-server/test/helpers';
import { startEmbedded } from '../../app/embedded';
import {
  freePort,
  health,
  KAFKA_TEST_MS,
  killLeftovers,
  runService,
  startMapServer,
  stopServices,
  trends,
  uniqueTopic,
  until,
  type Service,
} from './services';
import { beforeAllOrFail, configFor, countsOf, expectSampleCounts, fixture, replaySample } from '../helpers';

const brokers = inject('kafkaBrokers');
const sample = fixture('replay-sample.jsonl');
const { expected, regions } = replaySample();

describe.skipIf(brokers === null)('producer -> Kafka -> map-server', { timeout: KAFKA_TEST_MS }, () => {
  const topic = uniqueTopic('services');
  const env = { KAFKA_BROKERS: brokers ?? '', KAFKA_TOPIC: topic, KAFKA_PARTITIONS: '3' };
  let mapServer: Service;
  let url: string;
  let port: number;

  /** (Re)starts the map-server, on the same port each time, and waits until it is ok. */
  const startOurMapServer = async () => {
    const started = await startMapServer(env, port);
    mapServer = started.service;
    return started.health;
  };

  const answers = async () => Promise.all(regions.map((r) => trends(url, `region=${r}&window=1h&limit=50`)));

  // A map-server that did not start fails the tests instead of skipping them.
  beforeAllOrFail(async () => {
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    return startOurMapServer();
  });
  afterAll(async () => {
    if (mapServer) await stopServices(mapServer);
    await killLeftovers(); // a producer that a failed test left running
  });

  it('replays an archive through Kafka with exact counts per region', async () => {
    const producer = runService('producer', ['--source', 'replay', '--file', sample, '--speed', 'max'], env);
    expect(await producer.exited, producer.output()).toBe(0);
    expect(producer.output()).toMatch(/finished\. 34 sent of 40 read; skipped 6 \(/);

    await until(async () => ((await health(url)).ingested === expected.accepted ? true : undefined), 'all posts to arrive');
    const got = await answers();
    regions.forEach((region, i) => expect(countsOf(got[i]), region).toEqual(expected[region]));
    const h = await health(url);
    // The two redeliveries went through Kafka and were dropped by the server.
    expect(h.skipped).toEqual({ duplicate: 2 });
    expect(h.kafka).toMatchObject({ connection: 'connected', lag: { 0: 0, 1: 0, 2: 0 } });
    // The producer's own account reached the server over the status topic; it is not this server's own.
    const { duplicate: _counted, ...producerSkips } = expected.skipped;
    const finished = await until(async () => {
      const [p] = (await health(url)).producers ?? [];
      return p?.state === 'finished' ? p : undefined;
    }, "the producer's final status");
    expect(finished).toMatchObject({ sourceName: 'replay', read: 40, accepted: 34, published: 34, skipped: producerSkips, droppedTags: {} });
    expect(finished.ageMs).toBeGreaterThanOrEqual(0);
  });

  it('answers the same after the map-server is killed with SIGKILL and restarted', async () => {
    const before = await answers();
    mapServer.process.kill('SIGKILL');
    expect(await mapServer.exited).toBeNull();
    const after = await startOurMapServer();
    expect(after.ingested).toBe(expected.accepted);
    expect(after.skipped).toEqual({ duplicate: 2 }); // dedupe holds across the rebuild
    expect(await answers()).toEqual(before);
    // The producer's latest status is read back from the status topic: the finished run, not forgotten.
    const [producer] = await until(async () => (await health(url)).producers, "the producer's status after the restart");
    expect(producer).toMatchObject({ state: 'finished', read: 40 });
  });

  it('skips messages that break the event contract, counts them, and keeps going', async () => {
    const kafka = new Kafka({ clientId: 'test-bad-messages', brokers: brokers!.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const valid = event({
      id: '1850006781237256193',
      ts: Date.UTC(2014, 5, 12, 19, 20),
      lat: 48.85,
      lon: 2.35,
      tags: ['afterthebad'],
      display: ['AfterTheBad'],
    });
    const before = await health(url);
    await producer.send({
      topic,
      messages: [
        { key: 'FR', value: Buffer.from([0xff, 0x00, 0x13, 0x37]) },
        { key: 'FR', value: JSON.stringify({ v: 1, id: 42, hello: 'world' }) },
        { key: 'FR', value: Buffer.alloc(900_000, 0x7b) },
        { key: null, value: null },
        { key: 'FR', value: JSON.stringify(valid) },
      ],
    });
    await producer.disconnect();
    // The message with no key may go to another partition than the rest, and be read after the valid one.
    const after = await until(async () => {
      const h = await health(url);
      return h.ingested === before.ingested + 1 && (h.skipped.invalid_event ?? 0) >= 4 ? h : undefined;
    }, 'the valid message and the bad ones');
    expect(after.ingested).toBe(before.ingested + 1);
    expect(after.skipped.invalid_event).toBe(4);
    expect(mapServer.process.exitCode).toBeNull();
    const fr = await trends(url, 'region=FR&window=1h&limit=50');
    expect(countsOf(fr)).toContainEqual({ tag: 'afterthebad', display: 'AfterTheBad', count: 1 });
  });

  it('flushes and exits 0 on SIGTERM: every post it reported sent is counted', async () => {
    const before = await health(url);
    const producer = runService('producer', ['--source', 'synthetic', '--rate', '400', '--seed', '9'], env);
    await until(async () => ((await health(url)).ingested > before.ingested + 400 ? true : undefined), 'posts to flow');
    producer.process.kill('SIGTERM');
    expect(await producer.exited, producer.output()).toBe(0);
    const sent = Number(/finished\. ([0-9]+) sent/.exec(producer.output())?.[1]);
    expect(sent).toBeGreaterThan(400);
    await until(async () => ((await health(url)).ingested === before.ingested + sent ? true : undefined), `all ${sent} posts counted`);
  });
});

describe.skipIf(brokers === null)('npm start with KAFKA_BROKERS set', { timeout: KAFKA_TEST_MS }, () => {
  it('runs producer and map-server in one process over Kafka, with the same counts', async () => {
    const config = configFor(['--source', 'replay', '--file', sample, '--speed', 'max'], {
      KAFKA_BROKERS: brokers ?? '',
      KAFKA_TOPIC: uniqueTopic('embedded'),
    });
    const embedded = await startEmbedded(config, { staticDir: null });
    try {
      expect((await embedded.producer.done).finished).toBe(true);
      const url = embedded.server.url;
      const h = await until(async () => {
        const current = await health(url);
        return current.ingested === expected.accepted && current.status === 'ok' ? current : undefined;
      }, 'all posts through Kafka');
      expect(h.kafka?.connection).toBe('connected');
      await expectSampleCounts(url);
      // Its producer's status came over Kafka too, and counts as this server's own, as on the in-process bus.
      const [producer] = await until(async () => {
        const current = await health(url);
        return current.producers?.[0]?.state === 'finished' ? current.producers : undefined;
      }, "the producer's final status through Kafka");
      expect(producer.producer).toBe(embedded.producer.id);
      expect((await health(url)).skipped).toEqual(expected.skipped);
    } finally {
      await embedded.close();
    }
  });
});
