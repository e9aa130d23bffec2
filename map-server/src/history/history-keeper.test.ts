import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HistoryKeeper, type HistoryOptions } from './history-keeper';
import { FileShelf, MemoryShelf, type BucketShelf } from './bucket-shelf';
import { HOUR_MS, LATE_MINUTES, OpenHours, type ClosedHour } from '../core/history/open-hours';
import { addUp, postsIn, timeline } from '../core/history/history-query';
import { mergeSummaries, summaryOf, type HourSummary } from '../core/history/hour-summary';
import type { SharedBucket } from './shared-bucket';
import { pickRegions } from '../core/history/history-regions';
import { answerHistoryTrends, type HistorySource } from '../core/history/history-answers';

/** Day D of the tests (days since the epoch) and its first hour. */
const D = 20_000;
const DH = D * 24;
const LATE_MS = LATE_MINUTES * 60_000;

/** A part of `hour` with `posts` posts in the world, each tagged with every key of `keys`. */
function part(seq: number, hour: number, keys: Record<string, number>, posts = Math.max(1, ...Object.values(keys))): ClosedHour {
  return { seq, hour, regions: new Map([['world', { posts, tags: new Map(Object.entries(keys)) }]]), displays: new Map() };
}

/** A keeper on `shelf` fed by open hours and a windows' end the test moves. */
function keeperOn(shelf: BucketShelf, options: Partial<HistoryOptions> = {}) {
  const warnings: string[] = [];
  const { keeper } = HistoryKeeper.open(shelf, { hourlyDays: 30, dailyDays: 365, ...options }, { warn: (message: string) => warnings.push(message) });
  const feed = { openHours: new OpenHours(), windowsEndMs: null as number | null, displayOf: (key: string) => key.toUpperCase() };
  keeper.attach(feed);
  /** Moves the windows' end to `ms` and stores `closed`. */
  const storeAt = (ms: number, closed: ClosedHour[]) => {
    feed.windowsEndMs = ms;
    keeper.store(closed);
  };
  return { keeper, feed, warnings, storeAt };
}

/** Tag key -> posts in the world over the buckets. */
function worldTags(keeper: HistoryKeeper, summaries: readonly HourSummary[]): Record<string, number> {
  return Object.fromEntries([...addUp(summaries, ['world'])].map(([id, count]) => [keeper.dictionary.key(id), count]).sort());
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const shelves: [string, () => BucketShelf][] = [
  ['memory', () => new MemoryShelf()],
  [
    'files',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'trendmap-history-'));
      dirs.push(dir);
      return new FileShelf(dir);
    },
  ],
];

