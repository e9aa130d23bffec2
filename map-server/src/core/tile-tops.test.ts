import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RISING } from '../../../common/browser/api-constants';
import { isRising, risingPlan, risingScore, type RisingPlan } from './rising';
import { OpenCells, mergeAll, type Block } from './tile-blocks';
import { rankBlock, tileRisers, tileTops } from './tile-tops';
import { summarise } from './tile-summary';
import { rangeHolds, tileRange } from './tiles';

/** Tag `id`'s count in tile `cell` of `b`, by a plain scan. */
function countOf(b: Block, cell: number, id: number): number {
  const r = b.cells.indexOf(cell);
  if (r < 0) return 0;
  let count = 0;
  for (let e = r === 0 ? 0 : b.ends[r - 1]; e < b.ends[r]; e += 1) if (b.tags[e] === id) count += b.counts[e];
  return count;
}

/** Tag ids to keys that do not sort as the ids do, so that ties are decided by the key, not by the id. */
const keyOf = (id: number) => String.fromCharCode(122 - (id % 26)) + String(id);

/** Posts on a few level-4 tiles (as their level-12 tiles' corners) with a few tags each, as one block. */
const block = fc
  .array(
    fc.record({
      x: fc.integer({ min: 0, max: 3 }),
      y: fc.integer({ min: 0, max: 2 }),
      tags: fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 3 }),
    }),
    {
      maxLength: 40,
    },
  )
  .map((posts): Block => {
    const open = new OpenCells([4]);
    for (const p of posts) open.add(p.x * 256, p.y * 256, p.y, p.x, p.tags);
    return open.toBlocks()[0];
  });

