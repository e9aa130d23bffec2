import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Bbox } from '../../../common/browser/api';
import { modulo } from '../../../common/browser/modulo';
import { TileCounts, type TileCountsSnapshot, type TileTops } from './tile-counts';
import { HORIZON_MINUTES, MINUTE_TIER, TEN_MINUTE_TIER } from './tiers';
import { FINEST_LEVEL, TILE_LEVELS, boxCover, rangeHolds, tileIndex, tileRange, tileX, tileY, type TileRange } from './tiles';
import { bucketOf } from '../../test/helpers';

/** Tag ids 0..TAGS - 1, few, so that tiles share tags and counts tie. */
const TAGS = 8;
/** Tag keys in an order unlike their ids' (3 is coprime to 8), so that a tie is settled by key, not by id. */
const KEYS = Array.from({ length: TAGS }, (_, id) => `key${(id * 3) % TAGS}`);
const keyOf = (id: number) => KEYS[id];

interface Post {
  minute: number;
  lat: number;
  lon: number;
  tags: number[];
}

/** The brute force: every post kept in a list, each query a scan. */
class Model {
  newest = Number.NEGATIVE_INFINITY;
  private posts: Post[] = [];

  advanceTo(minute: number): void {
    this.newest = Math.max(this.newest, minute);
  }

  /** A post is refused once its hour is wholly 24 h (`HORIZON_MINUTES`) behind the newest minute, as it would be dropped. */
  add(post: Post): boolean {
    this.advanceTo(post.minute);
    if (post.minute - modulo(post.minute, 60) + 59 <= this.newest - HORIZON_MINUTES) return false;
    this.posts.push(post);
    return true;
  }

  /** The posts kept: dropped with their hour bucket once all of it is older than the horizon. */
  private live(): Post[] {
    return this.posts.filter((p) => p.minute - modulo(p.minute, 60) + 59 > this.newest - HORIZON_MINUTES);
  }

  /** The tags of the posts kept, ascending: the ids the store must mark (`markTagIds`). */
  tags(): number[] {
    return [...new Set(this.live().flatMap((p) => p.tags))].sort((a, b) => a - b);
  }

  /** The buckets that hold the posts kept, as `start/minutes`, oldest first. */
  buckets(): string[] {
    const buckets = new Map(
      this.live()
        .map((p) => bucketOf(p.minute, this.newest))
        .map(([start, minutes]) => [start, `${start}/${minutes}`]),
    );
    return [...buckets].sort(([a], [b]) => a - b).map(([, bucket]) => bucket);
  }

  /** Posts in tile `cell` at `level` over minutes `from` to `to`: all of them, and those with `tag`. */
  count(level: number, cell: number, tag: number, from: number, to: number): { posts: number; tagged: number } {
    const inTile = this.live().filter(
      (p) => p.minute >= from && p.minute <= to && tileIndex(level, tileX(p.lon, level), tileY(p.lat, level)) === cell,
    );
    return { posts: inTile.length, tagged: inTile.filter((p) => p.tags.includes(tag)).length };
  }

  /** The asked minutes rounded outward to the buckets they fall in. */
  rounded(from: number, to: number): [from: number, to: number] {
    const [end, minutes] = bucketOf(to, this.newest);
    return [bucketOf(from, this.newest)[0], end + minutes - 1];
  }

  /**
   * Posts per tag in the box (its tiles at the finest level, rounded outward) from the bucket holding `from`
   * to `to`, split at the bucket holding `split`: as `TileCounts.boxCounts` says it counts them.
   */
  boxCounts(bbox: Bbox, from: number, split: number, to: number): BoxExpected {
    const range = tileRange(bbox, FINEST_LEVEL);
    const first = bucketOf(from, this.newest)[0];
    const splitAt = bucketOf(split, this.newest)[0];
    // Where the counts start whether or not a bucket holds posts; null only before the first post.
    const held = Number.isFinite(this.newest);
    const read = this.live().filter(
      (p) =>
        p.minute >= first && p.minute <= to && rangeHolds(range, tileIndex(FINEST_LEVEL, tileX(p.lon, FINEST_LEVEL), tileY(p.lat, FINEST_LEVEL))),
    );
    const tags = new Map<number, [recent: number, reference: number]>();
    for (const p of read) {
      for (const tag of p.tags) {
        const counts = tags.get(tag) ?? [0, 0];
        counts[p.minute >= splitAt ? 0 : 1] += 1;
        tags.set(tag, counts);
      }
    }
    return {
      posts: read.length,
      recentPosts: read.filter((p) => p.minute >= splitAt).length,
      tags: [...tags].sort(([a], [b]) => a - b),
      fromMinute: held ? first : null,
      splitMinute: held ? splitAt : null,
    };
  }