describe.each(shelves)('history keeper on a %s shelf', (_, makeShelf) => {
  it('reads stored hours back by span, with their parts added up', () => {
    const shelf = makeShelf();
    const { keeper, storeAt } = keeperOn(shelf);
    storeAt((DH + 3) * HOUR_MS, [part(0, DH, { a: 2, b: 1 }), part(1, DH + 1, { a: 1 }), part(2, DH, { c: 4 })]);
    expect(shelf.list().sort()).toEqual([`hours/2024-10-04T00.0.tmh`, `hours/2024-10-04T00.2.tmh`, `hours/2024-10-04T01.1.tmh`]);
    const span = keeper.span(DH, DH + 2);
    expect(span).toMatchObject({ fromHour: DH, toHour: DH + 2, resolution: '1h' });
    expect(worldTags(keeper, span.summaries)).toEqual({ a: 3, b: 1, c: 4 });
    expect(worldTags(keeper, keeper.span(DH + 1, DH + 2).summaries)).toEqual({ a: 1 });
    expect(keeper.dictionary.display(keeper.dictionary.idOf('c'))).toBe('C');
    // Another keeper on the same shelf reads what this one wrote, tags included.
    const again = keeperOn(shelf).keeper;
    expect(worldTags(again, again.span(DH, DH + 2).summaries)).toEqual({ a: 3, b: 1, c: 4 });
    expect(again.dictionary.display(again.dictionary.idOf('c'))).toBe('C');
  });

  it('reads only the regions a query picks, the same counts as whole buckets, and keeps what it read', () => {
    const shelf = makeShelf();
    const { storeAt } = keeperOn(shelf);
    const regional = (seq: number, hour: number): ClosedHour => ({
      seq,
      hour,
      regions: new Map([
        [
          'world',
          {
            posts: 6,
            tags: new Map([
              ['a', 3],
              ['b', 2],
              ['c', 1],
            ]),
          },
        ],
        ['FR', { posts: 2, tags: new Map([['b', 2]]) }],
        ['JP', { posts: 1, tags: new Map([['c', 1]]) }],
        ['c6/1/2', { posts: 3, tags: new Map([['a', 3]]) }],
      ]),
      displays: new Map(),
    });
    storeAt((DH + 3) * HOUR_MS, [regional(0, DH), regional(1, DH + 1)]);
    const fresh = keeperOn(shelf).keeper;
    const picked = fresh.span(DH, DH + 2, pickRegions(['FR', 'c6/1/2']));
    expect(picked.summaries.map((s) => s.regions)).toEqual([
      ['FR', 'c6/1/2'],
      ['FR', 'c6/1/2'],
    ]);
    const tags = (summaries: readonly HourSummary[], region: string) =>
      Object.fromEntries([...addUp(summaries, [region])].map(([id, count]) => [fresh.dictionary.key(id), count]));
    const whole = fresh.span(DH, DH + 2);
    for (const region of ['FR', 'c6/1/2']) expect(tags(picked.summaries, region)).toEqual(tags(whole.summaries, region));
    expect(tags(picked.summaries, 'FR')).toEqual({ b: 4 });
    expect(postsIn(picked.summaries, ['FR', 'JP', 'world'])).toBe(4);
    // Asked again, the same summaries, from memory.
    const another = keeperOn(shelf).keeper;
    const first = another.span(DH, DH + 2, pickRegions(['JP']));
    expect(another.span(DH, DH + 2, pickRegions(['JP'])).summaries).toEqual(first.summaries);
    expect(another.span(DH, DH + 2, pickRegions(['JP'])).summaries[0]).toBe(first.summaries[0]);
  });

  it('adds the open hours to a span', () => {
    const { keeper, feed, storeAt } = keeperOn(makeShelf());
    feed.openHours.add((DH + 1) * HOUR_MS, ['world'], ['z'], ['z'], 0);
    storeAt((DH + 1) * HOUR_MS, [part(0, DH, { a: 1 })]);
    expect(worldTags(keeper, keeper.span(DH, DH + 2).summaries)).toEqual({ a: 1, z: 1 });
    expect(worldTags(keeper, keeper.span(DH, DH + 1).summaries)).toEqual({ a: 1 });
  });

  it('rolls a day into one bucket once every hour of it is closed', () => {
    const shelf = makeShelf();
    const { keeper, feed, storeAt } = keeperOn(shelf);
    storeAt((DH + 24) * HOUR_MS + LATE_MS - 1, [part(0, DH, { a: 1 }), part(1, DH + 23, { a: 2, b: 1 })]);
    expect(shelf.list().filter((name) => name.startsWith('days/'))).toEqual([]);
    // Its last hour still open: not yet.
    feed.openHours.add((DH + 23) * HOUR_MS, ['world'], ['c'], ['c'], 0);
    storeAt((DH + 24) * HOUR_MS + LATE_MS, []);
    expect(shelf.list().filter((name) => name.startsWith('days/'))).toEqual([]);
    feed.openHours.close((DH + 30) * HOUR_MS, 1e9);
    storeAt((DH + 24) * HOUR_MS + LATE_MS, [part(2, DH + 23, { c: 1 })]);
    expect(shelf.list().filter((name) => name.startsWith('days/'))).toEqual(['days/2024-10-04.2.tmh']);
    const days = keeper.span(DH, DH + 24, undefined, { preferDays: true });
    expect(days.summaries.map((s) => [s.startHour, s.hours])).toEqual([[DH, 24]]);
    expect(worldTags(keeper, days.summaries)).toEqual({ a: 3, b: 1, c: 1 });
    expect(worldTags(keeper, keeper.span(DH, DH + 24).summaries)).toEqual({ a: 3, b: 1, c: 1 });
    expect(keeper.span(DH, DH + 24).summaries.every((s) => s.hours === 1)).toBe(true);
  });

  it('lets hours go past hourlyDays once their day is written, and answers from the day, never past the moment asked', () => {
    const shelf = makeShelf();
    const { keeper, storeAt } = keeperOn(shelf, { hourlyDays: 1 });
    storeAt((DH + 5) * HOUR_MS, [part(0, DH + 2, { a: 1 }), part(1, DH + 20, { b: 2 })]);
    storeAt((DH + 48 + 5) * HOUR_MS, [part(2, DH + 24 + 1, { c: 1 })]);
    expect(shelf.list().sort()).toEqual(['days/2024-10-04.1.tmh', 'days/2024-10-05.2.tmh', 'hours/2024-10-05T01.2.tmh']);
    expect(keeper.hourlyFrom).toBe(DH + 24);
    // From inside day D to inside day D+1 (hourly): day D, then the hours.
    const mixed = keeper.span(DH + 3, DH + 24 + 4);
    expect(mixed).toMatchObject({ fromHour: DH, toHour: DH + 28, resolution: '1d' });
    expect(worldTags(keeper, mixed.summaries)).toEqual({ a: 1, b: 2, c: 1 });
    // Ending inside day D (daily history): rounded back to the start of day D, so day D - 1, which is empty.
    expect(keeper.span(DH + 3, DH + 5)).toMatchObject({ summaries: [], fromHour: DH - 24, toHour: DH, resolution: '1d' });
    // Ending at the start of day D + 1: day D whole.
    const day = keeper.span(DH - 30, DH + 24);
    expect(day).toMatchObject({ fromHour: DH - 48, toHour: DH + 24, resolution: '1d' });
    expect(worldTags(keeper, day.summaries)).toEqual({ a: 1, b: 2 });
    expect(keeper.span(DH + 24, DH + 26).resolution).toBe('1h');
  });

  it('deletes days past dailyDays, and keeps them for ever at 0', () => {
    for (const dailyDays of [2, 0]) {
      const shelf = makeShelf();
      const { storeAt } = keeperOn(shelf, { hourlyDays: 1, dailyDays });
      storeAt((DH + 25) * HOUR_MS, [part(0, DH, { a: 1 })]);
      storeAt((DH + 48 + 1) * HOUR_MS, [part(1, DH + 48, { a: 1 })]);
      expect(shelf.list().filter((name) => name.startsWith('days/'))).toEqual(['days/2024-10-04.0.tmh']);
      storeAt((DH + 72 - 1) * HOUR_MS, []);
      expect(shelf.list().filter((name) => name.startsWith('days/'))).toEqual(['days/2024-10-04.0.tmh']);
      storeAt((DH + 72) * HOUR_MS, []);
      expect(shelf.list().filter((name) => name.startsWith('days/'))).toEqual(dailyDays === 0 ? ['days/2024-10-04.0.tmh'] : []);
    }
  });

  it('adds a late part to the day bucket once the hours were let go, without counting them twice', () => {
    const shelf = makeShelf();
    const { keeper, storeAt } = keeperOn(shelf, { hourlyDays: 1 });
    storeAt((DH + 24) * HOUR_MS + LATE_MS, [part(0, DH + 1, { a: 2 }), part(1, DH + 2, { b: 1 })]);
    storeAt((DH + 48) * HOUR_MS, [part(2, DH + 47, { x: 1 })]);
    expect(shelf.list().sort()).toEqual(['days/2024-10-04.1.tmh', 'hours/2024-10-05T23.2.tmh']);
    storeAt((DH + 48) * HOUR_MS, [part(3, DH + 1, { a: 5, c: 1 })]);
    expect(shelf.list().sort()).toEqual(['days/2024-10-04.3.tmh', 'hours/2024-10-05T23.2.tmh']);
    expect(worldTags(keeper, keeper.span(DH, DH + 24).summaries)).toEqual({ a: 7, b: 1, c: 1 });
    const again = keeperOn(shelf, { hourlyDays: 1 });
    again.feed.windowsEndMs = (DH + 48) * HOUR_MS;
    expect(worldTags(again.keeper, again.keeper.span(DH, DH + 24).summaries)).toEqual({ a: 7, b: 1, c: 1 });
  });

  it('after a restore, deletes the parts written after the snapshot and the days made from them', () => {
    const shelf = makeShelf();
    const { storeAt } = keeperOn(shelf);
    storeAt((DH + 24) * HOUR_MS + LATE_MS, [part(0, DH + 1, { a: 1 }), part(1, DH + 2, { a: 1 }), part(2, DH + 2, { b: 1 })]);
    storeAt((DH + 48) * HOUR_MS + LATE_MS, [part(3, DH + 24, { a: 1 }), part(4, DH + 25, { b: 1 })]);
    expect(
      shelf
        .list()
        .filter((name) => name.startsWith('days/'))
        .sort(),
    ).toEqual(['days/2024-10-04.2.tmh', 'days/2024-10-05.4.tmh']);
    const { keeper } = keeperOn(shelf);
    expect(keeper.restored(2)).toEqual({ countFrom: null, nextSeq: 2 });
    // Day D+1 was made only from parts after the snapshot: it goes with them.
    expect(shelf.list().sort()).toEqual(['hours/2024-10-04T01.0.tmh', 'hours/2024-10-04T02.1.tmh']);
    expect(worldTags(keeper, keeper.span(DH, DH + 48).summaries)).toEqual({ a: 2 });
  });

  it('keeps a day whose hours were let go before the restore (it cannot be made again)', () => {
    const shelf = makeShelf();
    const { storeAt } = keeperOn(shelf, { hourlyDays: 1 });
    storeAt((DH + 24) * HOUR_MS + LATE_MS, [part(0, DH + 1, { a: 1 })]);
    storeAt((DH + 48) * HOUR_MS + LATE_MS, [part(1, DH + 25, { b: 1 })]);
    storeAt((DH + 48) * HOUR_MS + LATE_MS, [part(2, DH + 3, { c: 1 })]);
    expect(shelf.list().sort()).toEqual(['days/2024-10-04.2.tmh', 'days/2024-10-05.1.tmh', 'hours/2024-10-05T01.1.tmh']);
    const { keeper, feed } = keeperOn(shelf, { hourlyDays: 1 });
    keeper.restored(1);
    expect(shelf.list().sort()).toEqual(['days/2024-10-04.2.tmh']);
    feed.windowsEndMs = (DH + 48) * HOUR_MS;
    expect(worldTags(keeper, keeper.span(DH, DH + 48).summaries)).toEqual({ a: 1, c: 1 });
  });

  it('without a snapshot, counts from after the newest hour kept, and numbers after the highest part', () => {
    const empty = keeperOn(makeShelf()).keeper;
    expect(empty.restored(null)).toEqual({ countFrom: null, nextSeq: 0 });
    const shelf = makeShelf();
    const { storeAt } = keeperOn(shelf, { hourlyDays: 1 });
    storeAt((DH + 24) * HOUR_MS + LATE_MS, [part(7, DH + 1, { a: 1 }), part(3, DH + 3, { a: 1 })]);
    storeAt((DH + 48) * HOUR_MS, []);
    expect(shelf.list()).toEqual(['days/2024-10-04.7.tmh']);
    expect(keeperOn(shelf).keeper.restored(null)).toEqual({ countFrom: DH + 24, nextSeq: 8 });
    storeAt((DH + 48) * HOUR_MS, [part(9, DH + 30, { a: 1 }), part(8, DH + 29, { a: 1 })]);
    expect(keeperOn(shelf).keeper.restored(null)).toEqual({ countFrom: DH + 31, nextSeq: 10 });
  });

  it('leaves a damaged bucket out of answers, and says so once', () => {
    const shelf = makeShelf();
    const { storeAt } = keeperOn(shelf);
    storeAt((DH + 3) * HOUR_MS, [part(0, DH, { a: 1 }), part(1, DH + 1, { b: 1 })]);
    if (shelf instanceof FileShelf) writeFileSync(join(dirs[dirs.length - 1], 'hours/2024-10-04T01.1.tmh'), 'not a bucket');
    else shelf.write('hours/2024-10-04T01.1.tmh', new TextEncoder().encode('not a bucket'));
    const { keeper, warnings } = keeperOn(shelf);
    expect(worldTags(keeper, keeper.span(DH, DH + 2).summaries)).toEqual({ a: 1 });
    expect(worldTags(keeper, keeper.span(DH, DH + 2).summaries)).toEqual({ a: 1 });
    expect(warnings).toEqual([
      'history bucket hours/2024-10-04T01.1.tmh cannot be read (is not a history bucket (its first bytes are not "TMH1" or "TMH2")); it is left out of answers',
    ]);
  });
});

