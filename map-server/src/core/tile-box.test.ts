import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { forEachTileIn, sparkBox, spread, tallyBox, type BoxRead } from './tile-box';
import type { Block } from './tile-blocks';
import { boxCover, partHolds, type CoverPart } from './tiles';
import { boxOf, unwrappedBox } from '../../../test/bbox-arbitraries';

/** `spread` into `slots` empty slots, as a plain array. */
function spreadInto(slots: number, count: number, start: number, minutes: number, fromMinute: number, slotMinutes: number): number[] {
  const series = new Int32Array(slots);
  spread(count, start, minutes, fromMinute, slotMinutes, series);
  return Array.from(series);
}

/**
 * Buckets spread by hand: `count` posts of minutes `start` to `start + minutes - 1` over 3 slots of 30
 * minutes from minute `fromMinute` (95 unless said): [95, 125), [125, 155), [155, 185).
 */
const SPREAD_CASES: { why: string; count: number; start: number; minutes: number; fromMinute?: number; expected: number[] }[] = [
  {
    why: 'minutes 100..159: 25 in slot 0, 30 in slot 1, 5 in slot 2; cumulative rounding: round(10 x 25/60) = 4, round(10 x 55/60) = 9, then 10 (not 4.17, 5 and 0.83 rounded one by one)',
    count: 10,
    start: 100,
    minutes: 60,
    expected: [4, 5, 1],
  },
  {
    why: 'minutes 140..199: 15 in slot 1; 15 in slot 2 and the 30 past it go to the last slot: round(4 x 15/60) = 1, then 4',
    count: 4,
    start: 140,
    minutes: 60,
    expected: [0, 1, 3],
  },
  {
    why: 'minutes 80..139 from minute 90: slot 0 takes the 10 before it and its own 30, slot 1 the 20 of 120..139: round(6 x 40/60) = 4, then 6',
    count: 6,
    start: 80,
    minutes: 60,
    fromMinute: 90,
    expected: [4, 2, 0],
  },
  { why: 'a bucket wholly before the first slot goes to it', count: 7, start: 0, minutes: 60, expected: [7, 0, 0] },
  { why: 'a bucket wholly past the last slot goes to it', count: 5, start: 200, minutes: 60, expected: [0, 0, 5] },
  { why: 'minutes 170..229: 15 in the last slot and 45 past it, all to the last', count: 5, start: 170, minutes: 60, expected: [0, 0, 5] },
  { why: 'a bucket inside one slot goes whole to it', count: 9, start: 130, minutes: 10, expected: [0, 9, 0] },
  { why: 'a bucket of exactly one slot goes whole to it', count: 9, start: 125, minutes: 30, expected: [0, 9, 0] },
  { why: 'a minute bucket at the end of slot 0', count: 3, start: 124, minutes: 1, expected: [3, 0, 0] },
  { why: 'a minute bucket at the start of slot 1', count: 3, start: 125, minutes: 1, expected: [0, 3, 0] },
  { why: 'a minute bucket at the end of slot 1', count: 3, start: 154, minutes: 1, expected: [0, 3, 0] },
  { why: 'a minute bucket at the start of the last slot', count: 3, start: 155, minutes: 1, expected: [0, 0, 3] },
];

describe('spread', () => {
  it.each(SPREAD_CASES)('spreads by the minutes shared: $why', ({ count, start, minutes, fromMinute = 95, expected }) => {
    expect(spreadInto(3, count, start, minutes, fromMinute, 30)).toEqual(expected);
  });

  it('adds to what the slots hold, and leaves them as they are for no posts', () => {
    const series = Int32Array.from([1, 2, 3]);
    spread(10, 100, 60, 95, 30, series);
    spread(0, 100, 60, 95, 30, series);
    expect(Array.from(series)).toEqual([5, 7, 4]);
  });

  it('gives each slot within 1 of its share of the minutes, none negative, adding up to the count', () => {
    const args = fc.record({
      count: fc.oneof(fc.nat(20), fc.nat(1_000_000)),
      start: fc.integer({ min: 0, max: 2_000 }),
      minutes: fc.oneof(fc.constantFrom(1, 5, 60, 1440), fc.integer({ min: 1, max: 1_500 })),
      fromMinute: fc.integer({ min: 0, max: 2_000 }),
      slotMinutes: fc.oneof(fc.constantFrom(1, 5, 30), fc.integer({ min: 1, max: 300 })),
      slots: fc.integer({ min: 1, max: 24 }),
    });
    fc.assert(
      fc.property(args, ({ count, start, minutes, fromMinute, slotMinutes, slots }) => {
        const series = spreadInto(slots, count, start, minutes, fromMinute, slotMinutes);
        expect(series.reduce((a, b) => a + b, 0)).toBe(count);
        // The bucket's minutes in slot s, the first slot reaching back and the last forward without end.
        const shared = (s: number) => {
          const from = s === 0 ? -Infinity : fromMinute + s * slotMinutes;
          const to = s === slots - 1 ? Infinity : fromMinute + (s + 1) * slotMinutes;
          return Math.max(0, Math.min(to, start + minutes) - Math.max(from, start));
        };
        series.forEach((posts, s) => {
          expect(posts).toBeGreaterThanOrEqual(0);
          expect(Math.abs(posts - (count * shared(s)) / minutes)).toBeLessThanOrEqual(1 + 1e-9);
        });
      }),
      { numRuns: 2_000 },
    );
  });
});