  /** Each tile's top tag; with `only`, that tag's count in each tile where it has posts. */
  tops(level: number, range: TileRange | null, from: number, to: number, only: number | null = null): TileTops {
    const [first, last] = this.rounded(from, to);
    const read = this.live().filter((p) => p.minute >= first && p.minute <= last);
    const tiles = new Map<number, { posts: number; sumLat: number; sumLon: number; tags: Map<number, number> }>();
    for (const p of read) {
      const cell = tileIndex(level, tileX(p.lon, level), tileY(p.lat, level));
      if (range !== null && !rangeHolds(range, cell)) continue;
      const tile = tiles.get(cell) ?? { posts: 0, sumLat: 0, sumLon: 0, tags: new Map<number, number>() };
      tile.posts += 1;
      tile.sumLat += p.lat;
      tile.sumLon += p.lon;
      for (const tag of p.tags) tile.tags.set(tag, (tile.tags.get(tag) ?? 0) + 1);
      tiles.set(cell, tile);
    }
    const tops = [...tiles]
      .sort(([a], [b]) => a - b)
      .filter(([, tile]) => only === null || tile.tags.has(only))
      .map(([cell, tile]) => {
        const [tag, count] =
          only === null ? [...tile.tags].sort(([ta, ca], [tb, cb]) => cb - ca || (keyOf(ta) < keyOf(tb) ? -1 : 1))[0] : [only, tile.tags.get(only)!];
        return { cell, tag, count, error: 0, posts: tile.posts, lat: tile.sumLat / tile.posts, lon: tile.sumLon / tile.posts };
      });
    // The asked minutes rounded outward, whether or not their buckets hold posts; null when none holds any.
    const held = this.live().some((p) => p.minute >= first && p.minute <= last);
    return { fromMinute: held ? first : null, toMinute: held ? Math.min(last, this.newest) : null, tops, maxError: 0 };
  }
}

interface BoxExpected {
  posts: number;
  recentPosts: number;
  /** Per tag id, ascending: its recent and reference posts. */
  tags: [number, [number, number]][];
  fromMinute: number | null;
  splitMinute: number | null;
}

/** A box's counts as `BoxExpected` puts them. */
function boxAnswer(store: TileCounts, bbox: Bbox, from: number, split: number, to: number): BoxExpected & { maxError: number } {
  const tally = store.boxCounts(boxCover(bbox), from, split, to);
  const tags = Array.from(tally.ids, (id, i): [number, [number, number]] => [id, [tally.recent[i], tally.reference[i]]]).sort(([a], [b]) => a - b);
  const { posts, recentPosts, fromMinute, splitMinute, maxError } = tally;
  return { posts, recentPosts, tags, fromMinute, splitMinute, maxError };
}

/** Equal answers; the weighted centres to 1e-9 degrees, as they are sums taken in another order. */
function expectSameTops(actual: TileTops, expected: TileTops): void {
  const exact = ({ fromMinute, toMinute, tops }: TileTops) => ({
    fromMinute,
    toMinute,
    tops: tops.map(({ cell, tag, count, error, posts }) => ({ cell, tag, count, error, posts })),
  });
  expect(exact(actual)).toEqual(exact(expected));
  actual.tops.forEach((top, i) => {
    const want = expected.tops[i];
    if (Math.abs(top.lat - want.lat) > 1e-9 || Math.abs(top.lon - want.lon) > 1e-9) {
      expect.fail(`tile ${top.cell}: centre ${top.lat},${top.lon}, expected ${want.lat},${want.lon}`);
    }
  });
}

/** Cities, the antimeridian and the poles, each with a little scatter, so that posts share tiles. */
const PLACES: readonly [number, number][] = [
  [48.85, 2.35],
  [51.5, -0.12],
  [35.68, 139.69],
  [-33.87, 151.21],
  [0.5, 179.99],
  [-0.5, -180],
  [88, 10],
  [-89, -170],
];
const near = fc
  .tuple(fc.constantFrom(...PLACES), fc.double({ min: -0.5, max: 0.5, noNaN: true }), fc.double({ min: -0.5, max: 0.5, noNaN: true }))
  .map(([[lat, lon], dLat, dLon]) => [Math.min(90, Math.max(-90, lat + dLat)), Math.min(180, Math.max(-180, lon + dLon))] as const);
const anywhere = fc.tuple(fc.double({ min: -90, max: 90, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }));
const place = fc.oneof({ weight: 4, arbitrary: near }, { weight: 1, arbitrary: anywhere });

/** Boxes around the places (across the antimeridian when they reach it), anywhere, or none (the world). */
const box: fc.Arbitrary<Bbox | null> = fc.oneof(
  fc.constant(null),
  fc
    .tuple(near, fc.double({ min: 0, max: 40, noNaN: true }), fc.double({ min: 0, max: 20, noNaN: true }))
    .map(([[lat, lon], w, h]): Bbox => [lon - w, lat - h, lon + w, lat + h]),
  fc.tuple(anywhere, anywhere).map(([[s, w], [n, e]]): Bbox => [w, Math.min(s, n), e, Math.max(s, n)]),
  fc.constant<Bbox>([-180, -90, 180, 90]),
);
const level = fc.constantFrom(...TILE_LEVELS);

/**
 * The newest minute moves over 30 h, step by step or (`EPOCHS`) in a few jumps, some longer than the minute
 * and 10-minute tiers and the horizon.
 */
const STREAM_MINUTES = 30 * 60;
const EPOCHS = [0, 15, 45, 400, 1_470, 1_500, STREAM_MINUTES];
const steps = fc.integer({ min: 0, max: STREAM_MINUTES });
const jumps = fc.constantFrom(...EPOCHS);
/** Late by nothing, a few minutes, hours, or about a tier's or the horizon's length (where buckets change). */
const lateness = fc.oneof(
  { weight: 12, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.nat(15) },
  { weight: 2, arbitrary: fc.nat(1_600) },
  { weight: 1, arbitrary: fc.integer({ min: MINUTE_TIER - 5, max: MINUTE_TIER + 15 }) },
  { weight: 1, arbitrary: fc.integer({ min: TEN_MINUTE_TIER - 5, max: TEN_MINUTE_TIER + 65 }) },
  { weight: 1, arbitrary: fc.integer({ min: HORIZON_MINUTES - 2, max: HORIZON_MINUTES + 2 }) },
);