describe('history keeper over a random run', () => {
  it('never counts a post twice or loses one, across parts, late parts, days and hours let go', () => {
    const step = fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({
          kind: fc.constant('post' as const),
          lagMs: fc.integer({ min: 0, max: 70 * HOUR_MS }),
          cc: fc.constantFrom('FR', 'JP'),
          keys: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 2 }),
        }),
      },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 9 * HOUR_MS }) }) },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.constantFrom(1, 2), fc.constantFrom(1, undefined), (steps, hourlyDays, cacheBytes) => {
        const shelf = new MemoryShelf();
        const { keeper, feed, storeAt } = keeperOn(shelf, { hourlyDays, dailyDays: 0, cacheBytes });
        const posts: { hour: number; cc: string; keys: string[] }[] = [];
        let endMs = DH * HOUR_MS;
        let now = 0;
        for (const s of steps) {
          now += 1_000;
          if (s.kind === 'advance') endMs += s.ms;
          else {
            const ts = Math.max(0, endMs - s.lagMs);
            feed.openHours.add(ts, ['world', s.cc], s.keys, s.keys, now);
            posts.push({ hour: Math.floor(ts / HOUR_MS), cc: s.cc, keys: s.keys });
          }
          storeAt(endMs, feed.openHours.close(endMs, now));
        }
        storeAt(endMs, feed.openHours.close(endMs, now + 1e9, true));
        /** Brute force: per tag key (and `*` for posts) in `cc` over hours [from, to). */
        const expected = (cc: string, from: number, to: number) => {
          const tally: Record<string, number> = {};
          for (const p of posts) {
            if (p.hour < from || p.hour >= to || (cc !== 'world' && p.cc !== cc)) continue;
            tally['*'] = (tally['*'] ?? 0) + 1;
            for (const key of p.keys) tally[key] = (tally[key] ?? 0) + 1;
          }
          return tally;
        };
        const got = (cc: string, summaries: readonly HourSummary[]) => {
          const tally: Record<string, number> = {};
          const all = postsIn(summaries, [cc]);
          if (all > 0) tally['*'] = all;
          for (const [id, count] of addUp(summaries, [cc])) tally[keeper.dictionary.key(id)] = count;
          return tally;
        };
        const endHour = Math.floor(endMs / HOUR_MS) + 1;
        for (const preferDays of [false, true]) {
          for (const [from, to] of [
            [0, endHour],
            [keeper.hourlyFrom, endHour],
            [DH - 24, DH + 24],
            [DH + 7, DH + 55],
          ]) {
            for (const cc of ['world', 'FR', 'JP']) {
              // Read for one region (only its rows, unless the whole bucket is in memory), then whole.
              const picked = keeper.span(from, to, pickRegions([cc]), { preferDays });
              expect(got(cc, picked.summaries)).toEqual(expected(cc, picked.fromHour, picked.toHour));
            }
            const span = keeper.span(from, to, undefined, { preferDays });
            for (const cc of ['world', 'FR', 'JP']) expect(got(cc, span.summaries)).toEqual(expected(cc, span.fromHour, span.toHour));
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('history answers from the keeper', () => {
  it('answers a top from the busiest rows of big regions, the same as from whole buckets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trendmap-history-'));
    dirs.push(dir);
    const shelf = new FileShelf(dir);
    const { storeAt } = keeperOn(shelf);
    // 400 tags an hour (more than a bucket's tops hold), long-tailed, a little different each hour.
    const tags = (h: number) =>
      Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`t${i}`, Math.max(1, Math.floor(3000 / (i + 1 + ((i * h) % 7))))]));
    storeAt(
      (DH + 5) * HOUR_MS,
      [0, 1, 2, 3].map((h) => part(h, DH + h, tags(h), 5000)),
    );
    const fresh = keeperOn(shelf).keeper;
    expect(fresh.span(DH, DH + 4, pickRegions(['world']), { busiest: true }).summaries.map((s) => s.partial)).toEqual([true, true, true, true]);
    const query = { region: 'world', bbox: null, sort: 'top' as const, limit: 10, window: '24h' as const, atMs: (DH + 4) * HOUR_MS };
    const other = keeperOn(shelf).keeper;
    const wholeOnly: HistorySource = {
      span: (fromHour, toHour, pick) => other.span(fromHour, toHour, pick),
      get firstHour() {
        return other.firstHour;
      },
      get endMs() {
        return other.endMs;
      },
      dictionary: other.dictionary,
    };
    const answer = answerHistoryTrends(query, fresh);
    expect(answer).toEqual(answerHistoryTrends(query, wholeOnly));
    const expected = Array.from({ length: 400 }, (_, i) => ({ tag: `t${i}`, count: [0, 1, 2, 3].reduce((sum, h) => sum + tags(h)[`t${i}`], 0) }))
      .sort((a, b) => b.count - a.count || (a.tag < b.tag ? -1 : 1))
      .slice(0, 10);
    expect(answer.trends.map(({ tag, count }) => ({ tag, count }))).toEqual(expected);
  });

  it('ends a window in daily history on the start of the day asked, and reads whole days', () => {
    const { keeper, storeAt } = keeperOn(new MemoryShelf(), { hourlyDays: 1 });
    storeAt((DH + 24) * HOUR_MS + LATE_MS, [part(0, DH + 1, { a: 2 }, 3), part(1, DH + 20, { b: 1 })]);
    storeAt((DH + 48) * HOUR_MS + LATE_MS, [part(2, DH + 26, { a: 4 })]);
    storeAt((DH + 72) * HOUR_MS + 1, [part(3, DH + 50, { c: 1 }), part(4, DH + 60, { c: 5 })]);
    const query = { region: 'world', bbox: null, sort: 'top' as const, limit: 5 };
    const atMs = (DH + 30.5) * HOUR_MS;
    const daily = answerHistoryTrends({ ...query, window: '24h', atMs }, keeper);
    expect(daily).toMatchObject({ resolution: '1d', at: atMs, asOf: (DH + 24) * HOUR_MS, from: DH * HOUR_MS, total: 4 });
    expect(daily.trends.map((t) => [t.tag, t.count])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    const month = answerHistoryTrends({ ...query, window: '30d', atMs: null }, keeper);
    expect(month).toMatchObject({ resolution: '1d', asOf: (DH + 72) * HOUR_MS + 1, total: 14 });
    expect(month.trends.map((t) => [t.tag, t.count])).toEqual([
      ['a', 6],
      ['c', 6],
      ['b', 1],
    ]);
    // 1h at= in daily history: the day before the hour asked, whole.
    expect(answerHistoryTrends({ ...query, window: '1h', atMs }, keeper)).toMatchObject({ resolution: '1d', from: DH * HOUR_MS, total: 4 });
    // 1h reads back 6 hours (its rising reference), all kept by the hour.
    const hourly = answerHistoryTrends({ ...query, window: '1h', atMs: (DH + 61) * HOUR_MS }, keeper);
    expect(hourly).toMatchObject({ resolution: '1h', asOf: (DH + 61) * HOUR_MS, from: (DH + 60) * HOUR_MS, total: 5 });
  });

  it('starts a window where days turn to hours on the start of the day it falls in', () => {
    const { keeper, storeAt } = keeperOn(new MemoryShelf(), { hourlyDays: 1, dailyDays: 0 });
    storeAt((DH + 48) * HOUR_MS + LATE_MS, [part(0, DH + 25, { x: 3 })]);
    storeAt((DH + 197.5) * HOUR_MS, [part(1, DH + 194, { x: 2 })]);
    // 7d now reads days from D + 1 (its start rounded back to the day): the week starts with that whole day, never splitting it.
    const week = answerHistoryTrends({ region: 'world', bbox: null, sort: 'top', limit: 5, window: '7d', atMs: null }, keeper);
    expect(week).toMatchObject({ resolution: '1d', from: (DH + 24) * HOUR_MS, total: 5 });
    expect(week.trends.map((t) => [t.tag, t.count, t.recent])).toEqual([['x', 5, 2]]);
  });
});

