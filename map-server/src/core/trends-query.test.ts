import { describe, expect, it } from 'vitest';
import { modulo } from '../../../common/browser/modulo';
import { SORTS, type TrendsResponse } from '../../../common/browser/api';
import { WINDOWS, WINDOW_NAMES } from '../../../common/browser/windows';
import { prng } from '../../../common/node/prng';
import { TrendEngine } from '../trend-engine';
import { bucketOf, event } from '../../test/helpers';
import { type TrendsQuery } from './trends-query';
import { countedPlan } from './rising';
import { isRising, risingPlan, risingScore } from './rising';

const MINUTE = 60_000;
const END = Date.UTC(2026, 2, 1, 12, 0); // on a minute boundary: the window's newest minute starts here
const ARRIVAL = END + 365 * 24 * 60 * MINUTE; // a replay: never "live", so the clock does not move the windows

function engineWith(posts: { tag: string; n: number; minutesAgo: number; cc?: string | null; lat?: number; lon?: number }[]): TrendEngine {
  const engine = new TrendEngine();
  for (const { tag, n, minutesAgo, cc = 'FR', lat = 48.85, lon = 2.35 } of posts) {
    for (let i = 0; i < n; i += 1) engine.ingestEvent(event({ tags: [tag], ts: END - minutesAgo * MINUTE, cc, lat, lon }), ARRIVAL);
  }
  return engine;
}

const query = (partial: Partial<TrendsQuery>): TrendsQuery => ({ region: 'world', bbox: null, window: '15m', sort: 'top', limit: 10, ...partial });

