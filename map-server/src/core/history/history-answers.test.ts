import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RISING } from '../../../../common/browser/api';
import type { HistoryWindowName } from '../../../../common/browser/windows';
import {
  HISTORY_RISING,
  HISTORY_SPARK_HOURS,
  answerHistoryTagRegions,
  answerHistoryTrends,
  windowHours,
  type HistorySource,
} from './history-answers';
import { HistoryDictionary } from './history-dictionary';
import { HOUR_MS } from './open-hours';
import { bucketOf, busiestOf, plainBucket, sortedTotals, taggedOf, type PlainBucket } from '../../../test/history-buckets';

/** The hour the windows end in (hours since the epoch). */
const E = 490_000;

/** Tags 0-11 as keys that do not sort as their ids. */
const dictionary = HistoryDictionary.of(Array.from({ length: 12 }, (_, id) => ({ key: `${'zyxwv'[id % 5]}${id}`, display: `Tag${id}` })));
const keyOf = (id: number) => dictionary.key(id);

/** Hourly buckets, each `back` hours before hour E (0: hour E itself). */
type Placed = { back: number; plain: PlainBucket };

/**
 * A source of hourly buckets: a span holds those starting in it; asked for the busiest rows, with `topRows`,
 * each as its file's tops of that many rows give it (bucket-parts.ts `readTops`), and asked for one tag's
 * rows, as `readTag` gives them: as the keeper does.
 */
function sourceOf(placed: readonly Placed[], endMs: number | null = (E + 0.5) * HOUR_MS, topRows: number | null = null): HistorySource {
  const summaries = placed.map(({ back, plain }) => bucketOf(E - back, plain));
  return {
    span: (fromHour, toHour, _pick, options) => ({
      summaries: summaries
        .filter((s) => s.startHour >= fromHour && s.startHour < toHour)
        .map((s) =>
          options?.tag !== undefined ? taggedOf(s, options.tag) : options?.busiest === true && topRows !== null ? busiestOf(s, topRows) : s,
        ),
      fromHour,
      toHour,
      resolution: '1h',
    }),
    firstHour: summaries.length === 0 ? null : Math.min(...summaries.map((s) => s.startHour)),
    endMs,
    dictionary,
  };
}

/** Brute force: per tag and all posts (`-1`) in `region` over the buckets starting in [from, to). */
function sumIn(placed: readonly Placed[], region: string, from: number, to: number): Map<number, number> {
  const totals = new Map<number, number>();
  for (const { back, plain } of placed) {
    const hour = E - back;
    if (hour < from || hour >= to || plain[region] === undefined) continue;
    totals.set(-1, (totals.get(-1) ?? 0) + plain[region].posts);
    for (const [id, count] of Object.entries(plain[region].tags)) totals.set(Number(id), (totals.get(Number(id)) ?? 0) + count);
  }
  return totals;
}

/** What `answerHistoryTrends` must say, by definition, for a window ending before hour `endHour`. */
function expectedTrends(
  placed: readonly Placed[],
  region: string,
  window: HistoryWindowName,
  sort: 'top' | 'rising',
  limit: number,
  endHour: number,
) {
  const hours = windowHours(window);
  const { recentHours, outerHours } = HISTORY_RISING[window];
  const firstHour = Math.min(...placed.map((p) => E - p.back));
  const inWindow = sumIn(placed, region, endHour - hours, endHour);
  const recent = sumIn(placed, region, endHour - recentHours, endHour);
  const reference = sumIn(placed, region, endHour - outerHours, endHour - recentHours);
  const covered = Math.max(0, endHour - recentHours - Math.max(endHour - outerHours, firstHour));
  const scoreOf = (id: number) => {
    if (covered === 0) return { expected: 0, score: 0 };
    const expected = ((reference.get(id) ?? 0) * recentHours * 60) / (covered * 60);
    return { expected, score: ((recent.get(id) ?? 0) - expected) / Math.sqrt(expected + 1) };
  };
  const tags = new Map([...inWindow].filter(([id]) => id >= 0));
  let listed: number[];
  if (sort === 'top') listed = sortedTotals(tags, keyOf).map(({ id }) => id);
  else {
    listed = [...recent]
      .filter(([id, count]) => id >= 0 && count >= RISING.minCount && covered > 0 && scoreOf(id).score > 0)
      .map(([id]) => id)
      .sort((a, b) => scoreOf(b).score - scoreOf(a).score || (keyOf(a) < keyOf(b) ? -1 : 1));
  }
  const total = inWindow.get(-1) ?? 0;
  const slotHours = HISTORY_SPARK_HOURS[window];
  const slots = Math.ceil(hours / slotHours);
  return {
    total,
    from: (endHour - hours) * HOUR_MS,
    referenceMinutes: covered * 60,
    trends: listed.slice(0, limit).map((id) => ({
      tag: keyOf(id),
      display: `Tag${id}`,
      count: tags.get(id) ?? 0,
      share: total === 0 ? 0 : (tags.get(id) ?? 0) / total,
      recent: recent.get(id) ?? 0,
      ...scoreOf(id),
      spark: Array.from({ length: slots }, (_, slot) => {
        const from = endHour - (slots - slot) * slotHours;
        return sumIn(placed, region, from, from + slotHours).get(id) ?? 0;
      }),
    })),
  };
}

/** Buckets over the last `spanHours` hours before hour E, and hour E itself. */
const placedArb = (spanHours: number) =>
  fc.array(fc.record({ back: fc.integer({ min: 0, max: spanHours }), plain: plainBucket }), { minLength: 1, maxLength: 25 });