describe('history keeper when writing fails', () => {
  it('hands back the hours it could not write, and never files a bucket whose tags were not saved', () => {
    const shelf = new MemoryShelf();
    let failTags = 1;
    const appendTags = shelf.appendTags.bind(shelf);
    shelf.appendTags = (lines: string) => {
      if (failTags-- > 0) throw new Error('disk full');
      appendTags(lines);
    };
    const { keeper, warnings, storeAt } = keeperOn(shelf);
    const first = part(0, DH, { alpha: 5 });
    const second = part(1, DH + 1, { beta: 7 });
    // The tags' append fails: nothing is written, both hours come back.
    keeper.attach({ openHours: new OpenHours(), windowsEndMs: (DH + 3) * HOUR_MS, displayOf: (key) => key });
    expect(keeper.store([first, second]).map((c) => c.seq)).toEqual([0, 1]);
    expect(shelf.list()).toEqual([]);
    expect(keeper.stats().pendingHours).toBe(2);
    expect(warnings).toEqual(['could not write history (disk full); 2 hour(s) wait to be written']);
    storeAt((DH + 3) * HOUR_MS, [part(2, DH, { alpha: 5 }), part(3, DH + 1, { beta: 7 })]);
    expect(keeper.stats()).toMatchObject({ pendingHours: 0, writeFailures: 1 });
    // Read back by another keeper: every id names its own tag.
    const again = keeperOn(shelf).keeper;
    expect(worldTags(again, again.span(DH, DH + 2).summaries)).toEqual({ alpha: 5, beta: 7 });
  });

  it('leaves out a bucket holding a tag the tags file lacks (a tags file cut short), and says so once', () => {
    const shelf = new MemoryShelf();
    const { keeper, storeAt } = keeperOn(shelf);
    storeAt((DH + 2) * HOUR_MS, [part(0, DH, { alpha: 1 }), part(1, DH + 1, { beta: 2 })]);
    const cut = new MemoryShelf();
    for (const name of shelf.list()) cut.write(name, shelf.read(name));
    cut.appendTags(shelf.readTags().split('\n')[0] + '\n');
    const { keeper: again, warnings } = keeperOn(cut);
    expect(worldTags(again, again.span(DH, DH + 2).summaries)).toEqual({ alpha: 1 });
    again.span(DH, DH + 2);
    expect(warnings).toEqual([
      'history bucket hours/2024-10-04T01.1.tmh cannot be read (it holds tag 1, and the tags file only 1); it is left out of answers',
    ]);
    expect(keeper.dictionary.size).toBe(2);
  });
});