/** A tile of a hand-made block: its posts, the most its counts may fall short, and its tags' counts. */
interface TileOf {
  cell: number;
  posts?: number;
  error?: number;
  tags?: readonly (readonly [tag: number, count: number])[];
}

/** A block of `tiles` (cells ascending, tags ascending in each); a tile without tags gets tag 0 once. */
function blockOf(tiles: readonly TileOf[]): Block {
  const entries = tiles.map((tile) => tile.tags ?? [[0, 1]]);
  let end = 0;
  return {
    cells: Uint32Array.from(tiles, (tile) => tile.cell),
    ends: Uint32Array.from(entries, (tags) => (end += tags.length)),
    posts: Uint32Array.from(tiles, (tile) => tile.posts ?? 1),
    sumLat: new Float64Array(tiles.length),
    sumLon: new Float64Array(tiles.length),
    errors: Uint32Array.from(tiles, (tile) => tile.error ?? 0),
    tags: Uint32Array.from(entries.flat(), ([tag]) => tag),
    counts: Uint32Array.from(entries.flat(), ([, count]) => count),
  };
}

/** A part at `level` drawn directly: any rectangle, with or without a hole inside it (possibly touching its edges). */
const drawnPart = fc
  .tuple(fc.constantFrom(1, 2, 3, 4), fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), fc.boolean())
  .map(([level, r, withHole]): CoverPart => {
    const side = 2 ** level;
    const [x0, x1] = [r[0] % side, r[1] % side].sort((a, b) => a - b);
    const [y0, y1] = [r[2] % side, r[3] % side].sort((a, b) => a - b);
    const within = (lo: number, hi: number, a: number, b: number) => [lo + (a % (hi - lo + 1)), lo + (b % (hi - lo + 1))].sort((p, q) => p - q);
    const [hx0, hx1] = within(x0, x1, r[4], r[5]);
    const [hy0, hy1] = within(y0, y1, r[6], r[7]);
    return { level, x0, x1, y0, y1, hole: withHole ? { x0: hx0, x1: hx1, y0: hy0, y1: hy1 } : null };
  });

/** A part of a real cover: one of a box's parts, the first of a span without a hole and the others with one. */
const coverPart = fc
  .tuple(
    fc.oneof(
      boxOf(fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: -85, max: 85, noNaN: true })),
      unwrappedBox(fc.double({ min: -85, max: 85, noNaN: true })),
    ),
    fc.nat(),
  )
  .map(([bbox, k]) => {
    const cover = boxCover(bbox);
    return cover[k % cover.length];
  });

/**
 * Tiles of a block around `part`: in and next to its rectangle and its hole, where the search skips and
 * stops, and anywhere at its level. Ascending, each once.
 */
function cellsAround(part: CoverPart, draws: readonly (readonly [number, number, number])[]): number[] {
  const side = 2 ** part.level;
  const clamp = (v: number) => Math.min(side - 1, Math.max(0, v));
  const near = (lo: number, hi: number, d: number) => clamp(lo - 2 + (d % (hi - lo + 5)));
  const cells = draws.map(([how, a, b]) => {
    const rect = how % 3 === 2 && part.hole !== null ? part.hole : part;
    if (how % 3 === 0) return (a % side) * side + (b % side);
    return near(rect.y0, rect.y1, a) * side + near(rect.x0, rect.x1, b);
  });
  return [...new Set(cells)].sort((a, b) => a - b);
}

