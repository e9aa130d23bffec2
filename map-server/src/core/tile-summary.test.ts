import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OpenCells, mergeAll, mergeBlocks, type Block } from './tile-blocks';
import { largest, summarise } from './tile-summary';

/** Two levels, so that level-10 tiles gather several level-12 ones. */
const LEVELS = [10, 12];

interface Post {
  x: number;
  y: number;
  tags: number[];
  /** Which of the leaf blocks counts it. */
  part: number;
}

/** Truth per tile: its posts, its tag occurrences, and posts per tag. */
interface TrueTile {
  posts: number;
  occurrences: number;
  tags: Map<number, number>;
}

/** A plan of merges: pick two blocks of the pool, merge them, maybe summarise with `k`; the rest by `mergeAll`. */
interface Plan {
  leafK: (number | null)[];
  steps: { a: number; b: number; k: number | null }[];
  finalK: number | null;
}

/** A few heavy tags (0..3) among many light ones, so summaries both keep and drop tags. */
const tag = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 3 }), weight: 2 }, { arbitrary: fc.integer({ min: 0, max: 60 }), weight: 3 });
const PARTS = 6;
const place = {
  x: fc.integer({ min: 0, max: 7 }),
  y: fc.integer({ min: 0, max: 7 }),
  part: fc.integer({ min: 0, max: PARTS - 1 }),
};
const post = fc.record({ ...place, tags: fc.uniqueArray(tag, { minLength: 1, maxLength: 6 }) });
/** Posts whose tiles mostly have one clear top tag (0), for the test that the summary still names it. */
const skewedPost = fc.record({
  ...place,
  tags: fc.oneof(
    { arbitrary: fc.constant(0).map((t) => [t]), weight: 3 },
    { arbitrary: fc.integer({ min: 1, max: 60 }).map((t) => [0, t]), weight: 3 },
    { arbitrary: fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 3 }), weight: 4 },
  ),
});
const k = fc.integer({ min: 1, max: 6 });
const plan = fc.record({
  leafK: fc.array(fc.option(k), { minLength: PARTS, maxLength: PARTS }),
  steps: fc.array(fc.record({ a: fc.nat(), b: fc.nat(), k: fc.option(k) }), { maxLength: PARTS }),
  finalK: fc.option(k),
});

function tileOf(p: Post, level: number): number {
  const shift = 12 - level;
  return (p.y >>> shift) * 2 ** level + (p.x >>> shift);
}

function truth(posts: readonly Post[], level: number): Map<number, TrueTile> {
  const tiles = new Map<number, TrueTile>();
  for (const p of posts) {
    const cell = tileOf(p, level);
    let tile = tiles.get(cell);
    if (tile === undefined) tiles.set(cell, (tile = { posts: 0, occurrences: 0, tags: new Map() }));
    tile.posts += 1;
    tile.occurrences += p.tags.length;
    for (const t of p.tags) tile.tags.set(t, (tile.tags.get(t) ?? 0) + 1);
  }
  return tiles;
}

/** One block per part, per level (through `OpenCells`, as the store builds them). */
function leaves(posts: readonly Post[]): Block[][] {
  return Array.from({ length: PARTS }, (_, part) => {
    const open = new OpenCells(LEVELS);
    for (const p of posts) if (p.part === part) open.add(p.x, p.y, p.y, p.x, p.tags);
    return open.toBlocks();
  });
}

/**
 * Runs `plan` on the leaf blocks of one level; `oneK` (when given) replaces every k of the plan. Returns the
 * block and the smallest k it was summarised with (null: never).
 */
function run(blocks: Block[], { leafK, steps, finalK }: Plan, oneK: number | null): { block: Block; smallestK: number | null } {
  let smallestK: number | null = null;
  const maybe = (block: Block, given: number | null) => {
    if (given === null) return block;
    const k = oneK ?? given;
    smallestK = Math.min(k, smallestK ?? k);
    return summarise(block, k);
  };
  const pool = blocks.map((block, i) => maybe(block, leafK[i]));
  for (const step of steps) {
    if (pool.length < 2) break;
    const i = step.a % pool.length;
    const [a] = pool.splice(i, 1);
    const [b] = pool.splice(step.b % pool.length, 1);
    pool.push(maybe(mergeBlocks(a, b), step.k));
  }
  const block = maybe(mergeAll(pool), finalK);
  return { block, smallestK };
}

