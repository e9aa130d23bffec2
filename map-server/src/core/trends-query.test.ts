import { describe, expect, it } from 'vitest';
import { SORTS, type TrendsResponse } from '../../../common/browser/api';
import { WINDOWS, WINDOW_NAMES } from '../../../common/browser/windows';
import { prng } from '../../../common/node/prng';
import { TrendEngine } from '../trend-engine';
import { event } from '../../test/helpers';
import { boxPlan, type TrendsQuery } from './trends-query';
import { risingPlan, risingScore } from './rising';

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
    // 'new': 5 posts out of nothing; 'late': 8, where the 6 posts of the 18 h before predicted 2.
    expect(whole.trends.map((t) => t.tag)).toEqual(['new', 'late']);
    expect(whole.trends.map((t) => t.count)).toEqual([5, 14]);
    expect(six.trends.map((t) => t.count)).toEqual([5, 8]);
    expect(whole.trends[1]).toMatchObject({ expected: 2, score: 6 / Math.sqrt(3), share: 14 / 76 });
    expect([six.referenceMinutes, whole.referenceMinutes]).toEqual([1080, 1080]);
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

  /** A seeded day of posts from a few cities and the sea, with tags that come and go; and the posts. */
  function randomDay(seed: number): { engine: TrendEngine; posts: DayPost[] } {
    const random = prng(seed);
    const places = [
      { cc: 'FR', lat: 48.85, lon: 2.35 },
      { cc: 'JP', lat: 35.68, lon: 139.69 },
      { cc: 'FJ', lat: -17.7, lon: 179.9 },
      { cc: 'FJ', lat: -16.8, lon: -179.95 },
      { cc: null, lat: 0, lon: -30 },
    ];
    const engine = new TrendEngine();
    // The posts counted: those not a day older than the newest before them (the rest are stale, and dropped).
    const posts: DayPost[] = [];
    let newest = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < 4_000; i += 1) {
      const place = random.pick(places);
      const tags = [...new Set([`t${Math.floor(random.next() ** 2 * 30)}`, `t${random.int(30)}`])];
      const minutesAgo = Math.floor(random.next() ** 3 * 1_500);
      const ts = END - minutesAgo * MINUTE - random.int(MINUTE);
      engine.ingestEvent(event({ tags, ts, ...place }), ARRIVAL);
      const minute = Math.floor(ts / MINUTE);
      newest = Math.max(newest, minute);
      if (minute > newest - 1_440) posts.push({ minute, lat: place.lat, lon: place.lon, tags });
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
   * A box's answer against the posts: for 15m and 1h (minute buckets) exactly the region's answer; for 6h and
   * 24h counted from the start of the bucket the window starts in (10 minutes, an hour), which it says in
   * `from`, every listed count and the total as the posts from then on give them, ranked by them.
   */
  function expectBoxAnswers(engine: TrendEngine, posts: readonly DayPost[], box: TrendsQuery, region: string, inBox: (post: DayPost) => boolean) {
    for (const window of WINDOW_NAMES) {
      for (const sort of SORTS) {
        const exact = engine.trends(query({ region, window, sort, limit: 50 }));
        const view = engine.trends({ ...box, window, sort, limit: 50 });
        expect(view.approximate).toBe(false);
        if (window === '15m' || window === '1h') {
          expect(withoutArea(view), `${window} ${sort}`).toEqual(withoutArea(exact));
          continue;
        }
        // The newest post's minute: the windows end there.
        const endMinute = Math.floor(view.asOf! / MINUTE);
        const start = endMinute - WINDOWS[window] + 1;
        const bucket = window === '6h' ? 10 : 60;
        const from = view.from! / MINUTE;
        expect(from % bucket, `${window} starts on its bucket`).toBe(0);
        expect(from).toBeGreaterThan(start - bucket);
        expect(from).toBeLessThanOrEqual(start);
        const truth = bruteForce(posts, from, inBox);
        expect(view.total, window).toBe(truth.total);
        for (const trend of view.trends) expect(trend.count, `${window} ${sort} ${trend.tag}`).toBe(truth.counts.get(trend.tag));
        if (sort === 'top') {
          const ranked = [...truth.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 50);
          expect(view.trends.map((trend) => [trend.tag, trend.count])).toEqual(ranked);
        } else {
          // The last 6 h from its 10-minute bucket on, against the 18 h before from the hour the day starts in.
          const split = window === '6h' ? from : Math.floor((endMinute - 359) / 10) * 10;
          const referenceFrom = Math.floor((endMinute - 1_439) / 60) * 60;
          const recent = bruteForce(posts, split, inBox).counts;
          const outer = bruteForce(posts, referenceFrom, inBox).counts;
          const first = Math.max(endMinute - 1_439, Math.min(...posts.map((post) => post.minute)));
          const plan = boxPlan(risingPlan(window), endMinute, referenceFrom, split, first);
          expect(view.referenceMinutes).toBe(plan.coveredMinutes);
          for (const trend of view.trends) {
            const r = recent.get(trend.tag) ?? 0;
            const expected = risingScore(r, (outer.get(trend.tag) ?? 0) - r, plan);
            expect(trend.score, trend.tag).toBeCloseTo(expected.score, 9);
          }
        }
      }
    }
  }

  it('answers a box around the whole world as the world: to the minute up to 1 h, from its bucket beyond', () => {
    const { engine, posts } = randomDay(7);
    expectBoxAnswers(engine, posts, query({ region: 'view', bbox: [-180, -90, 180, 90] }), 'world', () => true);
    expect(engine.trends(query({ window: '24h' })).trends.length).toBeGreaterThan(0);
  });

  it('answers a box across the antimeridian with the posts on both sides of it', () => {
    const { engine, posts } = randomDay(11);
    const fiji = (post: DayPost) => post.lat === -17.7 || post.lat === -16.8;
    expectBoxAnswers(engine, posts, query({ region: 'view', bbox: [179, -19, -179, -15] }), 'FJ', fiji);
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
      trends: [],
    });
  });
});