describe('history keeper guards', () => {
  it('makes no day past HISTORY_DAILY_DAYS when it is shorter than HISTORY_DAYS, so an idle tick writes nothing', () => {
    const shelf = new MemoryShelf();
    const { keeper, storeAt } = keeperOn(shelf, { hourlyDays: 30, dailyDays: 2 });
    const endMs = (DH + 10 * 24) * HOUR_MS;
    storeAt(endMs, [part(0, DH, { a: 1 }), part(1, DH + 9 * 24 - 2, { b: 1 })]);
    const writes = keeper.writes;
    for (let tick = 0; tick < 3; tick += 1) storeAt(endMs + tick, []);
    expect(keeper.writes).toBe(writes);
    expect(shelf.list().filter((name) => name.startsWith('days/'))).toEqual(['days/2024-10-12.1.tmh']);
    // The old day is still read from its hours.
    expect(worldTags(keeper, keeper.span(DH, DH + 24).summaries)).toEqual({ a: 1 });
  });

  it('takes in no shared bucket whose key is not its own hour or day', () => {
    const shelf = new MemoryShelf();
    const { keeper, warnings } = keeperOn(shelf);
    const summary = mergeSummaries(DH, 1, []);
    const taken = keeper.importShared([
      { key: 'hours/../../../escaped', summary, tags: [] },
      { key: 'hours/2024-10-04T05', summary, tags: [] },
      { key: 'hours/2024-10-04T00', summary, tags: [] },
    ]);
    expect(taken).toEqual({ hours: 1, days: 0 });
    expect(shelf.list()).toEqual(['hours/2024-10-04T00.0.tmh']);
    expect(warnings).toEqual([
      'history: a shared bucket under "hours/../../../escaped" holds hours/2024-10-04T00; it is left out',
      'history: a shared bucket under "hours/2024-10-04T05" holds hours/2024-10-04T00; it is left out',
    ]);
  });
});