function entriesOf(block: Block, i: number): { tags: number[]; counts: number[] } {
  const start = i === 0 ? 0 : block.ends[i - 1];
  return { tags: Array.from(block.tags.subarray(start, block.ends[i])), counts: Array.from(block.counts.subarray(start, block.ends[i])) };
}

/**
 * The block's promise, checked against the truth: counts short by at most the tile's error, never over; the
 * error within the tile's tag occurrences / (k+1) for the smallest k summarised with, 0 when none was.
 */
function expectBounded(block: Block, tiles: Map<number, TrueTile>, smallestK: number | null): void {
  expect(Array.from(block.cells)).toEqual([...tiles.keys()].sort((p, q) => p - q));
  block.cells.forEach((cell, i) => {
    const tile = tiles.get(cell)!;
    const { tags, counts } = entriesOf(block, i);
    const error = block.errors[i];
    expect(block.posts[i]).toBe(tile.posts);
    for (let e = 1; e < tags.length; e += 1) expect(tags[e]).toBeGreaterThan(tags[e - 1]);
    for (const count of counts) expect(count).toBeGreaterThanOrEqual(1);
    const held = new Map(tags.map((t, e) => [t, counts[e]]));
    for (const t of new Set([...tile.tags.keys(), ...held.keys()])) {
      const count = held.get(t) ?? 0;
      const exact = tile.tags.get(t) ?? 0;
      expect(count).toBeLessThanOrEqual(exact);
      expect(exact).toBeLessThanOrEqual(count + error);
    }
    // Mergeable summaries: every unit of error took at least k+1 off the counts kept, so error <= occurrences / (k+1).
    const kept = counts.reduce((sum, c) => sum + c, 0);
    const k = smallestK ?? Number.POSITIVE_INFINITY;
    expect(error * (k + 1)).toBeLessThanOrEqual(tile.occurrences - kept);
    expect(error).toBeLessThanOrEqual(Math.floor(tile.occurrences / (k + 1)));
  });
}

/** What `summarise` should do to one tile, by sorting: the cut, and the entries left. */
function summarisedByHand(tags: number[], counts: number[], k: number) {
  if (tags.length <= k) return { cut: 0, tags, counts };
  const cut = [...counts].sort((p, q) => q - p)[k];
  const left = tags.map((t, e) => [t, counts[e] - cut]).filter(([, c]) => c > 0);
  return { cut, tags: left.map(([t]) => t), counts: left.map(([, c]) => c) };
}