type Op =
  | { kind: 'post'; at: number; late: number; place: readonly [number, number]; tags: number[] }
  | { kind: 'advance'; at: number }
  | { kind: 'query'; at: number; level: number; bbox: Bbox | null; fromAge: number; span: number };

/** A query asks from `fromAge` minutes before the newest, for `span` minutes (past the newest, some). */
const query = (at: fc.Arbitrary<number>) =>
  fc.record({
    kind: fc.constant('query' as const),
    at,
    level,
    bbox: box,
    fromAge: fc.oneof(fc.nat(90), fc.nat(1_900)),
    span: fc.oneof(fc.nat(20), fc.nat(1_900)),
  });
const op = (at: fc.Arbitrary<number>): fc.Arbitrary<Op> =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('post' as const),
        at,
        late: lateness,
        place,
        tags: fc.uniqueArray(fc.nat(TAGS - 1), { minLength: 1, maxLength: 3 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), at }) },
    { weight: 2, arbitrary: query(at) },
  );
/** Ops in time order (posts late by their lateness), and a few queries after the last. */
const ops = fc
  .tuple(
    fc.oneof(fc.array(op(steps), { maxLength: 150, size: 'max' }), fc.array(op(jumps), { maxLength: 60, size: 'max' })),
    fc.array(query(steps), { minLength: 1, maxLength: 4 }),
  )
  .map(([stream, last]) => [...stream.sort((a, b) => a.at - b.at), ...last.map((q) => ({ ...q, at: STREAM_MINUTES }))]);

/**
 * Plays `ops` into a store and the brute force, checking every answer. At op `cut` the store is saved,
 * cloned and restored, and from then on the restored copy takes the same ops and must answer the same.
 */
function play(ops: Op[], cut = -1): TileCounts[] {
  const model = new Model();
  const stores = [new TileCounts()];
  ops.forEach((op, i) => {
    if (i === cut) {
      const restored = TileCounts.restore(structuredClone(stores[0].snapshot()), TAGS);
      expect(restored.snapshot()).toEqual(stores[0].snapshot());
      stores.push(restored);
    }
    if (op.kind === 'post') {
      const post = { minute: op.at - op.late, lat: op.place[0], lon: op.place[1], tags: op.tags };
      const accepted = model.add(post);
      for (const store of stores) expect(store.add(post.minute, post.lat, post.lon, post.tags)).toBe(accepted);
    } else if (op.kind === 'advance') {
      model.advanceTo(op.at);
      for (const store of stores) store.advanceTo(op.at);
    } else if (Number.isFinite(model.newest)) {
      const from = model.newest - op.fromAge;
      const to = Math.min(from + op.span, model.newest + 5);
      const range = op.bbox === null ? null : tileRange(op.bbox, op.level);
      const expected = model.tops(op.level, range, from, to);
      const answers = stores.map((store) => store.tops(op.level, range, from, to, keyOf));
      expectSameTops(answers[0], expected);
      for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
      // One tag's map over the same tiles and minutes: its count in each tile where it has posts.
      const only = op.span % TAGS;
      for (const store of stores) expectSameTops(store.tops(op.level, range, from, to, keyOf, only), model.tops(op.level, range, from, to, only));
      // The same moment's box: counts over its cover of tiles, and sparklines that add up to them.
      const bbox = op.bbox ?? [-180, -90, 180, 90];
      const boxFrom = Math.min(from, model.newest);
      const split = boxFrom + Math.floor((model.newest - boxFrom) / 2);
      const exactBox = model.boxCounts(bbox, boxFrom, split, model.newest);
      for (const store of stores) expect(boxAnswer(store, bbox, boxFrom, split, model.newest)).toEqual({ ...exactBox, maxError: 0 });
      const ids = exactBox.tags.map(([id]) => id);
      const slots = 1 + (op.span % 48);
      const slotMinutes = 1 + (op.fromAge % 30);
      const sparkFrom = model.newest - slots * slotMinutes + 1;
      const sparkBox = model.boxCounts(bbox, sparkFrom, sparkFrom, model.newest);
      const series = stores[0].boxCounts(boxCover(bbox), sparkFrom, sparkFrom, model.newest).sparks(ids, sparkFrom, slotMinutes, slots);
      ids.forEach((id, i) => {
        const sum = series[i].reduce((a, b) => a + b, 0);
        const expected = sparkBox.tags.find(([tag]) => tag === id)?.[1][0] ?? 0;
        if (sum !== expected || series[i].some((n) => n < 0))
          expect.fail(`tag ${id}: sparkline ${Array.from(series[i]).join(',')} for ${expected} posts`);
      });
    }
    // Each minute in one bucket, of the tier its age puts it in: counted after every op, and read from a
    // snapshot (which compacts every bucket) where a query compacts some anyway.
    const buckets = model.buckets();
    for (const store of stores)
      if (store.stats().buckets !== buckets.length) expect.fail(`op ${i}: ${store.stats().buckets} buckets, expected ${buckets.length}`);
    // And the tag ids held are those of the posts kept: what the dictionary's sweep is told to keep.
    for (const store of stores) expect(markedIn(store, TAGS)).toEqual(model.tags());
    if (op.kind === 'query') {
      // Every store is snapshotted (which compacts), not only the first: the coordinate sums of a store
      // compacted at other moments would differ in their last bit (floating-point addition is not associative).
      for (const saved of stores.map((store) => store.snapshot())) {
        expect(Array.from(saved.bucketStart, (start, b) => `${start}/${saved.bucketMinutes[b]}`)).toEqual(buckets);
      }
    }
  });
  for (const store of stores) expect(store.newestMinute).toBe(model.newest);
  return stores;
}

