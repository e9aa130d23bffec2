/**
 * Scale-out on Kafka (issue 14): two producers split one archive directory between them (`--shard 1/2` and
 * `--shard 2/2`) and publish it exactly once; two map-servers each read the whole topic, and answer every
 * query identically, and as the archive adds up. So map-servers can stand side by side behind a load
 * balancer with nothing sticky: a browser's stream reconnects to either and sees the same.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { TagRegionsResponse, TrendsResponse } from '../../common/browser/api';
import { DAY_MS, HOUR_MS, START_MS, countsIn, topOf, writeHistoryArchive } from '../history-archive';
import { health, KAFKA_TEST_MS, killLeftovers, runService, startMapServer, stopServices, uniqueTopic, until } from './services';
import { tempDirs } from '../helpers';

const brokers = inject('kafkaBrokers');
const tempDir = tempDirs('kafka-scale-out', afterAll);

/** Files the archive is cut into, by time: each producer gets every other one. */
const FILES = 6;

/** The archive's lines cut into `FILES` files of consecutive posts, named in time order, in `dir/split`. */
function splitArchive(path: string, dir: string): string {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  const split = join(dir, 'split');
  mkdirSync(split);
  const per = Math.ceil(lines.length / FILES);
  for (let i = 0; i < FILES; i += 1) writeFileSync(join(split, `part-${i + 1}.jsonl`), lines.slice(i * per, (i + 1) * per).join('\n') + '\n');
  return split;
}

/** What a viewer may ask of any map-server: trends in several regions and windows, live and past, and a tag's countries. */
function questions(): string[] {
  const asked: string[] = [];
  for (const region of ['world', 'JP', 'FR']) {
    for (const window of ['1h', '24h'])
      for (const sort of ['top', 'rising']) asked.push(`/api/trends?region=${region}&window=${window}&sort=${sort}&limit=50`);
    for (const hours of [12, 30, 47]) asked.push(`/api/trends?region=${region}&window=24h&at=${START_MS + hours * HOUR_MS}&limit=20`);
  }
  asked.push('/api/tags/croissant/regions?window=24h', '/api/trends?bbox=-10,35,30,60&window=24h&limit=50');
  return asked;
}

async function answers(url: string): Promise<unknown[]> {
  return Promise.all(questions().map(async (path) => ({ path, body: (await (await fetch(`${url}${path}`)).json()) as unknown })));
}

describe.skipIf(brokers === null)('two producers and two map-servers on one topic', { timeout: KAFKA_TEST_MS }, () => {
  afterAll(killLeftovers);

  it('publishes an archive split between two producers once, and both map-servers answer alike and exactly', async () => {
    const dir = tempDir();
    const { path, posts } = writeHistoryArchive(dir, 2);
    const split = splitArchive(path, dir);
    const env = { KAFKA_BROKERS: brokers ?? '', KAFKA_TOPIC: uniqueTopic('scale-out'), KAFKA_PARTITIONS: '3' };
    // The producer that starts first makes the topic; the map-servers then read it from its start.
    const [first, second] = await Promise.all([
      startMapServer({ ...env, DATA_DIR: join(dir, 'a') }),
      startMapServer({ ...env, DATA_DIR: join(dir, 'b') }),
    ]);
    try {
      const producers = [1, 2].map((k) =>
        runService('producer', ['--source', 'replay', '--file', split, '--speed', 'max', '--shard', `${k}/2`], env),
      );
      const exits = await Promise.all(producers.map((producer) => producer.exited));
      expect(exits, producers.map((producer) => producer.output()).join('\n')).toEqual([0, 0]);
      // Each published its own files: three each, and every post once between them.
      const sent = producers.map((producer) => {
        const match = /replay finished: 3 of 3 files read[\s\S]*finished\. (\d+) sent of (\d+) read; skipped 0\b/.exec(producer.output());
        expect(match, producer.output()).not.toBeNull();
        return Number(match![1]);
      });
      expect(sent[0] + sent[1]).toBe(posts.length);
      // Both were dealt from the same list of files, and say so.
      const lists = producers.map((producer) => /replay: share \d\/2 of .*: 3 of its 6 files \(file list (\w+)/.exec(producer.output())?.[1]);
      expect(lists[0]).toBeDefined();
      expect(lists[1]).toBe(lists[0]);
      expect(Math.min(...sent)).toBeGreaterThan(posts.length / 4);

      // Both map-servers count every post once: in the live windows, or (too old for them) in history only.
      for (const server of [first, second]) {
        await until(
          async () => {
            const { ingested, skipped } = await health(server.url);
            return ingested + (skipped.stale ?? 0) === posts.length ? true : undefined;
          },
          () => `${server.url} to count the archive (${posts.length})`,
        );
        const { skipped } = await health(server.url);
        expect(Object.keys(skipped).filter((reason) => reason !== 'stale')).toEqual([]);
      }
      const [fromFirst, fromSecond] = await Promise.all([answers(first.url), answers(second.url)]);
      expect(fromSecond).toEqual(fromFirst);
      // And as the archive adds up, where whole hours make it exact.
      for (const { path: asked, body } of fromFirst as { path: string; body: TrendsResponse }[]) {
        const at = /&at=(\d+)&/.exec(asked);
        if (at === null) continue;
        const toMs = Number(at[1]);
        const region = /region=(\w+)/.exec(asked)![1];
        const { total, tags } = countsIn(posts, region, toMs - DAY_MS, toMs);
        expect({ total: body.total, trends: body.trends.map(({ tag, count }) => ({ tag, count })) }, asked).toEqual({
          total,
          trends: topOf(tags, 20),
        });
      }
      const croissant = (fromFirst.at(-2) as { body: TagRegionsResponse }).body;
      expect(croissant.regions.length).toBeGreaterThan(0);
    } finally {
      expect(await stopServices(first.service, second.service)).toEqual([0, 0]);
    }
  });
});