describe('forEachTileIn', () => {
  it('visits, ascending and once each, exactly the positions of the block’s tiles that the part holds', () => {
    const draw = fc.tuple(fc.nat(), fc.nat(), fc.nat());
    fc.assert(
      fc.property(fc.oneof(drawnPart, coverPart), fc.array(draw, { maxLength: 200 }), (part, draws) => {
        const cells = cellsAround(part, draws);
        const block = blockOf(cells.map((cell) => ({ cell })));
        const side = 2 ** part.level;
        const expected = cells.flatMap((cell, r) => (partHolds(part, cell % side, Math.floor(cell / side)) ? [r] : []));
        const visited: number[] = [];
        forEachTileIn(block, part, (r) => visited.push(r));
        expect(visited).toEqual(expected);
      }),
      { numRuns: 1_500 },
    );
  });

  it('visits nothing of an empty block, and every tile of a block the part holds whole', () => {
    const part: CoverPart = { level: 2, x0: 0, x1: 3, y0: 0, y1: 3, hole: { x0: 1, x1: 2, y0: 1, y1: 2 } };
    const none: number[] = [];
    forEachTileIn(blockOf([]), part, (r) => none.push(r));
    expect(none).toEqual([]);
    // The frame of the 4 x 4 tiles: 12 tiles, the hole's 4 (5, 6, 9, 10) left out.
    const all: number[] = [];
    forEachTileIn(blockOf(Array.from({ length: 16 }, (_, cell) => ({ cell }))), part, (r) => all.push(r));
    expect(all).toEqual([0, 1, 2, 3, 4, 7, 8, 11, 12, 13, 14, 15]);
  });
});

/**
 * Three buckets of a box (the tile positions read: pairs of block index and position; tile 12 of the first
 * block is outside the box and not read):
 * - minutes 0..59: tile 5 (tags 1: 2, 4: 1; 3 posts), tile 9 (tag 1: 1; 2 posts, short by up to 1);
 * - minutes 60..119: a compacted block, tile 5 (tags 1: 3, 2: 2; 5 posts, short by up to 2) and tile 9
 *   (tag 4: 1; 1 post), and an open one, tile 9 (tags 2: 1, 7: 1; 2 posts);
 * - minute 120: tile 5 (tag 1: 2; 2 posts, short by up to 3).
 */
function threeBuckets(): BoxRead {
  const first = blockOf([
    {
      cell: 5,
      posts: 3,
      tags: [
        [1, 2],
        [4, 1],
      ],
    },
    { cell: 9, posts: 2, error: 1, tags: [[1, 1]] },
    { cell: 12, posts: 4, error: 5, tags: [[2, 4]] },
  ]);
  const compacted = blockOf([
    {
      cell: 5,
      posts: 5,
      error: 2,
      tags: [
        [1, 3],
        [2, 2],
      ],
    },
    { cell: 9, posts: 1, tags: [[4, 1]] },
  ]);
  const open = blockOf([
    {
      cell: 9,
      posts: 2,
      tags: [
        [2, 1],
        [7, 1],
      ],
    },
  ]);
  const last = blockOf([{ cell: 5, posts: 2, error: 3, tags: [[1, 2]] }]);
  return {
    fromMinute: 0,
    buckets: [
      { start: 0, minutes: 60, blocks: [first], tiles: [0, 0, 0, 1] },
      { start: 60, minutes: 60, blocks: [compacted, open], tiles: [0, 0, 0, 1, 1, 0] },
      { start: 120, minutes: 1, blocks: [last], tiles: [0, 0] },
    ],
  };
}

/** A tally's tags: per id, [recent, reference]; each id once. */
function tagsOf(tally: ReturnType<typeof tallyBox>): Record<number, [number, number]> {
  expect(new Set(tally.ids).size).toBe(tally.ids.length);
  return Object.fromEntries(Array.from(tally.ids, (id, j) => [id, [tally.recent[j], tally.reference[j]]]));
}

/**
 * The tallies of `threeBuckets` split at a bucket's start: per tag [id, recent, reference], and posts,
 * recentPosts, maxError, recentError. Minutes 0..59 hold tag 1: 2 + 1, tag 4: 1, 3 + 2 posts, error 1;
 * minutes 60..119 tag 1: 3, tag 2: 2 + 1, tag 4: 1, tag 7: 1, 5 + 1 + 2 posts, error 2; minute 120 tag 1:
 * 2, 2 posts, error 3. Tile 12 of the first bucket is not read (its tag 2: 4 and error 5 never show).
 */
const SPLIT_CASES: { split: number; tags: Record<number, [recent: number, reference: number]>; figures: number[] }[] = [
  { split: 60, tags: { 1: [5, 3], 2: [3, 0], 4: [1, 1], 7: [1, 0] }, figures: [15, 10, 6, 5] },
  { split: 120, tags: { 1: [2, 6], 2: [0, 3], 4: [0, 2], 7: [0, 1] }, figures: [15, 2, 6, 3] },
  // Before every bucket: all recent; past every bucket: all reference.
  { split: 0, tags: { 1: [8, 0], 2: [3, 0], 4: [2, 0], 7: [1, 0] }, figures: [15, 15, 6, 6] },
  { split: 121, tags: { 1: [0, 8], 2: [0, 3], 4: [0, 2], 7: [0, 1] }, figures: [15, 0, 6, 0] },
];