/** A store holding one post a minute from minute 0 to `newest`, at one place, tag 0. */
function everyMinute(newest: number): TileCounts {
  const store = new TileCounts();
  for (let minute = 0; minute <= newest; minute += 1) store.add(minute, 48.85, 2.35, [0]);
  return store;
}

describe('TileCounts', () => {
  it('answers every query as a brute-force scan of the minutes it says it read, posts late and out of order', () => {
    fc.assert(
      fc.property(ops, (ops) => void play(ops)),
      { numRuns: 120 },
    );
  });

  it('past its budget, keeps every count within its error of the truth, and the top within the error of the true top', () => {
    let summarised = 0;
    let boxesSummarised = 0;
    fc.assert(
      fc.property(ops, fc.integer({ min: 0, max: 6_000 }), (ops, budget) => {
        const model = new Model();
        const store = new TileCounts(budget);
        for (const op of ops) {
          if (op.kind === 'post') {
            const post = { minute: op.at - op.late, lat: op.place[0], lon: op.place[1], tags: op.tags };
            expect(store.add(post.minute, post.lat, post.lon, post.tags)).toBe(model.add(post));
          } else if (op.kind === 'advance') {
            model.advanceTo(op.at);
            store.advanceTo(op.at);
          } else if (Number.isFinite(model.newest)) {
            const from = model.newest - op.fromAge;
            const to = Math.min(from + op.span, model.newest + 5);
            const range = op.bbox === null ? null : tileRange(op.bbox, op.level);
            const exact = model.tops(op.level, range, from, to);
            const answer = store.tops(op.level, range, from, to, keyOf);
            expect([answer.fromMinute, answer.toMinute]).toEqual([exact.fromMinute, exact.toMinute]);
            const truth = new Map(exact.tops.map((top) => [top.cell, top]));
            for (const top of answer.tops) {
              const { posts, tagged } = model.count(op.level, top.cell, top.tag, answer.fromMinute!, answer.toMinute!);
              expect(top.posts).toBe(posts);
              if (top.count < 1 || tagged < top.count || tagged > top.count + top.error)
                expect.fail(`tile ${top.cell}: tag ${top.tag} has ${tagged} posts, said ${top.count} + ${top.error}`);
              if (truth.get(top.cell)!.count > top.count + top.error)
                expect.fail(`tile ${top.cell}: the top has ${truth.get(top.cell)!.count}, said ${top.count} + ${top.error}`);
              if (top.error > 0) summarised += 1;
            }
            // A tile is left out only when summarising took all of its tags.
            if (answer.tops.length < exact.tops.length) expect(answer.maxError).toBeGreaterThan(0);
            expect(answer.maxError).toBe(Math.max(answer.maxError, ...answer.tops.map((top) => top.error)));
            if (answer.maxError === 0) expectSameTops(answer, exact);
            // A box: posts exact, each tag's count short by at most the error said, and exact when it says 0.
            const bbox = op.bbox ?? [-180, -90, 180, 90];
            const boxFrom = Math.min(from, model.newest);
            const truthBox = model.boxCounts(bbox, boxFrom, boxFrom, model.newest);
            const box = boxAnswer(store, bbox, boxFrom, boxFrom, model.newest);
            expect([box.posts, box.fromMinute]).toEqual([truthBox.posts, truthBox.fromMinute]);
            const said = new Map(box.tags.map(([id, [recent]]) => [id, recent]));
            for (const [id, [recent]] of truthBox.tags) {
              const count = said.get(id) ?? 0;
              if (count > recent || recent > count + box.maxError) expect.fail(`box: tag ${id} has ${recent} posts, said ${count} + ${box.maxError}`);
            }
            if (box.maxError === 0) expect(box.tags).toEqual(truthBox.tags);
            if (box.maxError > 0) boxesSummarised += 1;
          }
        }
      }),
      { numRuns: 120 },
    );
    // The bounds were tested on summarised tiles and boxes, not only on exact ones.
    expect(summarised).toBeGreaterThan(100);
    expect(boxesSummarised).toBeGreaterThan(20);
  });

  it('summarises only as much as it must to fit its budget, and nothing while it fits', () => {
    // 20 posts a minute for 3 h in one city, two tags each from 40 and 7: 60 minute buckets of 27 entries a
    // tile (20 of the 40, all 7) and 12 ten-minute buckets of 47 (all of them), at each of 6 levels.
    const fill = (store: TileCounts) => {
      let peak = 0;
      for (let i = 0; i < 3 * 60 * 20; i += 1) {
        store.add(Math.floor(i / 20), 48.85, 2.35, [i % 40, 40 + (i % 7)]);
        if (i % 20 === 0) peak = Math.max(peak, store.bytes());
      }
      store.advanceTo(3 * 60 + 1);
      return { ...store.stats(), peak: Math.max(peak, store.bytes()) };
    };
    const exact = fill(new TileCounts());
    expect(exact).toMatchObject({ buckets: 60 + 12, entries: 6 * (60 * 27 + 12 * 47), summarisedTiles: 0 });
    // The budget is checked as each minute ends, when open posts (8 bytes a tag and level) are compacted.
    expect(fill(new TileCounts(exact.peak)).summarisedTiles).toBe(0);
    const tight = fill(new TileCounts(exact.bytes - 2_000));
    expect(tight.bytes).toBeLessThanOrEqual(exact.bytes - 2_000);
    expect(tight.summarisedTiles).toBeGreaterThan(0);
    expect(tight.summarisedTiles).toBeLessThan(exact.tiles / 4);
    const tiny = fill(new TileCounts(1));
    expect(tiny.entries).toBeLessThanOrEqual(tiny.tiles);
  });

  it('rounds the asked minutes outward to its buckets: minutes for the last hour, 10 minutes to 6 h, hours beyond', () => {
    const newest = 3_005;
    const store = everyMinute(newest);
    // [age asked from, age asked to] -> the minutes read.
    const cases: [number, number, number, number][] = [
      [0, 0, newest, newest],
      [30, 30, newest - 30, newest - 30],
      // The minute buckets reach back to the newest whole 10 minutes older than an hour: 60 to 69 minutes.
      [65, 65, 2_940, 2_940],
      [66, 66, 2_930, 2_939],
      [100, 30, 2_900, newest - 30],
      [365, 365, 2_640, 2_649],
      // The 10-minute buckets reach back to the newest whole hour older than 6 h.
      [366, 366, 2_580, 2_639],
      [1_439, 0, 1_560, newest],
      // Minute 1_565 is past the horizon but its hour (1_560 to 1_619) is not: its posts are kept till it is.
      [1_440, 1_440, 1_560, 1_619],
    ];
    for (const [fromAge, toAge, first, last] of cases) {
      const answer = store.tops(2, null, newest - fromAge, newest - toAge, keyOf);
      expect([answer.fromMinute, answer.toMinute], `ages ${fromAge} to ${toAge}`).toEqual([first, last]);
      expect(answer.tops.map((top) => [top.count, top.posts])).toEqual([[last - first + 1, last - first + 1]]);
    }
    // Hour 1_500 to 1_559 is wholly past the horizon: dropped.
    expect(store.tops(2, null, 0, newest - 1_446, keyOf)).toEqual({ fromMinute: null, toMinute: null, tops: [], maxError: 0 });
  });

  it('marks the tag ids its buckets hold, open or compacted, until their hour drops out of the horizon', () => {
    const store = new TileCounts();
    const marked = () => markedIn(store, 8);
    expect(marked()).toEqual([]);
    store.add(0, 10, 10, [1, 2]);
    expect(marked()).toEqual([1, 2]); // still open, in the newest minute
    store.add(61, -30, 100, [3, 2]); // minute 0 is compacted
    expect(marked()).toEqual([1, 2, 3]);
    // Minute 0's hour (0 to 59) is dropped once all of it is 24 h old, minute 61's (60 to 119) an hour later.
    store.advanceTo(HORIZON_MINUTES + 58);
    expect(marked()).toEqual([1, 2, 3]);
    store.advanceTo(HORIZON_MINUTES + 59);
    expect(marked()).toEqual([2, 3]);
    store.advanceTo(HORIZON_MINUTES + 118);
    expect(marked()).toEqual([2, 3]);
    store.advanceTo(HORIZON_MINUTES + 119);
    expect(marked()).toEqual([]);
  });

  it('past its budget, marks a tag some level still holds, and not one summarised away at every level', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, id) => id);
    // One tile, minute 0: tags 0 to 99 once each, and tag 100 in 50 posts; then minute 0 is settled (and summarised).
    const oneTile = (store: TileCounts) => {
      for (let tag = 0; tag < 100; tag += 1) store.add(0, 48.85, 2.35, [tag]);
      for (let i = 0; i < 50; i += 1) store.add(0, 48.85, 2.35, [100]);
      store.add(1, 48.85, 2.35, [101]);
    };
    const exact = markedAfter(oneTile, 102);
    expect(exact.marked).toEqual(ids(102));
    // A little short of room, only the finest level's tile is summarised: the coarser ones still hold tags 0 to 99.
    expect(markedAfter(oneTile, 102, exact.bytes - 100)).toMatchObject({ marked: ids(102), summarised: 1 });
    // Shorter (300 bytes a level: 3 an entry), every level but the coarsest is summarised: level 2 alone still holds them.
    expect(markedAfter(oneTile, 102, exact.bytes - 1_350)).toMatchObject({ marked: ids(102), summarised: 5 });
    // With no room, each tile of minute 0 keeps its top tag; the newest minute, still open, is never summarised.
    expect(markedAfter(oneTile, 102, 1).marked).toEqual([100, 101]);
    // With no room but each tag alone in its level-12 tile (0.1 degree apart), the coarser tiles lose most of
    // them and the finest keep them all: a summary keeps a tile's top tag.
    const apart = (store: TileCounts) => {
      for (let tag = 0; tag < 100; tag += 1) store.add(0, 1 + 0.1 * (tag % 10), 1 + 0.1 * Math.floor(tag / 10), [tag]);
      store.add(1, 1, 1, [100]);
    };
    const sparse = markedAfter(apart, 101, 1);
    expect(sparse.marked).toEqual(ids(101));
    expect(sparse.summarised).toBeGreaterThan(0);
    // Minute 0: tags 0 to 299 once each, spread over 8 tiles of level 4 in one tile of level 2. Only the level-2
    // tile holds more than the first summary keeps (256 tags): it alone loses them, the finer tiles hold them.
    const spread = (store: TileCounts) => {
      for (let tag = 0; tag < 300; tag += 1) store.add(0, tag % 2 === 0 ? 1 : 30, 1 + 22.5 * ((tag >> 1) % 4), [tag]);
      store.add(1, 1, 1, [300]);
    };
    const wide = markedAfter(spread, 301);
    expect(wide.marked).toEqual(ids(301));
    const short = markedAfter(spread, 301, wide.bytes - 100);
    expect(short).toMatchObject({ marked: ids(301), summarised: 1 });
    expect(short.store.tops(2, null, 0, 1, keyOf).maxError).toBeGreaterThan(0);
  });

  it('counts its bytes as its buckets keep them: narrow columns once compacted, and the same after a restore', () => {
    const store = new TileCounts();
    store.add(0, 48.85, 2.35, [70_000]);
    // Open, the minute costs 32 bytes a level-12 tile and 8 a tag entry at each of the levels.
    const open = 32 + TILE_LEVELS.length * 8;
    expect(store.bytes()).toBe(open);
    store.add(1, 48.85, 2.35, [3]);
    // Compacted, minute 0 keeps a tile a level: cell and end (4 each), posts and error (1 each), two 8-byte
    // sums; and its entry: a 32-bit tag id (70,000 is past 16 bits) and an 8-bit count.
    const minuteZero = TILE_LEVELS.length * (4 + 4 + 1 + 1 + 16 + 4 + 1);
    expect(store.bytes()).toBe(minuteZero + open);
    store.advanceTo(2);
    // Minute 1's tag id fits 16 bits: 2 bytes less an entry.
    expect(store.bytes()).toBe(minuteZero + TILE_LEVELS.length * (4 + 4 + 1 + 1 + 16 + 2 + 1));
    const restored = TileCounts.restore(structuredClone(store.snapshot()), 70_001);
    expect(restored.bytes()).toBe(store.bytes());
  });

  it('refuses posts once their hour is wholly 24 h older than the newest minute, and drops an hour then', () => {
    const store = new TileCounts();
    const world = (newest: number) => store.tops(2, null, newest - 2 * HORIZON_MINUTES, newest, keyOf).tops.map((top) => top.posts);
    expect(store.add(0, 10, 10, [1])).toBe(true);
    store.advanceTo(HORIZON_MINUTES - 1);
    expect(store.add(0, 10, 10, [1])).toBe(true);
    store.advanceTo(HORIZON_MINUTES);
    // Minute 0 is 24 h old, but its hour bucket (0-59) is still in the day: counted, whatever came first.
    expect(store.add(0, 10, 10, [1])).toBe(true);
    expect(store.add(1, 10, 10, [1])).toBe(true);
    expect(store.add(-5, 10, 10, [1])).toBe(false);
    expect(world(HORIZON_MINUTES)).toEqual([4]);
    store.advanceTo(HORIZON_MINUTES + 58);
    expect(world(HORIZON_MINUTES + 58)).toEqual([4]);
    store.advanceTo(HORIZON_MINUTES + 59);
    expect(world(HORIZON_MINUTES + 59)).toEqual([]);
    expect(store.stats()).toEqual({ buckets: 0, tiles: 0, entries: 0, openTiles: 0, summarisedTiles: 0, bytes: 0 });
    // A jump drops what steps would: whole hours. Minutes 1_985 and 1_999 are past the horizon at 3_439, but
    // their hour (1_980 to 2_039) is not: the answer says it read from 1_980, so it counts them.
    const jumped = [true, false].map((jump) => {
      const store = new TileCounts();
      for (const minute of [1_985, 1_999, 2_010]) store.add(minute, 10, 10, [1]);
      if (!jump) for (let minute = 2_011; minute < 3_439; minute += 1) store.advanceTo(minute);
      store.advanceTo(3_439);
      return store.tops(2, null, 1_980, 2_039, keyOf);
    });
    expect(jumped[0]).toEqual(jumped[1]);
    expect([jumped[0].fromMinute, jumped[0].tops[0].posts]).toEqual([1_980, 3]);
    // A jump far ahead empties a store in one step.
    const full = everyMinute(2_000);
    full.advanceTo(10 * HORIZON_MINUTES);
    expect(full.stats()).toEqual({ buckets: 0, tiles: 0, entries: 0, openTiles: 0, summarisedTiles: 0, bytes: 0 });
  });

  it('answers a box asked again and again as a store that never kept it: late posts, settled minutes, a moving split, many boxes', () => {
    const kept = new TileCounts();
    const posts: Post[] = [];
    // Europe, and boxes around the places: 24 in all, more than the store keeps reads of.
    const boxes: Bbox[] = [
      [-25, 34, 45, 72],
      ...PLACES.flatMap(([lat, lon]) => [1, 3, 9].map((r): Bbox => [lon - r, lat - r / 2, lon + r, lat + r / 2])),
    ];
    // Counts and sparklines of a box over `length` minutes to the newest, split `recent` minutes before it.
    const answer = (store: TileCounts, bbox: Bbox, newest: number, length: number, recent: number) => {
      const counted = store.boxCounts(boxCover(bbox), newest - length + 1, newest - recent + 1, newest);
      const ids = Array.from(counted.ids).sort((a, b) => a - b);
      const tags = ids.map((id) => {
        const i = counted.ids.indexOf(id);
        return [id, counted.recent[i], counted.reference[i]];
      });
      const sparks = counted.sparks(ids, newest - 119, 10, 12).map((series) => Array.from(series));
      const { posts: total, recentPosts, maxError, recentError, fromMinute, splitMinute } = counted;
      return { total, recentPosts, maxError, recentError, fromMinute, splitMinute, tags, sparks };
    };
    const random = fc.sample(
      fc.tuple(fc.oneof(fc.nat(50), fc.nat(150)), fc.constantFrom(...PLACES), fc.uniqueArray(fc.nat(TAGS - 1), { minLength: 1, maxLength: 3 })),
      { numRuns: 600, seed: 5 },
    );
    let asked = 0;
    random.forEach(([late, [lat, lon], tags], i) => {
      // Three posts a minute; every fourth late, into minutes and 10-minute buckets long settled.
      const newest = 100 + Math.floor(i / 3);
      const post = { minute: newest - (i % 4 === 0 ? late : 0), lat, lon, tags };
      posts.push(post);
      kept.add(post.minute, lat, lon, tags);
      if (i % 5 !== 0) return;
      // Each against a store counting the same posts that was never asked; windows of 1 h and 3 h 20, splits that move.
      for (const [length, recent] of [
        [200, 60 + (i % 2)],
        [200, 30],
        [60, 15],
      ]) {
        // Europe and one city asked each time (kept reads used), the others in turn (more than are kept: let go, asked anew).
        const bbox = recent === 30 ? boxes[2 + ((i / 5) % (boxes.length - 2))] : boxes[length === 60 ? 1 : 0];
        const fresh = new TileCounts();
        for (const p of posts) fresh.add(p.minute, p.lat, p.lon, p.tags);
        expect(answer(kept, bbox, newest, length, recent)).toEqual(answer(fresh, bbox, newest, length, recent));
        asked += 1;
      }
    });
    expect(asked).toBe(360);
  });

  it('keeps every count exactly as buckets roll up from minutes to 10 minutes to hours', () => {
    const store = new TileCounts();
    const random = fc.sample(fc.tuple(fc.nat(99), fc.constantFrom(...PLACES), fc.uniqueArray(fc.nat(TAGS - 1), { minLength: 1, maxLength: 3 })), {
      numRuns: 2_000,
      seed: 11,
    });
    // Quarter degrees, so that the sums of coordinates are exact whatever order the merges add them in.
    for (const [minute, [lat, lon], tags] of random) store.add(minute, Math.round(lat * 4) / 4, Math.round(lon * 4) / 4, tags);
    store.advanceTo(99);
    const all = () => TILE_LEVELS.map((level) => store.tops(level, null, 0, 99, keyOf).tops);
    const before = all();
    expect(store.stats().buckets).toBe(4 + 60); // 10-minute buckets 0 to 30, minutes 40 to 99
    for (let newest = 100; newest <= HORIZON_MINUTES - 1; newest += 7) {
      store.advanceTo(newest);
      if (all().some((tops, li) => JSON.stringify(tops) !== JSON.stringify(before[li]))) expect.fail(`counts changed at minute ${newest}`);
    }
    expect(all()).toEqual(before);
    expect(store.stats().buckets).toBe(2); // hours 0 and 60
  });

  it('gives a tie to the tag whose key sorts first, and refuses a level it does not keep', () => {
    const store = new TileCounts();
    store.add(0, 10, 10, [1, 2]);
    store.add(0, 10, 10, [2, 1, 3]);
    expect(store.tops(4, null, 0, 0, (id) => ['', 'b', 'a', 'c'][id]).tops.map((top) => top.tag)).toEqual([2]);
    expect(store.tops(4, null, 0, 0, (id) => ['', 'a', 'b', 'c'][id]).tops.map((top) => top.tag)).toEqual([1]);
    expect(() => store.tops(5, null, 0, 0, keyOf)).toThrow(/^tile level 5 is not kept; the levels are 2, 4, 6, 8, 10, 12$/);
    expect(() => store.tops(4, tileRange([0, 0, 20, 20], 6), 0, 0, keyOf)).toThrow(/^a range of level 6 read at level 4$/);
  });

  it('restores from a structured clone of its snapshot a store that answers and goes on as the saved one', () => {
    fc.assert(
      fc.property(ops, fc.nat(), (ops, cut) => {
        const [saved, restored] = play(ops, cut % ops.length);
        expect(restored.snapshot()).toEqual(saved.snapshot());
      }),
      { numRuns: 60 },
    );
    const empty = TileCounts.restore(structuredClone(new TileCounts().snapshot()), 0);
    expect(empty.newestMinute).toBe(Number.NEGATIVE_INFINITY);
    expect(empty.add(5, 1, 1, [0])).toBe(true);
  });

  it('refuses a malformed snapshot with a RangeError naming the field', () => {
    const store = new TileCounts();
    store.add(130, 48.85, 2.35, [0, 2]);
    store.add(130, 48.85, 2.35, [1]);
    store.add(130, -33.87, 151.21, [2]);
    store.add(500, 35.68, 139.69, [1]); // minute 130 is now in the 10-minute bucket 130 to 139
    const good = store.snapshot();
    const restore =
      (change: (s: TileCountsSnapshot) => void, tagCount = 3, where?: string) =>
      () => {
        const s = structuredClone(good);
        change(s);
        return TileCounts.restore(s, tagCount, where);
      };
    expect(restore(() => {})).not.toThrow();
    expect(restore(() => {}, 2)).toThrow(new RangeError('tiles.maxTagId: tag id 2 is not in the dictionary (2 tags)'));
    expect(restore((s) => (s.tags[0] = 7))).toThrow(
      /^tiles \(bucket 0, level 2\): tile \d+: tag entry 0 is out of order, not in the dictionary, 0 or more than the tile.s posts$/,
    );
    expect(restore((s) => (s.tags[0] = 2))).toThrow(/^tiles \(bucket 0, level 2\): tile \d+: tag entry 1 is out of order/);
    expect(restore((s) => (s.counts[0] = 0))).toThrow(
      /^tiles \(bucket 0, level 2\): tile \d+: tag entry 0 is out of order, not in the dictionary, 0 or more than the tile.s posts$/,
    );
    expect(restore((s) => (s.counts[0] = 99))).toThrow(/^tiles \(bucket 0, level 2\): tile \d+: tag entry 0 .* more than the tile.s posts$/);
    expect(restore((s) => (s.sumLat[0] = Number.NaN))).toThrow(
      /^tiles \(bucket 0, level 2\): tile \d+: its posts' centre NaN, [\d.]+ is off the globe$/,
    );
    expect(restore((s) => (s.sumLon[0] = 1e9))).toThrow(
      /^tiles \(bucket 0, level 2\): tile \d+: its posts' centre [\d.]+, 500000000 is off the globe$/,
    );
    // Bucket 0 level 2 holds Paris's and Sydney's tiles: swapped, they are out of order.
    expect(Array.from(good.blockCells.subarray(0, 2))).toEqual([2, 2]);
    expect(restore((s) => s.cells.set([s.cells[1], s.cells[0]], 0))).toThrow(/^tiles \(bucket 0, level 2\): tile 1 \(\d+\) is out of order or range/);
    expect(restore((s) => (s.cells[1] = 16))).toThrow(/^tiles \(bucket 0, level 2\): tile 1 \(16\) is out of order or range/);
    expect(restore((s) => (s.layout.minuteTier = 30))).toThrow(/^tiles\.layout: saved with .*"minuteTier":30.*, this build uses .*"minuteTier":60/);
    expect(restore((s) => (s.layout.levels = [2, 4, 6]))).toThrow(/^tiles\.layout: saved with/);
    expect(Array.from(good.bucketStart)).toEqual([130, 500]);
    expect(restore((s) => (s.bucketStart[0] = 135))).toThrow(
      new RangeError("tiles.bucketStart[0]: a bucket of 10 minutes at minute 135 is off its tier's grid, repeated or outside the horizon"),
    );
    expect(restore((s) => (s.bucketMinutes[0] = 5))).toThrow(/^tiles\.bucketStart\[0\]: a bucket of 5 minutes/);
    // A minute bucket inside the 10-minute one: its posts would count twice.
    expect(restore((s) => (s.bucketStart[1] = 135))).toThrow(
      new RangeError('tiles.bucketStart: the bucket at minute 130 overlaps the one at minute 135'),
    );
    expect(restore((s) => (s.bucketStart[1] = 510))).toThrow(/^tiles\.bucketStart\[1\]: .* outside the horizon$/);
    expect(restore((s) => (s.newestMinute = 130 + HORIZON_MINUTES + 9))).toThrow(/^tiles\.bucketStart\[0\]: .* outside the horizon$/);
    expect(restore((s) => (s.bucketStart[0] = 130.5))).toThrow(/^tiles\.bucketStart\[0\]: expected an integer, got 130\.5$/);
    expect(restore((s) => (s.cells = Array.from(s.cells) as unknown as Uint32Array))).toThrow(/^tiles\.cells: expected a Uint32Array, got Array$/);
    expect(restore((s) => (s.counts = s.counts.subarray(1)))).toThrow(/^tiles\.counts: expected \d+ entries, got \d+$/);
    expect(restore((s) => (s.blockCells[0] = 3))).toThrow(/^tiles\.blockCells: add up to \d+ entries, but the array they cut up holds \d+$/);
    // One tag entry moved from the first tile of bucket 0's level 4 to the last of its level 2: the totals still add up.
    expect(restore((s) => s.cellEntries.set([s.cellEntries[1] + 1, s.cellEntries[2] - 1], 1))).toThrow(
      /^tiles\.blockEntries\[0\]: says \d+ entries, its tiles hold \d+$/,
    );
    expect(restore((s) => (s.layout = null as unknown as TileCountsSnapshot['layout']), 3, 'state.tiles')).toThrow(
      /^state\.tiles\.layout: expected an object, got null$/,
    );
  });
});

/** The tag ids `store` marks (`markTagIds`) in an array of `bound` ids, ascending. */
function markedIn(store: TileCounts, bound: number): number[] {
  const live = new Uint8Array(bound);
  store.markTagIds(live);
  return [...live.keys()].filter((id) => live[id] === 1);
}

/** A store of `budgetBytes` (by default the default) after `fill`: the ids it marks of `bound`, its tiles summarised and bytes. */
function markedAfter(fill: (store: TileCounts) => void, bound: number, budgetBytes?: number) {
  const store = new TileCounts(budgetBytes);
  fill(store);
  return { store, marked: markedIn(store, bound), summarised: store.summarisedTiles(), bytes: store.bytes() };
}
