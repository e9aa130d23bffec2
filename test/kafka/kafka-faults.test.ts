/**
 * Faults against the real broker, with the built services as separate processes: a producer killed with
 * SIGKILL in the middle of an archive and started again on it, and junk written to the topic with Kafka's
 * own console producer. The counts after each are checked exactly against numbers worked out without the
 * product's code (test/kafka/counted-archive.ts, test/fixtures/replay-sample.expected.json).
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { event } from '../../map-server/test/helpers';
import { expectArchiveCounts, writeCountedArchive } from './counted-archive';
import {
  caughtUp,
  consoleProduce,
  GiveUp,
  health,
  KAFKA_TEST_MS,
  killLeftovers,
  runService,
  startMapServer,
  stopServices,
  topicMessages,
  uniqueTopic,
  until,
  type Service,
} from './services';
import { expectSampleCounts, fixture, replaySample } from '../helpers';

const brokers = inject('kafkaBrokers');

/** Posts in the archive the producer is killed in, published at 1,000 posts/s: about 12 s of publishing. */
const ARCHIVE_POSTS = 12_000;
const ARCHIVE_RATE = 1_000;
/** Kill once the map-server has counted this many: well into the archive, far from its end. */
const KILL_AFTER = 2_000;

/** Directories the tests wrote archives to. */
const dirs: string[] = [];
// Each test starts its own services: whatever a test left running (it failed part way) goes with it.
afterEach(async () => {
  await killLeftovers();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A map-server of its own on a fresh topic, once it answers `ok` (connected, rebuilt). */
async function mapServerOn(topic: string): Promise<{ url: string; env: Record<string, string>; service: Service }> {
  const env = { KAFKA_BROKERS: brokers ?? '', KAFKA_TOPIC: topic, KAFKA_PARTITIONS: '3' };
  const { service, url } = await startMapServer(env);
  return { url, env, service };
}

describe.skipIf(brokers === null)('faults against the real broker', { timeout: KAFKA_TEST_MS }, () => {
  it('a producer killed with SIGKILL mid-archive and started again: every post counted once', async () => {
    const topic = uniqueTopic('sigkill');
    const dir = mkdtempSync(join(tmpdir(), 'trendmap-sigkill-'));
    dirs.push(dir);
    const archive = writeCountedArchive(join(dir, 'posts.jsonl'), ARCHIVE_POSTS, ARCHIVE_RATE);
    const { url, env } = await mapServerOn(topic);

    const first = runService('producer', ['--source', 'replay', '--file', archive.file, '--speed', '1x'], env);
    await until(
      async () => ((await health(url)).ingested >= KILL_AFTER ? true : undefined),
      () => `${KILL_AFTER} posts at the map-server\n${first.output()}`,
    );
    first.process.kill('SIGKILL');
    expect(await first.exited).toBeNull(); // killed, not finished

    // Nothing the broker acknowledged is lost: every message the killed run left on the topic is counted,
    // once (its idempotent producer wrote each post once). And fewer than all of them are there: the kill
    // landed in the middle of the archive, as the broker, not a health answer from before it, tells.
    const killedRun = await until(async () => {
      const h = await health(url);
      const onTopic = await topicMessages(brokers!, topic);
      if (h.ingested > onTopic) throw new GiveUp(`${h.ingested} posts counted of ${onTopic} messages: some counted twice`);
      return h.ingested === onTopic ? onTopic : undefined;
    }, 'every post of the killed run at the map-server');
    expect(killedRun, 'the kill landed before the end of the archive').toBeLessThan(ARCHIVE_POSTS);
    expect((await health(url)).skipped).toEqual({});

    // The same archive again, from the start (at full speed: the pace does not change what is counted).
    const second = runService('producer', ['--source', 'replay', '--file', archive.file, '--speed', 'max'], env);
    expect(await second.exited, second.output()).toBe(0);

    const after = await caughtUp(url, ARCHIVE_POSTS, 'every post of the archive at the map-server');
    expect(after.ingested).toBe(ARCHIVE_POSTS);
    // The posts of the killed run did go through Kafka twice, and the map-server skipped the second copies.
    expect(await topicMessages(brokers!, topic)).toBeGreaterThanOrEqual(ARCHIVE_POSTS + killedRun);
    await until(async () => (((await health(url)).skipped.duplicate ?? 0) >= killedRun ? true : undefined), 'the redeliveries skipped');
    expect(Object.keys((await health(url)).skipped)).toEqual(['duplicate']);
    await expectArchiveCounts(url, archive);
  });

  it("counts junk from Kafka's console producer as invalid, keeps running, and counts valid posts after it exactly", async () => {
    const topic = uniqueTopic('junk');
    const { url, env, service: mapServer } = await mapServerOn(topic);
    const junk = junkMessages();
    const written = await consoleProduce(brokers!, topic, Buffer.concat(junk.map((line) => Buffer.concat([line, Buffer.from('\n')]))));
    expect(written.code, written.output).toBe(0);
    await until(async () => ((await health(url)).skipped.invalid_event === junk.length ? true : undefined), `${junk.length} invalid events`);

    const producer = runService('producer', ['--source', 'replay', '--file', fixture('replay-sample.jsonl'), '--speed', 'max'], env);
    expect(await producer.exited, producer.output()).toBe(0);
    const h = await caughtUp(url, replaySample().expected.accepted, 'the replay sample after the junk');
    expect(h.ingested).toBe(replaySample().expected.accepted);
    expect(h.skipped).toEqual({ invalid_event: junk.length, duplicate: 2 });
    await expectSampleCounts(url);
    expect(await stopServices(mapServer), mapServer.output()).toEqual([0]); // and it still stops cleanly
  });
});

/** A valid event, as the producer would publish it, to be broken one field at a time. */
const VALID = event({ id: '1850006781237256193', ts: Date.UTC(2014, 5, 12, 19, 20), lat: 48.85, lon: 2.35, tags: ['junk'], display: ['Junk'] });
const broken = (change: Record<string, unknown>) => JSON.stringify({ ...VALID, ...change });

/**
 * One message a line for the console producer, "key<TAB>value", `<NULL>` for a null key or value. None of
 * them is an event; the tool reads its input as UTF-8 text, so the binary line arrives with its invalid
 * bytes replaced by U+FFFD, and still is not one.
 */
function junkMessages(): Buffer[] {
  const text = [
    'not json at all',
    '{"v":1,"id":"1850006781237256193","ts":', // cut short
    'null',
    '[]',
    '"a string"',
    '42',
    '{}',
    broken({ v: 2 }),
    // eslint-disable-next-line no-loss-of-precision -- an id past 2^53 as a JSON number is the case under test
    broken({ id: 1850006781237256193 }), // a JSON number: the id would lose precision
    broken({ lat: 200 }),
    broken({ cc: 'France' }),
    broken({ tags: 'junk' }),
    broken({ tags: ['junk', 'more'] }), // display has one entry for two tags
    broken({ tags: ['junk', 'junk'], display: ['Junk', 'JUNK'] }),
    broken({ extra: true }),
    broken({ text: 'x'.repeat(40_000) }), // over the event's byte limit
    `{"pad":"${'x'.repeat(1_000_000)}"}`, // ~1 MB: over the limit 30 times, under the broker's message size
    '', // an empty value
  ].map((value) => Buffer.from(`FR\t${value}`));
  const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i).filter((b) => b !== 0x0a && b !== 0x0d && b !== 0x09));
  return [
    ...text,
    Buffer.concat([Buffer.from('FR\t'), binary]),
    Buffer.from('FR\t<NULL>'), // a null value (a tombstone)
    Buffer.from('<NULL>\tno key, and not an event'),
    Buffer.from('<NULL>\t<NULL>'),
  ];
}
