/**
 * The top tag of each tile over several blocks (the buckets of a window), for the labels.
 *
 * A window's buckets at a level are read as blocks and added up per tile in a dense scratch array indexed by
 * tag id (no hashing, reset through the ids touched). One of them may come ranked (`RankedBlock`: each tile's
 * top tag worked out once): then only the other blocks' entries are scanned, and the ranked block is looked
 * up for the tags they hold. That is how a window over 24 h at a coarse level is answered once most of it is
 * one merged block kept between queries (`TileCounts`): its top tags are known, and only the newest minute
 * is added to them. Over summarised blocks (tile-summary.ts) a count may fall short by the tile's errors
 * added up, which each top reports.
 *
 * The rising tag of each tile (`tileRisers`, for labels that follow `sort=rising`) compares a recent period's
 * blocks, scanned, with the reference period's, looked up only for the tags that could rise (at least
 * `RISING.minCount` recent posts in the tile): the same score as the panel's. Pure.
 */
import { RISING } from '../../../common/browser/api-constants';
import { isRising, risingScore, type RisingPlan } from './rising';
import { entryOf, lowerBound, type Block } from './tile-blocks';
import type { TileRange } from './tiles';

/** The top tag of one tile over a window, with the tile's posts and their weighted centre. */
export interface TileTop {
  cell: number;
  tag: number;
  count: number;
  /** The most by which any tag's count in the tile may fall short: the summarised blocks' errors added up (0: exact). */
  error: number;
  posts: number;
  lat: number;
  lon: number;
}

/**
 * The rising tag of one tile: the one with the highest rising score, its count over the window, that score,
 * and what it was scored on: its posts in the recent period and what the reference period predicts there.
 */
export interface TileRiser extends TileTop {
  score: number;
  recent: number;
  expected: number;
}

/**
 * A block with each tile's top tag (ties to the smaller key) and its count, tile by tile; count 0 for a tile
 * that holds no tag (summarised away). Keys are taken to stay the same for an id (the dictionary's do).
 */
export interface RankedBlock {
  block: Block;
  topTag: Uint32Array;
  topCount: Uint32Array;
}

/** Ranks every tile of `block`: one pass over its entries. */
export function rankBlock(block: Block, keyOf: (id: number) => string): RankedBlock {
  const n = block.cells.length;
  const ranked: RankedBlock = { block, topTag: new Uint32Array(n), topCount: new Uint32Array(n) };
  for (let i = 0; i < n; i += 1) {
    let best = -1;
    for (let e = i === 0 ? 0 : block.ends[i - 1]; e < block.ends[i]; e += 1) {
      if (
        best < 0 ||
        block.counts[e] > block.counts[best] ||
        (block.counts[e] === block.counts[best] && keyOf(block.tags[e]) < keyOf(block.tags[best]))
      ) {
        best = e;
      }
    }
    // A summarised tile may have kept no tag: its top count stays 0, and it offers no tag.
    if (best < 0) continue;
    ranked.topTag[i] = block.tags[best];
    ranked.topCount[i] = block.counts[best];
  }
  return ranked;
}

/**
 * One tile being added up: its posts, coordinate sums, runs (block, position), its place in the ranked block
 * and, for risers, its runs in the reference period's blocks.
 */
interface Gathered {
  error: number;
  posts: number;
  sumLat: number;
  sumLon: number;
  runs: number[];
  ranked: number;
  referenceRuns: number[];
}

/**
 * The top tag of every tile in `range` (null: all) over `ranked` (may be null) and `blocks`, tiles ascending,
 * and the largest error of any tile read (a summarised tile that kept no tag has no top, but counts there).
 * With `only` (a tag id), each tile's "top" is that tag, in the tiles where it has posts: a binary search per
 * tile and block instead of a scan of its entries. `scratch` is all zero and as long as the largest tag id +
 * 1, and is left all zero.
 */
