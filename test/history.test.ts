/**
 * History end to end, as `npm start -- --source replay --file <archive> --data-dir <dir>` runs it: a
 * four-day archive with known spikes is replayed, and every answer of the past (`at=`, 7d, timelines, the
 * export) must equal what the archive's posts add up to, before and after a restart. A five-day replay with
 * short retention checks that hours roll into days and old days go.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { beforeAllOrFail, configFor, getJson, tempDirs, until } from './helpers';
import { DAY_MS, HOUR_MS, START_MS, countsIn, topOf, writeHistoryArchive, type CountedPost } from './history-archive';
import { startEmbedded, type Embedded } from '../app/embedded';
import type { HistoryResponse, LabelsResponse, PostsResponse, TagRegionsResponse, TimelineResponse, TrendsResponse } from '../common/browser/api';

/** Replays `archive` into the product with `dataDir`, to its end. */
async function replay(archive: string, dataDir: string, env: Record<string, string> = {}): Promise<Embedded> {
  const embedded = await startEmbedded(configFor(['--source', 'replay', '--file', archive, '--speed', 'max', '--data-dir', dataDir], env), {
    staticDir: null,
  });
  const stats = await embedded.producer.done;
  expect(stats.finished).toBe(true);
  return embedded;
}

/** The moments asked about: mid-spike, just after one, the middle of a quiet night, an hour boundary, mid-hour. */
const MOMENTS = [
  START_MS + DAY_MS + 15 * HOUR_MS,
  START_MS + DAY_MS + 14 * HOUR_MS + 40 * 60_000,
  START_MS + 2 * DAY_MS + 22 * HOUR_MS + 59 * 60_000,
  START_MS + 3 * 60 * 60_000 + 17_000,
  START_MS + 3 * DAY_MS + 12 * HOUR_MS,
];

const WINDOW_HOURS = { '1h': 1, '6h': 6, '24h': 24, '7d': 168 } as const;

/** What `/api/trends?at=` must say for a region and window: the hours before the last boundary at or before `at`. */
function expectedTrends(posts: readonly CountedPost[], region: string, window: keyof typeof WINDOW_HOURS, at: number) {
  const toMs = Math.floor(at / HOUR_MS) * HOUR_MS;
  const fromMs = toMs - WINDOW_HOURS[window] * HOUR_MS;
  const { total, tags } = countsIn(posts, region, fromMs, toMs);
  return { asOf: toMs, from: fromMs, total, trends: topOf(tags, 20) };
}

const shown = (answer: TrendsResponse) => ({
  asOf: answer.asOf,
  from: answer.from,
  total: answer.total,
  trends: answer.trends.map(({ tag, count }) => ({ tag, count })),
});

