/**
 * A map-server over Kafka with a data directory, restarted (issue 11): it loads its save and reads the topic
 * from the offsets the save covers, not the last 24 h again. Checked exactly against counts worked out
 * without the product's code (counted-archive.ts), with the built services as separate processes.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDirs } from '../helpers';
import { expectArchiveCounts, writeCountedArchive } from './counted-archive';
import { health, KAFKA_TEST_MS, killLeftovers, runService, startMapServer, stopServices, uniqueTopic, until } from './services';

const brokers = inject('kafkaBrokers');

const POSTS = 4_000;

// Registered first, so removed last (vitest runs after-hooks in reverse): the services die before their directories go.
const tempDir = tempDirs('kafka-restart');
afterEach(killLeftovers);

/** Publishes an archive with a producer of its own and waits until it has exited, flushed. */
async function publish(file: string, env: Record<string, string>): Promise<void> {
  const producer = runService('producer', ['--source', 'replay', '--file', file, '--speed', 'max'], env);
  expect(await producer.exited, producer.output()).toBe(0);
}

describe.skipIf(brokers === null)('a map-server restarted with its data directory', { timeout: KAFKA_TEST_MS }, () => {
  it('reads only the log after its save, and counts every post exactly once', async () => {
    const dir = tempDir();
    const archive = writeCountedArchive(join(dir, 'posts.jsonl'), POSTS, 1_000);
    // The archive in two halves: one published before the stop, one while the map-server is away.
    const lines = readFileSync(archive.file, 'utf8').trimEnd().split('\n');
    const halves = [lines.slice(0, POSTS / 2), lines.slice(POSTS / 2)].map((half, i) => {
      const file = join(dir, `half-${i}.jsonl`);
      writeFileSync(file, `${half.join('\n')}\n`);
      return file;
    });
    const env = { KAFKA_BROKERS: brokers ?? '', KAFKA_TOPIC: uniqueTopic('restart'), KAFKA_PARTITIONS: '3', DATA_DIR: join(dir, 'state') };

    const first = await startMapServer(env);
    await publish(halves[0], env);
    await until(async () => ((await health(first.url)).ingested === POSTS / 2 ? true : undefined), 'the first half counted');
    expect(await stopServices(first.service)).toEqual([0]);
    expect(first.service.output()).toMatch(/saved the state to /);

    await publish(halves[1], env);
    const second = await startMapServer(env);
    expect(second.service.output()).toMatch(/restored the state saved at .*; reading .* from the offsets it covers/);
    expect(second.service.output()).toMatch(/kafka: resuming from the saved offsets/);
    // This process read the second half only: the first came from the save, and nothing was read twice.
    await until(async () => ((await health(second.url)).ingested === POSTS / 2 ? true : undefined), 'the second half counted');
    expect((await health(second.url)).skipped).toEqual({});
    await expectArchiveCounts(second.url, archive);
    expect(await stopServices(second.service)).toEqual([0]);
  });
});