export function tileTops(
  level: number,
  range: TileRange | null,
  ranked: RankedBlock | null,
  blocks: readonly Block[],
  keyOf: (id: number) => string,
  scratch: Int32Array,
  only: number | null = null,
): { tops: TileTop[]; maxError: number } {
  const found = new Map<number, Gathered>();
  if (ranked !== null) gather(found, ranked.block, level, range, true, (tile, r) => (tile.ranked = r));
  blocks.forEach((block, b) => gather(found, block, level, range, true, (tile, r) => tile.runs.push(b, r)));
  const tops: TileTop[] = [];
  let maxError = 0;
  const touched: number[] = [];
  for (const cell of [...found.keys()].sort((p, q) => p - q)) {
    const tile = found.get(cell)!;
    maxError = Math.max(maxError, tile.error);
    if (only !== null) {
      let count = tile.ranked >= 0 ? countIn(ranked!.block, tile.ranked, only) : 0;
      for (let k = 0; k < tile.runs.length; k += 2) count += countIn(blocks[tile.runs[k]], tile.runs[k + 1], only);
      if (count > 0) tops.push(topOf(cell, only, count, tile));
      continue;
    }
    addRuns(tile.runs, blocks, scratch, touched);
    let bestTag = -1;
    let bestCount = 0;
    const offer = (id: number, count: number) => {
      if (bestTag < 0 || count > bestCount || (count === bestCount && keyOf(id) < keyOf(bestTag))) {
        bestTag = id;
        bestCount = count;
      }
    };
    if (tile.ranked >= 0) {
      // The ranked block's top as it stands, then every scanned tag with what the ranked block adds to it. No
      // tag has more there than its top: a tag that cannot reach the best even so is not looked up (most of them).
      const r = tile.ranked;
      const top = ranked!.topTag[r];
      const most = ranked!.topCount[r];
      if (most > 0) offer(top, most + scratch[top]);
      for (const id of touched) if (scratch[id] + most >= bestCount) offer(id, scratch[id] + countIn(ranked!.block, r, id));
    } else {
      for (const id of touched) offer(id, scratch[id]);
    }
    if (bestTag >= 0) tops.push(topOf(cell, bestTag, bestCount, tile));
    for (const id of touched) scratch[id] = 0;
    touched.length = 0;
  }
  return { tops, maxError };
}

/**
 * The rising tag of every tile in `range` (null: all) that has one, tiles ascending: over `recent` (the
 * recent period's blocks, scanned) against `reference` (the reference period's blocks, looked up), scored by
 * `plan` as the panel scores a region (rising.ts), ties to the smaller key. A tile's `count` is the tag's
 * posts over the window, its `posts` and centre the window's: the recent period's when the window is the
 * recent period (15m, 1h, 6h), both periods' at 24h. The largest error of any tile read in the window's
 * periods comes with them (as a box's trends say); a score may also lean on a summarised reference count.
 * `scratch` as for `tileTops`.
 */