describe('history keeper taking shared buckets as they are read', () => {
  const shared = (key: string, startHour: number, hours: 1 | 24, counts: Record<string, number>): SharedBucket => {
    const keys = Object.keys(counts);
    const posts = Object.values(counts).reduce((a, b) => a + b, 0);
    const summary = summaryOf(startHour, hours, new Map([['world', { posts, tags: new Map(keys.map((key, id) => [id, counts[key]])) }]]));
    return { key, summary, tags: keys.map((key) => ({ key, display: key })) };
  };

  it('writes each at once, a later one under a key replacing the earlier, a null deleting it', () => {
    const shelf = new MemoryShelf();
    const { keeper } = keeperOn(shelf);
    const importing = keeper.importer();
    importing.take('hours/2024-10-04T00', shared('hours/2024-10-04T00', DH, 1, { a: 1 }));
    expect(shelf.list()).toEqual(['hours/2024-10-04T00.0.tmh']);
    importing.take('hours/2024-10-04T01', shared('hours/2024-10-04T01', DH + 1, 1, { b: 2 }));
    // A later version of the first hour (a straggler published again): it replaces the earlier.
    importing.take('hours/2024-10-04T00', shared('hours/2024-10-04T00', DH, 1, { a: 3 }));
    importing.take('days/2024-10-04', shared('days/2024-10-04', DH, 24, { a: 3, b: 2 }));
    importing.take('hours/2024-10-04T01', null);
    expect(shelf.list().sort()).toEqual(['days/2024-10-04.1000000000.tmh', 'hours/2024-10-04T00.2.tmh']);
    expect(importing.taken()).toEqual({ hours: 1, days: 1 });
    expect(worldTags(keeper, keeper.span(DH, DH + 2).summaries)).toEqual({ a: 3 });
    expect(worldTags(keeper, keeper.span(DH, DH + 24, undefined, { preferDays: true }).summaries)).toEqual({ a: 3, b: 2 });
    // Counting starts after the newest hour taken: the day's last.
    expect(keeper.restored(null).countFrom).toBe(DH + 24);
  });

  it('counts a day as made from its hours whatever order the topic gives them in', () => {
    const shelf = new MemoryShelf();
    // Hours kept a day, and the newest post two days on: the day taken is read as a day (its hours beside it).
    const { keeper, feed } = keeperOn(shelf, { hourlyDays: 1 });
    feed.windowsEndMs = (DH + 72) * HOUR_MS;
    const importing = keeper.importer();
    // The day first (its hours published again later, or by another map-server), then its hours.
    importing.take('days/2024-10-04', shared('days/2024-10-04', DH, 24, { a: 3, b: 2 }));
    importing.take('hours/2024-10-04T00', shared('hours/2024-10-04T00', DH, 1, { a: 3 }));
    importing.take('hours/2024-10-04T01', shared('hours/2024-10-04T01', DH + 1, 1, { b: 2 }));
    const day = keeper.span(DH, DH + 24);
    expect(day.resolution).toBe('1d');
    // Its hours are counted once, in the day that holds them, not on top of it.
    expect(worldTags(keeper, day.summaries)).toEqual({ a: 3, b: 2 });
    expect(worldTags(keeper, keeper.span(DH - 24, DH + 48).summaries)).toEqual({ a: 3, b: 2 });
  });

  it('lets everything taken go again when the read fails part way', () => {
    const shelf = new MemoryShelf();
    const { keeper } = keeperOn(shelf);
    const importing = keeper.importer();
    importing.take('hours/2024-10-04T00', shared('hours/2024-10-04T00', DH, 1, { a: 1 }));
    importing.take('days/2024-10-03', shared('days/2024-10-03', DH - 24, 24, { z: 4 }));
    importing.abandon();
    expect(shelf.list()).toEqual([]);
    expect(importing.taken()).toEqual({ hours: 0, days: 0 });
    expect(keeper.span(DH - 24, DH + 24).summaries).toEqual([]);
    expect(keeper.restored(null).countFrom).toBeNull();
  });

  it('lets go of what a take cut short by a crash took, so that the next start takes it all again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trendmap-history-'));
    dirs.push(dir);
    const importing = keeperOn(new FileShelf(dir)).keeper.importer();
    importing.take('hours/2024-10-04T00', shared('hours/2024-10-04T00', DH, 1, { a: 1 }));
    importing.take('days/2024-10-03', shared('days/2024-10-03', DH - 24, 24, { z: 4 }));
    expect(importing.countFrom()).toBe(DH + 1);
    // The process ends here, without `finish`.
    const after = keeperOn(new FileShelf(dir));
    expect(after.keeper.holdsNothing).toBe(true);
    expect(new FileShelf(dir).list()).toEqual([]);
    expect(after.warnings).toEqual([expect.stringMatching(/stopped while it took the other map-servers' history/)]);
    const again = after.keeper.importer();
    again.take('hours/2024-10-04T00', shared('hours/2024-10-04T00', DH, 1, { a: 1 }));
    again.finish();
    const finished = keeperOn(new FileShelf(dir));
    expect([finished.keeper.holdsNothing, finished.warnings]).toEqual([false, []]);
  });

  it('while taking, answers an hour or day taken instead of the open hour it covers, and says it is loading', () => {
    const { keeper, feed } = keeperOn(new MemoryShelf());
    feed.windowsEndMs = (DH + 52) * HOUR_MS;
    // Counted from the log meanwhile: the first hour only in part, the day after's too, and an hour not taken.
    feed.openHours.add(DH * HOUR_MS, ['world'], ['a'], ['a'], 0);
    feed.openHours.add((DH + 25) * HOUR_MS, ['world'], ['c'], ['c'], 0);
    feed.openHours.add((DH + 50) * HOUR_MS, ['world'], ['d'], ['d'], 0);
    const importing = keeper.importer();
    expect([keeper.loading, keeper.info().loading, keeper.stats().loading]).toEqual([true, true, true]);
    importing.take('hours/2024-10-04T00', shared('hours/2024-10-04T00', DH, 1, { a: 5 }));
    importing.take('days/2024-10-05', shared('days/2024-10-05', DH + 24, 24, { c: 7 }));
    expect(worldTags(keeper, keeper.span(DH, DH + 52).summaries)).toEqual({ a: 5, d: 1 });
    expect(worldTags(keeper, keeper.span(DH, DH + 48, undefined, { preferDays: true }).summaries)).toEqual({ a: 5, c: 7 });
    importing.finish();
    expect([keeper.loading, keeper.info().loading]).toEqual([false, false]);
    // After, the open hours are the engine's to drop (`OpenHours.resume` from `restored`): all are read again.
    expect(worldTags(keeper, keeper.span(DH, DH + 52).summaries)).toEqual({ a: 6, c: 1, d: 1 });
    expect(keeper.restored(null).countFrom).toBe(DH + 48);
  });
});

