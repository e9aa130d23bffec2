/**
 * End to end, as researchers replay what twarc2 saved: a directory holding the same posts twice, as API pages
 * (test/fixtures/twarc2-pages.jsonl) and flattened (test/fixtures/twarc2-flat.jsonl). Every post is read from
 * both, so the second copy of each accepted post is a duplicate the map counts once; the summary, the
 * health answer and the metrics must all say so, with numbers that add up.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { beforeAllOrFail, configFor, ensureBuild, fixture, getJson, root, tempDirs, until } from './helpers';
import { startEmbedded, type Embedded } from '../app/embedded';
import { isReplaySource } from '../producer/src/sources/replay';
import { replaySummary } from '../producer/src/progress';
import type { HealthResponse } from '../common/browser/api';

/** What the fixtures hold (see producer/src/normalise/normalise-twarc.test.ts): 17 posts, 11 of them accepted. */
const POSTS = 17;
const ACCEPTED = 11;
const PAGE_LINES = 5; // four pages with posts, one without
const API_ERRORS = { 'resource-not-found': 2, 'not-authorized-for-resource': 1, other: 1 };
const SKIPPED = { no_id: 2, no_location: 2, bad_coordinates: 2, unknown_place: 4, no_hashtag: 2, empty_page: 1 };

const tempDir = tempDirs('twarc', afterAll);

/**
 * The fixtures, with their one post of 2024 moved among the others (of 2023-03-14, minutes apart): else the
 * posts of 2023 read after it would be `stale`, more than a day older than the newest, and the test is about
 * duplicates.
 */
function twarcArchive(): string {
  const dir = tempDir();
  const copy = (name: string, to: string) =>
    writeFileSync(join(dir, to), readFileSync(fixture(name), 'utf8').replaceAll('"2024-10-26T02:49:22.767Z"', '"2023-03-14T09:27:09.000Z"'));
  copy('twarc2-pages.jsonl', '1-pages.jsonl');
  copy('twarc2-flat.jsonl', '2-flat.jsonl');
  return dir;
}

describe('replaying twarc2 pages and flattened posts through the embedded product', () => {
  let embedded: Embedded;

  beforeAllOrFail(async () => {
    embedded = await startEmbedded(configFor(['--source', 'replay', '--file', twarcArchive(), '--speed', 'max']), { staticDir: null });
    expect((await embedded.producer.done).finished).toBe(true);
  });
  afterAll(async () => embedded?.close());

  it('reads every post of both files, and counts each accepted post once', async () => {
    const stats = embedded.producer.stats;
    expect([stats.lines, stats.read, stats.accepted]).toEqual([PAGE_LINES + POSTS, 2 * POSTS + 1, 2 * ACCEPTED]);
    expect(stats.skipped.toJSON()).toEqual(SKIPPED);
    expect(stats.read).toBe(stats.accepted + stats.skipped.total);
    expect(stats.apiErrors.toJSON()).toEqual(API_ERRORS);

    const health = await getJson<HealthResponse>(`${embedded.server.url}/api/health`);
    expect(health.ingested).toBe(ACCEPTED);
    expect(health.skipped).toEqual({ ...SKIPPED, duplicate: ACCEPTED });
    expect(health.apiErrors).toEqual(API_ERRORS);
    expect(health.producers?.[0]).toMatchObject({ read: stats.read, accepted: stats.accepted, apiErrors: API_ERRORS });
  });

  it('sums the replay up so that it adds up: accepted = counted on the map + duplicates', () => {
    const source = embedded.producer.source;
    if (!isReplaySource(source)) throw new Error('not a replay');
    const { engine } = embedded.server;
    const summary = replaySummary(source.progress, embedded.producer.stats, Date.now(), { counted: engine.acceptedCount, skipped: engine.skips() });
    expect(summary.slice(1)).toEqual([
      expect.stringMatching(/^ {2}22 lines holding 35 posts and other inputs \(a page or a list holds several\) in [0-9.]+s = [0-9,]+ lines\/s$/),
      '  accepted 22; skipped 13 (no_id 2, no_hashtag 2, bad_coordinates 2, no_location 2, empty_page 1, unknown_place 4)' +
        '; 4 API errors (resource-not-found 2, not-authorized-for-resource 1, other 1)',
      '  the map counted 11 of the 22 accepted; not counted 11 (duplicate 11)',
    ]);
  });

  it('gives the same numbers in /metrics', async () => {
    const text = await (await fetch(`${embedded.server.url}/metrics`)).text();
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('trendmap_posts_ingested_total')).toBe(ACCEPTED);
    expect(value('trendmap_posts_skipped_total{reason="duplicate"}')).toBe(ACCEPTED);
    expect(value('trendmap_posts_skipped_total{reason="empty_page"}')).toBe(1);
    expect(value('trendmap_producer_read_total')).toBe(2 * POSTS + 1);
    expect(value('trendmap_producer_accepted_total')).toBe(2 * ACCEPTED);
    expect(value('trendmap_api_errors_total{kind="resource-not-found"}')).toBe(2);
    expect(value('trendmap_api_errors_total{kind="other"}')).toBe(1);
  });
});

describe('the summary `npm start` prints (the built entry point)', () => {
  beforeAllOrFail(async () => ensureBuild());

  it('says what the map counted of what was accepted', async () => {
    const child = spawn(process.execPath, ['dist/server/start.mjs', '--source', 'replay', '--file', twarcArchive(), '--speed', 'max'], {
      cwd: root,
      env: { ...process.env, PORT: '0', KAFKA_BROKERS: '', LOG_FORMAT: '', DATA_DIR: 'none', SYNTHETIC_HISTORY: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await until(() => output.includes('the source is exhausted'), 'the replay to end', 60_000);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('the map counted 11 of the 22 accepted; not counted 11 (duplicate 11)');
    expect(output).toContain('; 4 API errors (resource-not-found 2, not-authorized-for-resource 1, other 1)');
  });
});