describe('tallyBox', () => {
  it.each(SPLIT_CASES)('adds up each side of a split at minute $split, leaving the scratch all zero', ({ split, tags, figures }) => {
    const scratch = new Int32Array(2 * 8);
    const tally = tallyBox(threeBuckets(), split, scratch);
    expect(tagsOf(tally)).toEqual(tags);
    expect([tally.posts, tally.recentPosts, tally.maxError, tally.recentError]).toEqual(figures);
    expect(Array.from(scratch).every((v) => v === 0)).toBe(true);
  });

  it('leaves the scratch all zero when a read fails part way', () => {
    const read = threeBuckets();
    // A tile of a block that is not there, after some tags are counted.
    read.buckets[1].tiles = [...Array.from(read.buckets[1].tiles), 7, 0];
    const scratch = new Int32Array(2 * 8);
    expect(() => tallyBox(read, 60, scratch)).toThrow();
    expect(Array.from(scratch).every((v) => v === 0)).toBe(true);
  });

  it('counts nothing for a read without buckets', () => {
    const tally = tallyBox({ fromMinute: null, buckets: [] }, 0, new Int32Array(4));
    expect([tally.posts, tally.recentPosts, tally.maxError, tally.recentError, tally.ids.length]).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('sparkBox', () => {
  it('puts each asked tag’s posts per bucket in the slots as spread says, leaving seriesOf all zero', () => {
    const seriesOf = new Int32Array(16);
    // Slots of 30 minutes from minute 30: [30, 60), [60, 90), [90, 120), [120, 150).
    const [one, two, nine] = sparkBox(threeBuckets(), [1, 2, 9], 30, 30, 4, seriesOf);
    // Tag 1: minutes 0..59 hold 3, all in slot 0 (the 30 before it go to it too); minutes 60..119 hold 3,
    // round(3 x 30/60) = 2 in slot 1 and 1 in slot 2; minute 120 holds 2, in slot 3.
    expect(Array.from(one)).toEqual([3, 2, 1, 2]);
    // Tag 2: 2 + 1 in minutes 60..119 (the compacted block and the open one), as tag 1's 3 were.
    expect(Array.from(two)).toEqual([0, 2, 1, 0]);
    expect(Array.from(nine)).toEqual([0, 0, 0, 0]);
    expect(Array.from(seriesOf).every((v) => v === 0)).toBe(true);
  });

  it('leaves out a bucket that ends before the first slot, and gives nothing for no ids', () => {
    const seriesOf = new Int32Array(16);
    // From minute 60: the bucket of minutes 0..59 is not read; 60..119 is one slot of 60, 120 the next.
    const [one] = sparkBox(threeBuckets(), [1], 60, 60, 2, seriesOf);
    expect(Array.from(one)).toEqual([3, 2]);
    expect(sparkBox(threeBuckets(), [], 0, 30, 4, seriesOf)).toEqual([]);
    expect(Array.from(seriesOf).every((v) => v === 0)).toBe(true);
  });

  it('finds the asked tags in a tile of many tags by search, as in a tile of few', () => {
    // Tags 0, 2, .. 198 in one tile, tag 2t counting t + 1: 100 tags, more than 16 per id asked (5), so
    // the search path. 17 falls between two tags, 250 past them all.
    const tags = Array.from({ length: 100 }, (_, t) => [2 * t, t + 1] as const);
    const asked = [0, 17, 34, 198, 250];
    const expected = [1, 0, 18, 100, 0];
    const seriesOf = new Int32Array(256);
    const many: BoxRead = { fromMinute: 0, buckets: [{ start: 0, minutes: 1, blocks: [blockOf([{ cell: 3, tags }])], tiles: [0, 0] }] };
    expect(sparkBox(many, asked, 0, 1, 1, seriesOf).map((s) => s[0])).toEqual(expected);
    // The same tags in tiles of a few each: the scan path.
    const few = blockOf(Array.from({ length: 25 }, (_, i) => ({ cell: i, tags: tags.slice(4 * i, 4 * i + 4) })));
    const fewRead: BoxRead = {
      fromMinute: 0,
      buckets: [{ start: 0, minutes: 1, blocks: [few], tiles: Array.from({ length: 25 }, (_, i) => [0, i]).flat() }],
    };
    expect(sparkBox(fewRead, asked, 0, 1, 1, seriesOf).map((s) => s[0])).toEqual(expected);
    expect(Array.from(seriesOf).every((v) => v === 0)).toBe(true);
  });
});