describe('history keeper timelines', () => {
  it.each([
    ['read from the files by their index', 1],
    ['read from the cache', 256 * 1024 * 1024],
  ])('counts a tag and all posts per step as the buckets add up, %s', (_, cacheBytes) => {
    const dir = mkdtempSync(join(tmpdir(), 'trendmap-history-'));
    dirs.push(dir);
    const shelf = new FileShelf(dir);
    const { keeper, feed, storeAt } = keeperOn(shelf, { cacheBytes });
    const closed: ClosedHour[] = [];
    for (let h = 0; h < 50; h += 1) closed.push(part(h, DH + h, { a: (h % 7) + 1, b: h % 3, [`t${h}`]: 1 }, 10 + h));
    closed.push(part(50, DH + 3, { a: 5 }, 5));
    storeAt((DH + 52) * HOUR_MS, closed);
    feed.openHours.add((DH + 51) * HOUR_MS, ['world'], ['a'], ['a'], 0);
    for (const [stepHours, preferDays] of [
      [1, false],
      [24, true],
    ] as const) {
      const from = DH;
      const to = DH + 52 + ((24 - (52 % 24)) % 24);
      const span = keeper.span(from, to, undefined, { preferDays });
      for (const id of [keeper.dictionary.idOf('a'), keeper.dictionary.idOf('b'), keeper.dictionary.idOf('t9'), null]) {
        const expected = timeline(span.summaries, ['world'], id, from, to, stepHours);
        const got = keeper.timelineCounts(['world'], id, from, to, stepHours, preferDays);
        expect({ counts: Array.from(got.counts), posts: Array.from(got.posts) }).toEqual({
          counts: Array.from(expected.counts),
          posts: Array.from(expected.posts),
        });
      }
    }
    expect(keeper.timelineCounts(['world'], keeper.dictionary.idOf('a'), DH, DH + 2, 1, false).counts).toEqual(Float64Array.from([1, 2]));
  });
});