describe('rising', () => {
  // 15m is scored against the 45 minutes before it (minutes 15 to 59 ago).
  const engine = engineWith([
    { tag: 'surge', n: 10, minutesAgo: 0 },
    { tag: 'surge', n: 3, minutesAgo: 30 },
    { tag: 'big', n: 30, minutesAgo: 5 },
    { tag: 'big', n: 60, minutesAgo: 50 },
    { tag: 'steady', n: 6, minutesAgo: 1 },
    { tag: 'steady', n: 18, minutesAgo: 20 },
    { tag: 'tiny', n: 4, minutesAgo: 2 },
    { tag: 'fading', n: 1, minutesAgo: 3 },
    { tag: 'fading', n: 40, minutesAgo: 40 },
    // The first post, before the reference period: the rates are taken over all of its 45 minutes.
    { tag: 'ancient', n: 1, minutesAgo: 100 },
  ]);

  it('scores the window against the reference period before it, in Poisson standard deviations', () => {
    const top = engine.trends(query({ sort: 'top' }));
    const scored = Object.fromEntries(top.trends.map((t) => [t.tag, { count: t.count, expected: t.expected, score: t.score }]));
    expect(scored).toEqual({
      big: { count: 30, expected: 20, score: 10 / Math.sqrt(21) },
      surge: { count: 10, expected: 1, score: 9 / Math.sqrt(2) },
      steady: { count: 6, expected: 6, score: 0 },
      tiny: { count: 4, expected: 0, score: 4 },
      fading: { count: 1, expected: 40 / 3, score: (1 - 40 / 3) / Math.sqrt(40 / 3 + 1) },
    });
    expect(top.total).toBe(51);
    expect(top.referenceMinutes).toBe(45);
  });

  it('just after a start, takes the rate over the part of the reference period with history, and lists nothing without any', () => {
    // The first post is 19 minutes ago: 5 of the 45 reference minutes (15 to 59 ago) have history.
    const young = engineWith([
      { tag: 'early', n: 2, minutesAgo: 19 },
      { tag: 'early', n: 12, minutesAgo: 0 },
    ]);
    const rising = young.trends(query({ sort: 'rising' }));
    expect(rising.referenceMinutes).toBe(5);
    // 2 posts in 5 minutes predict 6 in 15, not the 2/3 that 45 empty-looking minutes would.
    expect(rising.trends).toMatchObject([{ tag: 'early', count: 12, expected: 6, score: 6 / Math.sqrt(7) }]);

    const fresh = engineWith([{ tag: 'first', n: 20, minutesAgo: 3 }]);
    const none = fresh.trends(query({ sort: 'rising' }));
    expect(none).toMatchObject({ referenceMinutes: 0, total: 20, trends: [] });
    expect(fresh.trends(query({ sort: 'top' })).trends).toMatchObject([{ tag: 'first', count: 20, expected: 0, score: 0 }]);
  });

  it('ranks sort=rising by score, leaving out tags below the minimum count or not growing', () => {
    const rising = engine.trends(query({ sort: 'rising' }));
    expect(rising.trends.map((t) => t.tag)).toEqual(['surge', 'big']);
    expect(rising.sort).toBe('rising');
    expect(rising.trends[0].share).toBe(10 / 51);
  });

  it('scores 24h exactly as 6h (the last 6 h against the 18 h before), with 24 h counts', () => {
    const day = engineWith([
      { tag: 'late', n: 8, minutesAgo: 60 },
      { tag: 'late', n: 6, minutesAgo: 600 },
      { tag: 'old', n: 50, minutesAgo: 1000 },
      { tag: 'old', n: 6, minutesAgo: 10 },
      { tag: 'new', n: 5, minutesAgo: 100 },
      // The first post, at the start of the 24 h (which end 10 minutes ago, with 'old'): the 18 h reference
      // period all has history.
      { tag: 'first', n: 1, minutesAgo: 1449 },
    ]);
    const six = day.trends(query({ window: '6h', sort: 'rising' }));
    const whole = day.trends(query({ window: '24h', sort: 'rising' }));
    expect(whole.trends.map(({ tag, expected, score }) => ({ tag, expected, score }))).toEqual(
      six.trends.map(({ tag, expected, score }) => ({ tag, expected, score })),
    );
    // 'new': 5 posts out of nothing; 'late': 8, where the 6 posts of the 18 h before predicted about 2. The
    // windows end at 11:50: the recent 6 h are counted from its 10-minute bucket (05:50, 361 minutes), the
    // reference from the first post (11:51 the day before, in the 24h window's first hour bucket): 1,079 minutes.
    expect(whole.trends.map((t) => t.tag)).toEqual(['new', 'late']);
    expect(whole.trends.map((t) => t.count)).toEqual([5, 14]);
    expect(six.trends.map((t) => t.count)).toEqual([5, 8]);
    // What the score was taken on (a rise is recent / expected): the last 6 h's posts at 24h as at 6h.
    expect(whole.trends.map((t) => t.recent)).toEqual([5, 8]);
    expect(six.trends.map((t) => t.recent)).toEqual([5, 8]);
    // The same from a box (the view path) as from a region.
    const box = day.trends(query({ region: 'view', bbox: [2, 48, 3, 49], window: '24h', sort: 'rising' }));
    expect(box.trends.map(({ tag, count, recent }) => [tag, count, recent])).toEqual([
      ['new', 5, 5],
      ['late', 14, 8],
    ]);
    const expected = (6 * 361) / 1079;
    expect(whole.trends[1]).toMatchObject({ expected, score: (8 - expected) / Math.sqrt(expected + 1), share: 14 / 76 });
    expect([six.referenceMinutes, whole.referenceMinutes]).toEqual([1079, 1079]);
  });
});

describe('sparklines', () => {
  it('count each listed tag per slot, oldest first, the last slot ending with the newest minute', () => {
    const engine = engineWith([
      { tag: 'a', n: 2, minutesAgo: 0 },
      { tag: 'a', n: 1, minutesAgo: 1 },
      { tag: 'a', n: 4, minutesAgo: 14 },
      { tag: 'a', n: 9, minutesAgo: 15 }, // outside 15m
    ]);
    const expected = [4, ...new Array(12).fill(0), 1, 2];
    const region = engine.trends(query({ window: '15m' }));
    expect(region.spark).toEqual({ slots: 15, slotMs: MINUTE });
    expect(region.trends[0].spark).toEqual(expected);
    const view = engine.trends(query({ region: 'view', bbox: [2, 48, 3, 49], window: '15m' }));
    expect(view.trends[0].spark).toEqual(expected);
    // 1h: two-minute slots, so minutes 0 and 1 ago share the last slot, 14 and 15 ago the eighth from the end.
    const hour = engine.trends(query({ window: '1h' }));
    expect(hour.trends[0].spark.slice(-8)).toEqual([13, 0, 0, 0, 0, 0, 0, 3]);
  });
});