describe('history answers', () => {
  it('ends a window at= mid-hour at the hour before, and reads the hours before it', () => {
    const placed: Placed[] = [
      { back: 0, plain: { world: { posts: 50, tags: { 1: 50 } } } },
      { back: 1, plain: { world: { posts: 4, tags: { 2: 3, 3: 3, 4: 1 } } } },
      { back: 2, plain: { world: { posts: 9, tags: { 4: 9 } } } },
    ];
    const atMs = (E + 0.5) * HOUR_MS;
    const answer = answerHistoryTrends({ region: 'world', bbox: null, window: '1h', sort: 'top', limit: 2, atMs }, sourceOf(placed));
    expect(answer).toMatchObject({ at: atMs, asOf: E * HOUR_MS, from: (E - 1) * HOUR_MS, total: 4, resolution: '1h' });
    // Tags 2 and 3 tie: the key decides, 'w3' before 'x2'.
    expect(answer.trends.map((t) => [t.tag, t.count, t.share, t.spark])).toEqual([
      ['w3', 3, 0.75, [3]],
      ['x2', 3, 0.75, [3]],
    ]);
    // Now (no at=): the window ends with the newest event, its hour included.
    const now = answerHistoryTrends({ region: 'world', bbox: null, window: '1h', sort: 'top', limit: 2, atMs: null }, sourceOf(placed));
    expect(now).toMatchObject({ asOf: (E + 0.5) * HOUR_MS, from: E * HOUR_MS, total: 50 });
    expect(now.trends.map((t) => t.tag)).toEqual(['y1']);
  });

  it('answers nothing before any event', () => {
    const answer = answerHistoryTrends({ region: 'world', bbox: null, window: '7d', sort: 'top', limit: 5, atMs: null }, sourceOf([], null));
    expect(answer).toMatchObject({ asOf: null, from: null, total: 0, trends: [] });
    expect(answerHistoryTagRegions({ tag: 'y1', window: '30d', limit: 5, atMs: null }, sourceOf([], null))).toMatchObject({
      asOf: null,
      regions: [],
    });
  });

  for (const [window, spanHours] of [
    ['1h', 8],
    ['24h', 40],
    ['7d', 200],
    ['30d', 760],
  ] as const) {
    it(`lists the top and rising tags of ${window} as a plain sum says`, () => {
      fc.assert(
        fc.property(
          placedArb(spanHours),
          fc.constantFrom('world', 'FR'),
          fc.constantFrom('top' as const, 'rising' as const),
          fc.integer({ min: 1, max: 8 }),
          fc.option(fc.integer({ min: -3, max: 3 })),
          fc.option(fc.integer({ min: 1, max: 3 })),
          (placed, region, sort, limit, atBack, topRows) => {
            const atMs = atBack === null ? null : (E - atBack + 0.25) * HOUR_MS;
            const endHour = atMs === null ? E + 1 : E - (atBack as number);
            const answer = answerHistoryTrends({ region, bbox: null, window, sort, limit, atMs }, sourceOf(placed, undefined, topRows));
            const expected = expectedTrends(placed, region, window, sort, limit, endHour);
            expect(answer).toMatchObject({ total: expected.total, from: expected.from, referenceMinutes: expected.referenceMinutes });
            expect(answer.trends).toEqual(expected.trends);
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it('scores rising against the hours before, over the part of them history holds', () => {
    // 1h against the 5 hours before; history starts 2 hours back, so the rate is over 1 hour of reference.
    const placed: Placed[] = [
      { back: 2, plain: { world: { posts: 2, tags: { 5: 2, 6: 2 } } } },
      { back: 1, plain: { world: { posts: 8, tags: { 5: 8, 6: 3, 7: 6 } } } },
    ];
    const answer = answerHistoryTrends({ region: 'world', bbox: null, window: '1h', sort: 'rising', limit: 5, atMs: E * HOUR_MS }, sourceOf(placed));
    expect(answer.referenceMinutes).toBe(60);
    expect(answer.trends.map((t) => [t.tag, t.recent, t.expected])).toEqual([
      ['x7', 6, 0],
      ['z5', 8, 2],
    ]);
  });

  it("lists a tag's countries over a window as a plain sum says", () => {
    fc.assert(
      fc.property(
        placedArb(200),
        fc.integer({ min: 0, max: 11 }),
        fc.constantFrom('24h' as const, '7d' as const),
        fc.integer({ min: 1, max: 3 }),
        (placed, id, window, limit) => {
          const atMs = (E + 0.5) * HOUR_MS;
          const answer = answerHistoryTagRegions({ tag: keyOf(id), window, limit, atMs }, sourceOf(placed));
          const from = E - windowHours(window);
          const countries = ['FR', 'JP']
            .map((region) => ({ region, count: sumIn(placed, region, from, E).get(id) ?? 0, posts: sumIn(placed, region, from, E).get(-1) ?? 0 }))
            .filter((c) => c.count > 0)
            .map((c) => ({ ...c, share: c.count / c.posts }))
            .sort((a, b) => b.count - a.count || b.share - a.share || (a.region < b.region ? -1 : 1));
          expect(answer).toMatchObject({
            tag: keyOf(id),
            display: `Tag${id}`,
            asOf: E * HOUR_MS,
            from: from * HOUR_MS,
            total: sumIn(placed, 'world', from, E).get(id) ?? 0,
          });
          expect(answer.regions).toEqual(countries.slice(0, limit));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('answers a tag history never counted with its key and no countries', () => {
    const answer = answerHistoryTagRegions(
      { tag: 'never', window: '7d', limit: 5, atMs: null },
      sourceOf([{ back: 1, plain: { FR: { posts: 1, tags: { 1: 1 } } } }]),
    );
    expect(answer).toMatchObject({ tag: 'never', display: 'never', total: 0, regions: [], asOf: (E + 0.5) * HOUR_MS });
  });
});