describe('tile summaries', () => {
  it('merge exactly, in any order: every count is the posts, every error 0', () => {
    fc.assert(
      fc.property(fc.array(post, { maxLength: 80 }), plan, (posts, p) => {
        const exactPlan: Plan = { leafK: p.leafK.map(() => null), steps: p.steps.map((s) => ({ ...s, k: null })), finalK: null };
        LEVELS.forEach((level, li) => {
          const { block } = run(
            leaves(posts).map((levels) => levels[li]),
            exactPlan,
            null,
          );
          const tiles = truth(posts, level);
          expect(Array.from(block.errors)).toEqual(Array.from(block.cells, () => 0));
          block.cells.forEach((cell, i) => {
            const { tags, counts } = entriesOf(block, i);
            expect(new Map(tags.map((t, e) => [t, counts[e]]))).toEqual(tiles.get(cell)!.tags);
          });
        });
      }),
      { numRuns: 200 },
    );
  });

  it('summarise one tile as Misra-Gries: the (k+1)-th largest count off every count, and onto the error', () => {
    const open = new OpenCells([12]);
    const posts: number[][] = [[1, 2, 3, 4], [1, 2, 3], [1, 2, 3], [1], [1], [5]];
    for (const tags of posts) open.add(0, 0, 0, 0, tags);
    const [block] = open.toBlocks();
    const two = summarise(block, 2);
    expect(entriesOf(two, 0)).toEqual({ tags: [1], counts: [2] });
    expect(Array.from(two.errors)).toEqual([3]);
    expect(two.posts).toEqual(block.posts);
    // Ties at the cut leave the tile with its posts and no tags: every count is within the error.
    const four = summarise(block, 4);
    expect(entriesOf(four, 0)).toEqual({ tags: [1, 2, 3], counts: [4, 2, 2] });
    expect(Array.from(four.errors)).toEqual([1]);
    const one = summarise(summarise(block, 2), 1);
    expect(entriesOf(one, 0)).toEqual({ tags: [1], counts: [2] });
    const even = new OpenCells([12]);
    even.add(0, 0, 0, 0, [7, 8, 9]);
    const none = summarise(even.toBlocks()[0], 2);
    expect(entriesOf(none, 0)).toEqual({ tags: [], counts: [] });
    expect(Array.from(none.errors)).toEqual([1]);
    expect(Array.from(none.posts)).toEqual([1]);
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => summarise(block, bad)).toThrow(/^a summary keeps at least 1 tag a tile, not /);
  });

  it('summarise every tile as a sort would, and a block no tile of which holds more than k entries as itself', () => {
    fc.assert(
      fc.property(fc.array(post, { maxLength: 120 }), k, (posts, k) => {
        const block = mergeAll(leaves(posts).map((levels) => levels[0]));
        const out = summarise(block, k);
        expect(out.cells).toEqual(block.cells);
        let widest = 0;
        block.cells.forEach((_, i) => {
          const before = entriesOf(block, i);
          widest = Math.max(widest, before.tags.length);
          const expected = summarisedByHand(before.tags, before.counts, k);
          expect(entriesOf(out, i)).toEqual({ tags: expected.tags, counts: expected.counts });
          expect(out.errors[i]).toBe(block.errors[i] + expected.cut);
          expect(out.ends[i] - (i === 0 ? 0 : out.ends[i - 1])).toBeLessThanOrEqual(k);
        });
        if (widest <= k) expect(out).toBe(block);
        expect(summarise(block, Math.max(1, widest))).toBe(block);
      }),
      { numRuns: 300 },
    );
  });

  it('keep every count within its tile error of the truth through any summaries and merges, the error within occurrences/(k+1)', () => {
    fc.assert(
      fc.property(fc.array(post, { maxLength: 150 }), plan, fc.option(k), (posts, p, oneK) => {
        const blocks = leaves(posts);
        LEVELS.forEach((level, li) => {
          const { block, smallestK } = run(
            blocks.map((levels) => levels[li]),
            p,
            oneK,
          );
          expectBounded(block, truth(posts, level), smallestK);
        });
      }),
      { numRuns: 400 },
    );
  });

  it('name the true top tag of a tile whenever its count beats the second count by more than the error', () => {
    let decided = 0;
    fc.assert(
      fc.property(fc.array(skewedPost, { minLength: 30, maxLength: 150 }), plan, fc.option(k), (posts, p, oneK) => {
        const blocks = leaves(posts);
        LEVELS.forEach((level, li) => {
          const { block } = run(
            blocks.map((levels) => levels[li]),
            p,
            oneK,
          );
          const tiles = truth(posts, level);
          block.cells.forEach((cell, i) => {
            const { tags, counts } = entriesOf(block, i);
            const order = counts.map((_, e) => e).sort((a, b) => counts[b] - counts[a]);
            const second = order.length > 1 ? counts[order[1]] : 0;
            if (order.length === 0 || counts[order[0]] <= second + block.errors[i]) return;
            if (block.errors[i] > 0) decided += 1;
            const exact = tiles.get(cell)!.tags;
            const top = tags[order[0]];
            for (const [t, n] of exact) if (t !== top) expect(n).toBeLessThan(exact.get(top)!);
          });
        });
      }),
      { numRuns: 300 },
    );
    // The check was made on summarised tiles, not only on exact ones.
    expect(decided).toBeGreaterThan(0);
  });

  it('select the (rank+1)-th largest as a sort would, also when it gives up partitioning and sorts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.nat()), { minLength: 1, maxLength: 300 }),
        fc.nat(),
        fc.integer({ min: 0, max: 4 }),
        (values, r, rounds) => {
          const rank = r % values.length;
          const expected = [...values].sort((p, q) => q - p)[rank];
          expect(largest(Uint32Array.from(values), values.length, rank, rounds)).toBe(expected);
          expect(largest(Uint32Array.from(values), values.length, rank)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