export function tileRisers(
  level: number,
  range: TileRange | null,
  recent: readonly Block[],
  reference: readonly Block[],
  plan: RisingPlan,
  keyOf: (id: number) => string,
  scratch: Int32Array,
): { tops: TileRiser[]; maxError: number } {
  const found = new Map<number, Gathered>();
  recent.forEach((block, b) => gather(found, block, level, range, true, (tile, r) => tile.runs.push(b, r)));
  // Outside the window (15m, 1h, 6h) the reference period's posts and errors are not the window's: the panel
  // says a box's window is exact when its own buckets are, and so do the labels.
  reference.forEach((block, b) => gather(found, block, level, range, !plan.windowIsRecent, (tile, r) => tile.referenceRuns.push(b, r)));
  const tops: TileRiser[] = [];
  let maxError = 0;
  const touched: number[] = [];
  for (const cell of [...found.keys()].sort((p, q) => p - q)) {
    const tile = found.get(cell)!;
    maxError = Math.max(maxError, tile.error);
    addRuns(tile.runs, recent, scratch, touched);
    let best: { id: number; score: number; count: number; recent: number; expected: number } | null = null;
    for (const id of touched) {
      const inRecent = scratch[id];
      // Most tags of a tile are under the minimum: skipped before their reference is looked up.
      if (inRecent < RISING.minCount) continue;
      let inReference = 0;
      for (let k = 0; k < tile.referenceRuns.length; k += 2) inReference += countIn(reference[tile.referenceRuns[k]], tile.referenceRuns[k + 1], id);
      const { score, expected } = risingScore(inRecent, inReference, plan);
      if (!isRising(inRecent, score, plan)) continue;
      if (best === null || score > best.score || (score === best.score && keyOf(id) < keyOf(best.id))) {
        best = { id, score, count: plan.windowIsRecent ? inRecent : inRecent + inReference, recent: inRecent, expected };
      }
    }
    if (best !== null && tile.posts > 0) {
      tops.push({ ...topOf(cell, best.id, best.count, tile), score: best.score, recent: best.recent, expected: best.expected });
    }
    for (const id of touched) scratch[id] = 0;
    touched.length = 0;
  }
  return { tops, maxError };
}

/** Adds the counts of a tile's `runs` (block, position) in `blocks` to `scratch` by tag id, noting each id first touched. */
function addRuns(runs: readonly number[], blocks: readonly Block[], scratch: Int32Array, touched: number[]): void {
  for (let k = 0; k < runs.length; k += 2) {
    const block = blocks[runs[k]];
    const r = runs[k + 1];
    for (let e = r === 0 ? 0 : block.ends[r - 1]; e < block.ends[r]; e += 1) {
      const id = block.tags[e];
      if (scratch[id] === 0) touched.push(id);
      scratch[id] += block.counts[e];
    }
  }
}

/**
 * Adds the tiles of `block` in `range` to `found`, and with `inWindow` their posts, coordinate sums and
 * errors (the block's period is part of the window answered); `visit` notes where each tile's run is.
 */
function gather(
  found: Map<number, Gathered>,
  block: Block,
  level: number,
  range: TileRange | null,
  inWindow: boolean,
  visit: (tile: Gathered, run: number) => void,
): void {
  for (const [first, end] of runsIn(block, level, range)) {
    for (let r = first; r < end; r += 1) {
      const cell = block.cells[r];
      let tile = found.get(cell);
      if (tile === undefined) found.set(cell, (tile = { error: 0, posts: 0, sumLat: 0, sumLon: 0, runs: [], ranked: -1, referenceRuns: [] }));
      if (inWindow) {
        tile.error += block.errors[r];
        tile.posts += block.posts[r];
        tile.sumLat += block.sumLat[r];
        tile.sumLon += block.sumLon[r];
      }
      visit(tile, r);
    }
  }
}

function topOf(cell: number, tag: number, count: number, tile: Gathered): TileTop {
  return { cell, tag, count, error: tile.error, posts: tile.posts, lat: tile.sumLat / tile.posts, lon: tile.sumLon / tile.posts };
}

/** The count of tag `id` in tile `r` of `block` (0 when absent). */
function countIn(block: Block, r: number, id: number): number {
  const e = entryOf(block, r, id);
  return e < 0 ? 0 : block.counts[e];
}

/** The runs of tiles of `block` inside `range` (null: all), as [first, end) positions. */
function runsIn(block: Block, level: number, range: TileRange | null): [number, number][] {
  if (range === null) return [[0, block.cells.length]];
  const n = 2 ** level;
  const runs: [number, number][] = [];
  for (let y = range.y0; y <= range.y1; y += 1) {
    for (const [x0, x1] of range.xs) {
      const first = lowerBound(block.cells, y * n + x0);
      const end = lowerBound(block.cells, y * n + x1 + 1);
      if (end > first) runs.push([first, end]);
    }
  }
  return runs;
}