describe('history of a replayed four-day archive', () => {
  const dirs = tempDirs('history', afterAll);
  let posts: CountedPost[];
  let archive: string;
  let dataDir: string;
  let embedded: Embedded | null = null;
  const url = () => (embedded as Embedded).server.url;

  beforeAllOrFail(async () => {
    ({ path: archive, posts } = writeHistoryArchive(dirs(), 4));
    dataDir = dirs();
    embedded = await replay(archive, dataDir);
  });
  afterAll(async () => embedded?.close());

  /** Every at= answer, for the world and two countries, in every window: as the archive adds up. */
  async function expectExactAnswers(): Promise<void> {
    for (const at of MOMENTS) {
      for (const region of ['world', 'JP', 'FR']) {
        for (const window of Object.keys(WINDOW_HOURS) as (keyof typeof WINDOW_HOURS)[]) {
          const answer = await getJson<TrendsResponse>(`${url()}/api/trends?region=${region}&window=${window}&at=${at}&limit=20`);
          expect(shown(answer), `${region} ${window} at ${new Date(at).toISOString()}`).toEqual(expectedTrends(posts, region, window, at));
          expect(answer.at).toBe(at);
          expect(answer.resolution).toBe('1h');
        }
      }
    }
  }

  it('answers /api/trends at any past moment exactly, in every window', async () => {
    await expectExactAnswers();
  });

  it('shows the spikes where and when they happened', async () => {
    const during = START_MS + DAY_MS + 15 * HOUR_MS;
    const japan = await getJson<TrendsResponse>(`${url()}/api/trends?region=JP&window=1h&at=${new Date(during).toISOString()}`);
    expect(japan.trends[0]).toMatchObject({ tag: 'eclipse', display: 'Eclipse', count: 90 });
    const before = await getJson<TrendsResponse>(`${url()}/api/trends?region=JP&window=1h&at=${during - HOUR_MS}`);
    expect(before.trends.map((t) => t.tag)).not.toContain('eclipse');
    const rising = await getJson<TrendsResponse>(`${url()}/api/trends?region=world&window=1h&sort=rising&at=${during}`);
    expect(rising.trends[0]).toMatchObject({ tag: 'eclipse', recent: 90, expected: 0 });
    const regions = await getJson<TagRegionsResponse>(`${url()}/api/tags/eclipse/regions?window=24h&at=${START_MS + 2 * DAY_MS}`);
    expect(regions.regions).toEqual([
      { region: 'JP', count: 90, posts: countsIn(posts, 'JP', START_MS + DAY_MS, START_MS + 2 * DAY_MS).total, share: expect.any(Number) },
    ]);
    expect(regions.total).toBe(90);
  });

  it("writes labels on the map as of a moment, and a tag's where it had posts", async () => {
    const during = START_MS + DAY_MS + 15 * HOUR_MS;
    const hour = countsIn(posts, 'JP', during - HOUR_MS, during);
    const world = await getJson<LabelsResponse>(`${url()}/api/labels?zoom=2&window=1h&at=${during}`);
    expect(world).toMatchObject({ level: 4, asOf: during, from: during - HOUR_MS, at: during, resolution: '1h' });
    // Tokyo is alone in its z4 tile.
    const tokyo = world.labels.find((label) => label.tag === 'eclipse');
    expect(tokyo).toMatchObject({ display: 'Eclipse', count: 90, posts: hour.total });
    expect(world.labels.reduce((sum, label) => sum + label.posts, 0)).toBe(countsIn(posts, 'world', during - HOUR_MS, during).total);
    const derby = await getJson<LabelsResponse>(`${url()}/api/labels?zoom=5&window=6h&tag=derby&at=${START_MS + 2 * DAY_MS + 23 * HOUR_MS}`);
    expect(derby.level).toBe(6);
    expect(derby.labels.map(({ tag, count }) => ({ tag, count }))).toEqual([{ tag: 'derby', count: 240 }]);
  });

  it('lists the newest posts held at or before a moment', async () => {
    const newest = await getJson<PostsResponse>(`${url()}/api/posts?limit=20`);
    expect(newest.posts.length).toBeGreaterThan(10);
    const at = newest.posts[5].ts;
    const before = await getJson<PostsResponse>(`${url()}/api/posts?limit=20&at=${new Date(at).toISOString()}`);
    expect(before.posts.length).toBeGreaterThan(0);
    expect(before.posts.every((post) => post.ts <= at)).toBe(true);
    expect(before.posts[0].id).toBe(newest.posts.find((post) => post.ts <= at)?.id);
  });

  it('gives a tag timeline and a region timeline per hour and per day', async () => {
    const from = START_MS + 2 * DAY_MS;
    const to = from + DAY_MS;
    const derby = await getJson<TimelineResponse>(`${url()}/api/tags/derby/timeline?region=FR&from=${from}&to=${to}&step=1h`);
    expect(derby).toMatchObject({ tag: 'derby', region: 'FR', step: '1h', from, to });
    expect(derby.points).toHaveLength(24);
    derby.points.forEach((point, i) => {
      const hour = countsIn(posts, 'FR', from + i * HOUR_MS, from + (i + 1) * HOUR_MS);
      expect(point).toEqual({ t: from + i * HOUR_MS, count: hour.tags.get('derby') ?? 0, posts: hour.total });
    });
    expect(derby.points[20].count).toBe(120);
    const daily = await getJson<TimelineResponse>(`${url()}/api/timeline?from=${START_MS}&to=${START_MS + 4 * DAY_MS}&step=1d`);
    expect(daily.points.map((p) => p.count)).toEqual(
      [0, 1, 2, 3].map((d) => countsIn(posts, 'world', START_MS + d * DAY_MS, START_MS + (d + 1) * DAY_MS).total),
    );
  });

  it('exports a day of hourly tag counts as CSV', async () => {
    const from = START_MS + DAY_MS;
    const response = await fetch(`${url()}/api/export?region=JP&from=${from}&to=${from + DAY_MS}&step=1h`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...lines] = (await response.text()).trimEnd().split('\n');
    expect(header).toBe('time,region,tag,count');
    const expected: string[] = [];
    for (let h = 0; h < 24; h += 1) {
      const start = from + h * HOUR_MS;
      for (const { tag, count } of topOf(countsIn(posts, 'JP', start, start + HOUR_MS).tags, 1_000))
        expected.push(`${new Date(start).toISOString()},JP,${tag},${count}`);
    }
    expect(lines).toEqual(expected);
    // One tag: its lines of the same export, and none for a tag never counted.
    const one = expected[0].split(',')[2];
    const tagged = await (await fetch(`${url()}/api/export?region=JP&from=${from}&to=${from + DAY_MS}&step=1h&tag=${one}`)).text();
    const mine = expected.filter((line) => line.split(',')[2] === one);
    expect(mine.length).toBeGreaterThan(1);
    expect(tagged.trimEnd().split('\n')).toEqual([header, ...mine]);
    const never = await (await fetch(`${url()}/api/export?region=JP&from=${from}&to=${from + DAY_MS}&step=1h&tag=nevercounted`)).text();
    expect(never).toBe(`${header}\n`);
  });

  it('exports the same rows as Parquet, a row group a step, read back by a Parquet reader', async () => {
    const from = START_MS + DAY_MS;
    const range = `region=JP&from=${from}&to=${from + DAY_MS}&step=1h`;
    const csv = (await (await fetch(`${url()}/api/export?${range}`)).text()).trimEnd().split('\n').slice(1);
    const response = await fetch(`${url()}/api/export?${range}&format=parquet`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(response.headers.get('content-disposition')).toMatch(/filename="trendmap-JP-.*-1h\.parquet"/);
    const file = await response.arrayBuffer();
    const metadata = parquetMetadata(file);
    expect(metadata.row_groups.length).toBe(new Set(csv.map((line) => line.slice(0, 24))).size);
    const rows = (await parquetReadObjects({ file, utf8: true })) as { time: Date; region: string; tag: string; count: number }[];
    expect(rows.map(({ time, region, tag, count }) => `${time.toISOString()},${region},${tag},${count}`)).toEqual(csv);
  });

  it('says what it holds, and refuses hourly steps over a range it cannot answer by the hour', async () => {
    const info = await getJson<HistoryResponse>(`${url()}/api/history`);
    expect(info).toMatchObject({ from: START_MS, hourlyFrom: START_MS, hourlyDays: 30, storage: 'files' });
    const refused = await fetch(`${url()}/api/timeline?from=${START_MS + DAY_MS}&to=${START_MS}&step=1h`);
    expect(refused.status).toBe(400);
    expect((await refused.json()) as { error: string }).toEqual({ error: expect.stringMatching(/^from must be before to/) });
    const badAt = await fetch(`${url()}/api/trends?at=yesterday`);
    expect(badAt.status).toBe(400);
    expect(((await badAt.json()) as { error: string }).error).toBe(
      'at must be an ISO 8601 time such as 2026-11-20T18:00:00Z, or ms since the epoch; got "yesterday"',
    );
  });

  it('keeps every answer across a restart', async () => {
    const asked = MOMENTS.map((at) => `${url()}/api/trends?window=24h&at=${at}`);
    const before = await Promise.all(asked.map((u) => getJson<TrendsResponse>(u)));
    // The hours over are written once idle (a few seconds after the replay); the newest stay open, and are saved with the state.
    const hoursDir = join(dataDir, 'history', 'hours');
    await until(() => readdirSync(hoursDir).length >= 4 * 24 - 1, 'the hours written');
    expect(readdirSync(join(dataDir, 'history', 'days')).length).toBeGreaterThanOrEqual(3);
    await embedded?.close();
    embedded = null;
    // A replay of nothing new: the state and history come from the data directory.
    embedded = await replay(writeHistoryArchive(dirs(), 0).path, dataDir);
    const after = await Promise.all(MOMENTS.map((at) => getJson<TrendsResponse>(`${url()}/api/trends?window=24h&at=${at}`)));
    expect(after).toEqual(before);
    await expectExactAnswers();
  });
});

describe('history retention', () => {
  const dirs = tempDirs('history-retention', afterAll);
  let posts: CountedPost[];
  let dataDir: string;
  let embedded: Embedded | null = null;

  beforeAllOrFail(async () => {
    let archive: string;
    ({ path: archive, posts } = writeHistoryArchive(dirs(), 5));
    dataDir = dirs();
    embedded = await replay(archive, dataDir, { HISTORY_DAYS: '1', HISTORY_DAILY_DAYS: '3' });
  });
  afterAll(async () => embedded?.close());

  it('keeps hours for HISTORY_DAYS, then days for HISTORY_DAILY_DAYS, and lets the rest go', async () => {
    const url = (embedded as Embedded).server.url;
    // The last post is on day 5 (index 4): hours are kept from day 4 (index 3) on, days from day 2 (index 1).
    const days = () =>
      readdirSync(join(dataDir, 'history', 'days'))
        .map((name) => name.slice(0, 10))
        .sort()
        .join(' ');
    await until(() => days() === '2025-03-02 2025-03-03 2025-03-04', 'the days rolled up and the oldest let go');
    const info = await getJson<HistoryResponse>(`${url}/api/history`);
    expect(info).toMatchObject({ hourlyFrom: START_MS + 3 * DAY_MS, from: START_MS + DAY_MS, hourlyDays: 1, dailyDays: 3 });
    const hours = readdirSync(join(dataDir, 'history', 'hours')).map((name) => name.slice(0, 10));
    expect(new Set(hours)).toEqual(new Set(['2025-03-04', '2025-03-05']));

    // A moment in daily history: the window is the last whole day before it.
    const at = START_MS + 2 * DAY_MS + 22 * HOUR_MS;
    const answer = await getJson<TrendsResponse>(`${url}/api/trends?region=world&window=6h&at=${at}&limit=20`);
    const day = countsIn(posts, 'world', START_MS + DAY_MS, START_MS + 2 * DAY_MS);
    expect({ ...shown(answer), resolution: answer.resolution }).toEqual({
      asOf: START_MS + 2 * DAY_MS,
      from: START_MS + DAY_MS,
      total: day.total,
      trends: topOf(day.tags, 20),
      resolution: '1d',
    });
    // Before the days kept: nothing.
    const gone = await getJson<TrendsResponse>(`${url}/api/trends?window=24h&at=${START_MS + DAY_MS}`);
    expect(gone.total).toBe(0);
    const refused = await fetch(`${url}/api/timeline?from=${START_MS}&step=1h`);
    expect(refused.status).toBe(400);
  });
});