describe('trends in a view', () => {
  interface DayPost {
    minute: number;
    lat: number;
    lon: number;
    tags: string[];
  }

  /**
   * A seeded day of posts from a few cities and the sea, with tags that come and go, the newest in the minute
   * before `end`; and the posts.
   */
  function randomDay(seed: number, end = END): { engine: TrendEngine; posts: DayPost[] } {
    const random = prng(seed);
    const places = [
      { cc: 'FR', lat: 48.85, lon: 2.35 },
      { cc: 'JP', lat: 35.68, lon: 139.69 },
      { cc: 'FJ', lat: -17.7, lon: 179.9 },
      { cc: 'FJ', lat: -16.8, lon: -179.95 },
      { cc: null, lat: 0, lon: -30 },
    ];
    const engine = new TrendEngine();
    // The posts counted: those whose hour is not wholly a day older than the newest before them (the rest are
    // stale, and dropped).
    const posts: DayPost[] = [];
    let newest = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < 4_000; i += 1) {
      const place = random.pick(places);
      const tags = [...new Set([`t${Math.floor(random.next() ** 2 * 30)}`, `t${random.int(30)}`])];
      const minutesAgo = Math.floor(random.next() ** 3 * 1_500);
      const ts = end - minutesAgo * MINUTE - random.int(MINUTE);
      engine.ingestEvent(event({ tags, ts, ...place }), ARRIVAL);
      const minute = Math.floor(ts / MINUTE);
      newest = Math.max(newest, minute);
      if (minute - modulo(minute, 60) + 59 > newest - 1_440) posts.push({ minute, lat: place.lat, lon: place.lon, tags });
    }
    return { engine, posts };
  }

  /** Posts per tag, and posts, of those from minute `from` on that `inBox` holds: counted one by one. */
  function bruteForce(posts: readonly DayPost[], from: number, inBox: (post: DayPost) => boolean): { total: number; counts: Map<string, number> } {
    const counts = new Map<string, number>();
    let total = 0;
    for (const post of posts) {
      if (post.minute < from || !inBox(post)) continue;
      total += 1;
      for (const tag of post.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    }
    return { total, counts };
  }

  const withoutArea = ({ region: _region, bbox: _bbox, ...rest }: TrendsResponse) => rest;

  /**
   * A box's answer against the posts, counted one by one from where its buckets start: the window from the
   * bucket its first minute is in (which `from` says), the rising score's recent and reference periods
   * likewise, ranked as those counts rank. At 15m and 1h, whose windows are minute buckets, its counts,
   * total, start and sparklines are also the region's; at 15m, whose reference hour is minute buckets too,
   * the whole answer is. Returns how many answers started before their window (rounded back to a bucket).
   */
  function expectBoxAnswers(
    engine: TrendEngine,
    posts: readonly DayPost[],
    box: TrendsQuery,
    region: string,
    inBox: (post: DayPost) => boolean,
  ): number {
    let rounded = 0;
    const first = Math.min(...posts.map((post) => post.minute));
    const counted = (from: number) => bruteForce(posts, from, inBox);
    for (const window of WINDOW_NAMES) {
      for (const sort of SORTS) {
        const exact = engine.trends(query({ region, window, sort, limit: 50 }));
        const view = engine.trends({ ...box, window, sort, limit: 50 });
        const label = `${window} ${sort}`;
        expect(view.approximate).toBe(false);
        if (window === '15m') expect(withoutArea(view), label).toEqual(withoutArea(exact));
        if (window === '1h' && sort === 'top') {
          const shown = ({ from, total, trends }: TrendsResponse) => ({
            from,
            total,
            trends: trends.map(({ tag, count, share, spark }) => ({ tag, count, share, spark })),
          });
          expect(shown(view), label).toEqual(shown(exact));
        }
        // The newest post's minute: the windows end there.
        const endMinute = Math.floor(view.asOf! / MINUTE);
        const base = risingPlan(window);
        const [referenceFrom] = bucketOf(endMinute - base.recentMinutes - base.referenceMinutes + 1, endMinute);
        const [split] = bucketOf(endMinute - base.recentMinutes + 1, endMinute);
        const from = base.windowIsRecent ? split : referenceFrom;
        expect(view.from, label).toBe(from * MINUTE);
        if (from < endMinute - WINDOWS[window] + 1) rounded += 1;
        const truth = counted(from);
        expect(view.total, label).toBe(truth.total);
        const recent = counted(split).counts;
        const outer = counted(referenceFrom).counts;
        const plan = countedPlan(base, endMinute, referenceFrom, split, first);
        expect(view.referenceMinutes, label).toBe(plan.coveredMinutes);
        const scored = [...truth.counts.keys()].map((tag) => {
          const r = recent.get(tag) ?? 0;
          return { tag, count: truth.counts.get(tag)!, recent: r, ...risingScore(r, (outer.get(tag) ?? 0) - r, plan) };
        });
        const ranked =
          sort === 'top'
            ? scored.sort((a, b) => b.count - a.count || (a.tag < b.tag ? -1 : 1))
            : scored.filter((tag) => isRising(tag.recent, tag.score, plan)).sort((a, b) => b.score - a.score || (a.tag < b.tag ? -1 : 1));
        expect(
          view.trends.map((trend) => [trend.tag, trend.count]),
          label,
        ).toEqual(ranked.slice(0, 50).map((tag) => [tag.tag, tag.count]));
        view.trends.forEach((trend, i) => expect(trend.score, `${label} ${trend.tag}`).toBeCloseTo(ranked[i].score, 9));
      }
    }
    return rounded;
  }

  // Ends on a 10-minute and hour boundary, and off them: the buckets then start before the windows do.
  const ENDS = [END, END + 17 * MINUTE, END + 43 * MINUTE];

  it('answers a box around the whole world as the world to the minute at 15m and 1h, and from its buckets on', () => {
    let rounded = 0;
    for (const end of ENDS) {
      const { engine, posts } = randomDay(7, end);
      rounded += expectBoxAnswers(engine, posts, query({ region: 'view', bbox: [-180, -90, 180, 90] }), 'world', () => true);
      expect(engine.trends(query({ window: '24h' })).trends.length).toBeGreaterThan(0);
    }
    expect(rounded).toBeGreaterThan(0);
  });

  it('answers a box across the antimeridian with the posts on both sides of it', () => {
    for (const end of ENDS) {
      const { engine, posts } = randomDay(11, end);
      const fiji = (post: DayPost) => post.lat === -17.7 || post.lat === -16.8;
      expectBoxAnswers(engine, posts, query({ region: 'view', bbox: [179, -19, -179, -15] }), 'FJ', fiji);
    }
  });

  it("takes a box's or a region's reference rate over the minutes since its first post, where its hour bucket starts before it", () => {
    // The first post at 10:30, the newest a day later at 10:39: the 6h window's reference period is counted
    // from its hour bucket (10:00 the day before), but history starts at 10:30, so 18 h 10 min of it is covered.
    const first = Date.UTC(2026, 2, 1, 10, 30);
    const newest = first + 24 * 60 * MINUTE + 9 * MINUTE;
    const engine = new TrendEngine();
    for (const ts of [first, first + 60 * MINUTE, newest]) engine.ingestEvent(event({ tags: ['a'], ts }), ARRIVAL);
    const view = engine.trends(query({ region: 'view', bbox: [-180, -90, 180, 90], window: '6h', sort: 'rising' }));
    expect(view.referenceMinutes).toBe(18 * 60 + 10);
    // A region's windows are counted from the same buckets: the same reference period.
    expect(engine.trends(query({ window: '6h', sort: 'rising' })).referenceMinutes).toBe(18 * 60 + 10);
  });

  it('sums each sparkline to its count', () => {
    const { engine } = randomDay(3);
    for (const window of WINDOW_NAMES) {
      for (const area of [
        { region: 'world', bbox: null },
        { region: 'JP', bbox: null },
        { region: 'view', bbox: [-10, 40, 10, 50] as TrendsQuery['bbox'] },
      ]) {
        for (const trend of engine.trends(query({ ...area, window, limit: 50 })).trends) {
          expect(
            trend.spark.reduce((a, b) => a + b, 0),
            `${window} ${area.region} ${trend.tag}`,
          ).toBe(trend.count);
        }
      }
    }
  });

  it("answers an empty store with no trends and the window's spark slots", () => {
    const empty = new TrendEngine().trends(query({ region: 'view', bbox: [0, 0, 1, 1], window: '24h' }));
    expect(empty).toEqual({
      region: 'view',
      bbox: [0, 0, 1, 1],
      window: '24h',
      sort: 'top',
      asOf: null,
      from: null,
      approximate: false,
      maxError: 0,
      total: 0,
      spark: { slots: 48, slotMs: 30 * MINUTE },
      referenceMinutes: 0,
      resolution: '1h',
      trends: [],
    });
  });
});