describe('tile tops', () => {
  it('gives the same tops with one block ranked beforehand as with every block scanned', () => {
    fc.assert(
      fc.property(
        block,
        fc.array(block, { maxLength: 4 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 5, maxLength: 5 }),
        (exactFirst, exactRest, boxed, keeps) => {
          // Some blocks summarised (keep 0: left exact), down to one tag a tile: tiles with no tag left, errors above 0.
          const [first, ...rest] = [exactFirst, ...exactRest].map((b, i) => (keeps[i] === 0 ? b : summarise(b, keeps[i])));
          const range = boxed ? tileRange([-180, -85, -112, 85], 4) : null;
          const scanned = tileTops(4, range, null, [first, ...rest], keyOf, new Int32Array(16));
          const withRanked = tileTops(4, range, first.cells.length === 0 ? null : rankBlock(first, keyOf), rest, keyOf, new Int32Array(16));
          expect(withRanked).toEqual(scanned);
          for (const top of scanned.tops) expect(top.count).toBeGreaterThanOrEqual(1);
          // One tag's map: in each tile, the tag's counts in every block added up, ranked or not.
          const only = keeps[0] * 3;
          const parts = [first, ...rest];
          const expected = [...new Set(parts.flatMap((b) => [...b.cells]))]
            .sort((p, q) => p - q)
            .filter((cell) => range === null || rangeHolds(range, cell))
            .map((cell) => ({ cell, count: parts.reduce((sum, b) => sum + countOf(b, cell, only), 0) }))
            .filter((tile) => tile.count > 0);
          const scannedOne = tileTops(4, range, null, parts, keyOf, new Int32Array(16), only);
          const rankedOne = tileTops(4, range, first.cells.length === 0 ? null : rankBlock(first, keyOf), rest, keyOf, new Int32Array(16), only);
          expect(rankedOne).toEqual(scannedOne);
          expect(scannedOne.tops.map(({ cell, count }) => ({ cell, count }))).toEqual(expected);
          expect(scannedOne.tops.every((top) => top.tag === only)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('breaks ties by key, leaves the scratch array zero and reads only the tiles in range', () => {
    const open = new OpenCells([4]);
    open.add(0, 0, 1, 1, [1, 2]);
    open.add(0, 0, 3, 3, [2, 1]);
    open.add(4095, 4095, -80, 179, [7]);
    const [b] = open.toBlocks();
    const scratch = new Int32Array(16);
    // Tags 1 and 2 tie in tile 0: key "x2" sorts before "y1", though id 1 is the smaller.
    expect(tileTops(4, null, null, [b], keyOf, scratch).tops).toEqual([
      { cell: 0, tag: 2, count: 2, error: 0, posts: 2, lat: 2, lon: 2 },
      { cell: 255, tag: 7, count: 1, error: 0, posts: 1, lat: -80, lon: 179 },
    ]);
    expect(rankBlock(b, keyOf)).toMatchObject({ topTag: Uint32Array.of(2, 7), topCount: Uint32Array.of(2, 1) });
    expect(scratch.every((n) => n === 0)).toBe(true);
    expect(tileTops(4, tileRange([170, -85, 180, -70], 4), null, [b], keyOf, scratch).tops.map((top) => top.cell)).toEqual([255]);
  });
});

describe('tile risers', () => {
  /** Posts of a tile in `b`: its run's posts, 0 when absent. */
  const postsOf = (b: Block, cell: number) => {
    const r = b.cells.indexOf(cell);
    return r < 0 ? 0 : b.posts[r];
  };
  /** The same blocks with counts that reach the rising minimum: every post of `block` counted `times` times. */
  const heavy = (times: number) => block.map((b): Block => ({ ...b, counts: b.counts.map((n) => n * times), posts: b.posts.map((n) => n * times) }));

  it('gives each tile the tag with the highest rising score, as the scores of every tag counted by hand rank them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(block, heavy(6)), { minLength: 1, maxLength: 3 }),
        fc.array(fc.oneof(block, heavy(3)), { maxLength: 3 }),
        fc.constantFrom<RisingPlan['window']>('15m', '1h', '6h', '24h'),
        fc.integer({ min: 0, max: 300 }),
        fc.boolean(),
        (recent, reference, window, covered, boxed) => {
          const plan = { ...risingPlan(window), coveredMinutes: Math.min(covered, risingPlan(window).referenceMinutes) };
          const range = boxed ? tileRange([-180, -85, -112, 85], 4) : null;
          const read = tileRisers(4, range, recent, reference, plan, keyOf, new Int32Array(16));
          // One merged reference block answers as its parts do.
          expect(tileRisers(4, range, recent, [mergeAll(reference)], plan, keyOf, new Int32Array(16))).toEqual(read);
          const cells = [...new Set(recent.flatMap((b) => [...b.cells]))]
            .sort((p, q) => p - q)
            .filter((cell) => range === null || rangeHolds(range, cell));
          const expected = cells.flatMap((cell) => {
            let best: { tag: number; score: number; count: number } | null = null;
            for (let id = 0; id < 10; id += 1) {
              const inRecent = recent.reduce((sum, b) => sum + countOf(b, cell, id), 0);
              const inReference = reference.reduce((sum, b) => sum + countOf(b, cell, id), 0);
              const { score } = risingScore(inRecent, inReference, plan);
              if (!isRising(inRecent, score, plan)) continue;
              if (best === null || score > best.score || (score === best.score && keyOf(id) < keyOf(best.tag))) {
                best = { tag: id, score, count: plan.windowIsRecent ? inRecent : inRecent + inReference };
              }
            }
            if (best === null) return [];
            const posts = [...recent, ...(plan.windowIsRecent ? [] : reference)].reduce((sum, b) => sum + postsOf(b, cell), 0);
            return [{ cell, ...best, posts }];
          });
          expect(read.tops.map(({ cell, tag, score, count, posts }) => ({ cell, tag, score, count, posts }))).toEqual(expected);
          for (const top of read.tops) expect(top.count).toBeGreaterThanOrEqual(RISING.minCount);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds no riser without reference history, and leaves the scratch array zero', () => {
    const open = new OpenCells([4]);
    for (let i = 0; i < 6; i += 1) open.add(0, 0, 1, 1, [3]);
    const [b] = open.toBlocks();
    const scratch = new Int32Array(16);
    const plan = risingPlan('1h');
    expect(tileRisers(4, null, [b], [], plan, keyOf, scratch).tops.map((top) => [top.tag, top.count, top.score])).toEqual([[3, 6, 6]]);
    expect(tileRisers(4, null, [b], [], { ...plan, coveredMinutes: 0 }, keyOf, scratch).tops).toEqual([]);
    expect(scratch.every((n) => n === 0)).toBe(true);
  });
});
