/**
 * The broker stopped for 60 s and restarted while the producer publishes 1,000 posts/s: no acknowledged
 * post is lost and none is counted twice; and a producer stopped during an outage ends within its grace.
 * Runs its own broker, since it stops it.
 *
 * The posts are a generated archive replayed at its original pace (1 ms apart: 1,000 posts/s), so the
 * publishing rate is the archive's and the expected answer is known in advance: every one of its posts,
 * per region and tag, counted by test/kafka/counted-archive.ts without the product's code. Equal counts
 * for every tag in every region over every window, with `ingested` equal to the archive's size, leave no
 * room for a lost post (a count would be short) or a post counted twice (one would be over).
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../../scripts/kafka-test-broker';
import { expectArchiveCounts, writeCountedArchive, type CountedArchive } from './counted-archive';
import { caughtUp, health, killLeftovers, runService, startMapServer, stopServices, uniqueTopic, until, type Service } from './services';
import { beforeAllOrFail } from '../helpers';

const POSTS = 45_000;
const RATE = 1_000; // posts per second of event time, replayed at 1x
const OUTAGE_MS = 60_000;
/** Stop the broker once this many posts were counted: publishing is well under way. */
const STOP_AFTER = 3 * RATE;

describe.skipIf(inject('kafkaBrokers') === null)('a broker outage while publishing', () => {
  const services: Service[] = [];
  let broker: TestBroker | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'trendmap-outage-'));

  const ready = beforeAllOrFail(async (): Promise<{ broker: TestBroker; archive: CountedArchive }> => {
    const archive = writeCountedArchive(join(dir, 'posts.jsonl'), POSTS, RATE);
    broker = await startTestBroker();
    return { broker, archive };
  });
  afterAll(async () => {
    await stopServices(...services);
    await killLeftovers();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`loses no acknowledged post and counts none twice across a ${OUTAGE_MS / 1_000} s outage`, async () => {
    const { broker, archive } = ready();
    const env = { KAFKA_BROKERS: broker.brokers, KAFKA_TOPIC: uniqueTopic('outage'), KAFKA_PARTITIONS: '3' };
    const { service: mapServer, url } = await startMapServer(env);
    services.push(mapServer);

    const producer = runService('producer', ['--source', 'replay', '--file', archive.file, '--speed', '1x'], env);
    services.push(producer);
    const before = await until(
      async () => {
        const h = await health(url);
        return h.ingested >= STOP_AFTER ? h : undefined;
      },
      () => `the first posts\n${producer.output()}`,
    );
    await broker.stop();
    const stoppedAt = Date.now();
    expect(producer.process.exitCode, 'the producer was still publishing when the broker stopped').toBeNull();
    expect(before.ingested).toBeLessThan(POSTS);
    await until(async () => ((await health(url)).status === 'degraded' ? true : undefined), 'the map-server to notice');
    // The outage itself: a fault of a set length, not a wait for something to happen.
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt))));
    await broker.restart();

    expect(await producer.exited, producer.output()).toBe(0);
    // Redeliveries are allowed, as long as they are skipped: a batch the producer sent again after the
    // broker went, or messages the consumer reads again from its last committed offset after the restart.
    const final = await caughtUp(url, POSTS, 'every post at the map-server');
    expect(final.ingested).toBe(POSTS);
    expect(Object.keys(final.skipped).filter((reason) => reason !== 'duplicate')).toEqual([]);
    await expectArchiveCounts(url, archive);
  }, 420_000);

  it('a producer stopped while the broker is away exits within its grace, saying how many posts it did not publish', async () => {
    const { broker } = ready();
    await broker.restart(); // running, whatever the test before left it as
    const env = { KAFKA_BROKERS: broker.brokers, KAFKA_TOPIC: uniqueTopic('stop-in-outage'), KAFKA_PARTITIONS: '3' };
    const producer = runService('producer', ['--source', 'synthetic', '--rate', '400', '--seed', '3'], env);
    services.push(producer);
    await until(
      async () => (/ [1-9][0-9]* sent of/.test(producer.output()) ? true : undefined),
      () => `posts sent\n${producer.output()}`,
    );
    // Stopped once the broker is gone, while its client retries the batch it was sending: kafkajs retries
    // without end, and before the fix the producer said it gave up after 10 s and then never exited.
    await broker.stop();
    producer.process.kill('SIGTERM');
    // The ceiling is for a broken build, not a measure of the 10 s grace.
    const code = await Promise.race([producer.exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 120_000).unref())]);
    expect(code, producer.output()).toBe(1);
    expect(producer.output()).toMatch(
      /the bus did not take the posts held for it within 10 s; they were not published \([1-9][0-9]* of [1-9][0-9]* accepted\)/,
    );
  }, 420_000);
});
