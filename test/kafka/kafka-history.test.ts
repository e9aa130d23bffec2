/**
 * History over Kafka survives losing a map-server: one map-server counts a two-day archive, published first on
 * three partitions and rebuilt from the log (the partitions read side by side, so one may run a day ahead of
 * another: posts too old for the live windows, `stale`, still count in history), and publishes its hours and
 * days to `<topic>.history`; it is stopped, and a fresh map-server with an empty data directory answers every
 * past moment exactly as the archive adds up, from the history topic alone (the events' log is emptied
 * first). The built services, as separate processes, on a real broker.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { Kafka, logLevel } from '../../common/node/bus/kafkajs';
import { join } from 'node:path';
import { tempDirs } from '../helpers';
import { DAY_MS, HOUR_MS, START_MS, countsIn, topOf, writeHistoryArchive } from '../history-archive';
import { health, KAFKA_TEST_MS, killLeftovers, runService, startMapServer, stopServices, uniqueTopic, until } from './services';
import type { HistoryResponse, TrendsResponse } from '../../common/browser/api';
import { summaryOf } from '../../map-server/src/core/history/hour-summary';
import { KafkaHistoryShare } from '../../map-server/src/history/kafka-history-share';
import { encodeShared } from '../../map-server/src/history/shared-bucket';

const brokers = inject('kafkaBrokers');

/** Deletes every message of a topic's partitions (what retention does to an old log). */
async function deleteAllRecords(brokerList: string, topic: string): Promise<void> {
  const admin = new Kafka({ clientId: 'kafka-history-test', brokers: brokerList.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.deleteTopicRecords({ topic, partitions: ends.map(({ partition }) => ({ partition, offset: '-1' })) });
  } finally {
    await admin.disconnect();
  }
}

/** The hours a map-server is still counting (`trendmap_history_open_hours` in /metrics). */
async function openHours(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^trendmap_history_open_hours (\d+)$/m.exec(text);
  if (match === null) throw new Error('/metrics has no trendmap_history_open_hours');
  return Number(match[1]);
}

const tempDir = tempDirs('kafka-history');
afterEach(killLeftovers);

/** Moments on both days: mid-spike, an hour boundary, late on the last day. */
const MOMENTS = [START_MS + DAY_MS + 15 * HOUR_MS, START_MS + 6 * HOUR_MS, START_MS + DAY_MS + 23 * HOUR_MS + 50 * 60_000];

describe.skipIf(brokers === null)('history over Kafka', { timeout: KAFKA_TEST_MS }, () => {
  it('publishes to a history topic that does not exist yet (a map-server that kept its data directory loads none)', async () => {
    const log = { info: () => {}, warn: (message: string) => warnings.push(message), error: (message: string) => warnings.push(message) };
    const warnings: string[] = [];
    const settings = {
      brokers: (brokers ?? '').split(','),
      topic: uniqueTopic('history-first'),
      clientId: 'kafka-history-test',
      partitions: 1,
      retentionHours: 48,
    };
    const first = new KafkaHistoryShare(settings, log);
    const summary = summaryOf(490_000, 1, new Map([['world', { posts: 2, tags: new Map([[0, 2]]) }]]));
    first.publish(
      'hours/2025-11-24T16',
      encodeShared(
        summary,
        () => 'derby',
        () => 'Derby',
      ),
    );
    await first.close();
    expect({ published: first.published, failed: first.failed, warnings }).toEqual({ published: 1, failed: 0, warnings: [] });
    const [bucket, ...others] = await new KafkaHistoryShare(settings, log).load();
    expect(others).toEqual([]);
    expect(bucket.key).toBe('hours/2025-11-24T16');
    expect(bucket.tags).toEqual([{ key: 'derby', display: 'Derby' }]);
    expect(bucket.summary.countOf(bucket.summary.regionIndex('world'), 0)).toBe(2);
    // A bucket that cannot be taken in (a full disk) fails the read, rather than have kafkajs retry it for ever.
    await expect(
      new KafkaHistoryShare(settings, log).read(() => {
        throw new Error('no space left on device');
      }),
    ).rejects.toThrow('no space left on device');
    // A map-server closed while it reads stops the read (its abort signal), mid-topic or before it starts.
    const stop = new AbortController();
    await expect(new KafkaHistoryShare(settings, log).read(() => stop.abort(), stop.signal)).rejects.toThrow(/^stopped reading /);
    await expect(new KafkaHistoryShare(settings, log).read(() => {}, stop.signal)).rejects.toThrow(/^stopped reading /);
  });

  it('is seen by a fresh map-server after the one that wrote it is gone', async () => {
    const dir = tempDir();
    const { path, posts } = writeHistoryArchive(dir, 2);
    const env = { KAFKA_BROKERS: brokers ?? '', KAFKA_TOPIC: uniqueTopic('history'), KAFKA_PARTITIONS: '3' };

    const producer = runService('producer', ['--source', 'replay', '--file', path, '--speed', 'max'], env);
    expect(await producer.exited, producer.output()).toBe(0);
    const first = await startMapServer({ ...env, DATA_DIR: join(dir, 'first') });
    // Every post counted: in the live windows, or (stale for them) in history only.
    await until(
      async () => {
        const { ingested, skipped } = await health(first.url);
        return ingested + (skipped.stale ?? 0) === posts.length ? true : undefined;
      },
      () => `the archive counted (${posts.length})`,
    );
    const { skipped } = await health(first.url);
    expect(Object.keys(skipped).filter((reason) => reason !== 'stale')).toEqual([]);
    // The hours over are written (and published) once idle, a few seconds after their last post: all but the newest.
    await until(async () => ((await openHours(first.url)) <= 1 ? true : undefined), 'the first map-server to write its hours');
    const hours = join(dir, 'first', 'history', 'hours');
    expect(new Set(readdirSync(hours).map((file) => file.slice(0, 13))).size).toBeGreaterThanOrEqual(2 * 24 - 1);
    const asked = (url: string) =>
      Promise.all(
        MOMENTS.flatMap((at) => ['world', 'JP', 'FR'].map((region) => fetch(`${url}/api/trends?region=${region}&window=24h&at=${at}&limit=20`))),
      );
    const before = await Promise.all((await asked(first.url)).map((r) => r.json() as Promise<TrendsResponse>));
    expect(await stopServices(first.service)).toEqual([0]);
    // The posts leave the log: all the second map-server can know of them is the history topic.
    await deleteAllRecords(brokers ?? '', env.KAFKA_TOPIC);

    const second = await startMapServer({ ...env, DATA_DIR: join(dir, 'second') });
    // It listens and counts the log at once; history fills in meanwhile (`loading`), and then holds every bucket.
    await until(
      async () => ((await (await fetch(`${second.url}/api/history`)).json()) as HistoryResponse).loading === false || undefined,
      () => `the second map-server to take the history topic\n${second.service.output()}`,
    );
    expect(second.service.output()).toMatch(/history: took 4[78] hours and 1 days from the other map-servers/);
    expect((await health(second.url)).ingested).toBe(0);
    const after = await Promise.all((await asked(second.url)).map((r) => r.json() as Promise<TrendsResponse>));
    expect(after).toEqual(before);
    for (const at of MOMENTS) {
      const toMs = Math.floor(at / HOUR_MS) * HOUR_MS;
      for (const region of ['world', 'JP', 'FR']) {
        const answer = after[MOMENTS.indexOf(at) * 3 + ['world', 'JP', 'FR'].indexOf(region)];
        const { total, tags } = countsIn(posts, region, toMs - DAY_MS, toMs);
        expect(
          { total: answer.total, trends: answer.trends.map(({ tag, count }) => ({ tag, count })) },
          `${region} at ${new Date(at).toISOString()}`,
        ).toEqual({
          total,
          trends: topOf(tags, 20),
        });
      }
    }
    expect(await stopServices(second.service)).toEqual([0]);
  });
});
