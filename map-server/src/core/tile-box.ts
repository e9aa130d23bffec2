/**
 * Posts per tag in a box, from the tile counts: what "Trends in this view" reads. A box is a cover of tiles
 * (`boxCover`: the coarsest level that fits inside it, finer ones along its edges), and a period is the
 * buckets it spans; the answer is those tiles' counts in those buckets added up, at a cost set by the tiles
 * and tags read, not by the posts behind them. Pure: blocks in, counts out.
 */
import { entryOf, lowerBound, type Block } from './tile-blocks';
import type { CoverPart } from './tiles';

/** Posts per tag in a box over two periods, the older (reference) and the newer (recent). */
export interface BoxTally {
  /** Posts in both periods, and in the recent one. */
  posts: number;
  recentPosts: number;
  /** Every tag counted, with its posts in the recent period and in the reference one (parallel arrays). */
  ids: Int32Array;
  recent: Int32Array;
  reference: Int32Array;
  /** The most by which any tag's count over both periods may fall short: the errors of the tiles read, added up. */
  maxError: number;
  /** The same over the recent period alone. */
  recentError: number;
}

/**
 * Calls `visit` with the position of each tile of `block` that `part` holds, ascending. Tiles are numbered row
 * by row, so the part's rows are one stretch of the block; within it, the tiles left or right of the part and
 * those in its hole are skipped over by a search, not looked at one by one: a continent's box is a thin frame
 * of fine tiles across rows that hold the rest of the world's.
 */
export function forEachTileIn(block: Block, part: CoverPart, visit: (r: number) => void): void {
  const side = 2 ** part.level;
  const cells = block.cells;
  const n = cells.length;
  const hole = part.hole;
  let r = lowerBound(cells, part.y0 * side + part.x0);
  while (r < n) {
    const cell = cells[r];
    const y = Math.floor(cell / side);
    if (y > part.y1) return;
    const x = cell - y * side;
    if (x < part.x0) r = seek(cells, r, y * side + part.x0);
    else if (x > part.x1) r = seek(cells, r, (y + 1) * side + part.x0);
    else if (hole !== null && y >= hole.y0 && y <= hole.y1 && x >= hole.x0 && x <= hole.x1) r = seek(cells, r, y * side + hole.x1 + 1);
    else visit(r++);
  }
}

/** The first position from `from` on whose tile is at least `index` (`cells` ascending): a galloping search, quick for a short way. */
function seek(cells: Uint32Array, from: number, index: number): number {
  let lo = from;
  let step = 1;
  let hi = from + 1;
  while (hi < cells.length && cells[hi] < index) {
    lo = hi + 1;
    step *= 2;
    hi = from + step;
  }
  return lowerBound(cells, index, lo, Math.min(hi, cells.length));
}

/**
 * What a box read of the tile counts: per bucket that holds any of the minutes asked (oldest first), its
 * start and length, the blocks read (a level's block, and for the minute still taking posts its open part)
 * and the tiles of the box in them, as pairs (index into `blocks`, tile position). Read once, then added up
 * (`tallyBox`) and, for the tags listed, put in sparkline slots (`sparkBox`) without looking for the tiles
 * again. `fromMinute`: the start of the bucket the first minute asked is filed in (whether or not any
 * bucket holds posts), or null before any post was counted.
 */
export interface BoxRead {
  fromMinute: number | null;
  buckets: { start: number; minutes: number; blocks: Block[]; tiles: number[] }[];
}

/**
 * Posts per tag of a box read, split into the buckets from `splitMinute` on (recent) and before (reference);
 * `splitMinute` is a bucket's start, so each bucket is on one side. `scratch` is all zero, two entries per tag
 * id, and is left all zero.
 */
export function tallyBox(read: BoxRead, splitMinute: number, scratch: Int32Array): BoxTally {
  // Per tag id, its recent count at [2 id] and its reference count at [2 id + 1].
  const touched: number[] = [];
  let posts = 0;
  let recentPosts = 0;
  let maxError = 0;
  let recentError = 0;
  try {
    for (const { start, blocks, tiles } of read.buckets) {
      const side = start >= splitMinute ? 0 : 1;
      for (let k = 0; k < tiles.length; k += 2) {
        const block = blocks[tiles[k]];
        const r = tiles[k + 1];
        posts += block.posts[r];
        maxError += block.errors[r];
        if (side === 0) {
          recentPosts += block.posts[r];
          recentError += block.errors[r];
        }
        for (let e = r === 0 ? 0 : block.ends[r - 1]; e < block.ends[r]; e += 1) {
          const i = 2 * block.tags[e];
          if (scratch[i] === 0 && scratch[i + 1] === 0) touched.push(i);
          scratch[i + side] += block.counts[e];
        }
      }
    }
    const n = touched.length;
    const tally: BoxTally = {
      posts,
      recentPosts,
      ids: new Int32Array(n),
      recent: new Int32Array(n),
      reference: new Int32Array(n),
      maxError,
      recentError,
    };
    for (let j = 0; j < n; j += 1) {
      const i = touched[j];
      tally.ids[j] = i / 2;
      tally.recent[j] = scratch[i];
      tally.reference[j] = scratch[i + 1];
    }
    return tally;
  } finally {
    // All zero again, whatever happened: the next box reads it.
    for (const i of touched) {
      scratch[i] = 0;
      scratch[i + 1] = 0;
    }
  }
}

/**
 * The posts of each of `ids` (distinct) in a box read, per spark slot: `slots` slots of `slotMinutes` from
 * `fromMinute`, one Int32Array per id, oldest slot first. Each bucket that overlaps the slots is spread over
 * them (`spread`), so a series adds up to the id's count over those buckets. `seriesOf` is all zero, one
 * entry per tag id (at least), and is left all zero.
 */
export function sparkBox(
  read: BoxRead,
  ids: readonly number[],
  fromMinute: number,
  slotMinutes: number,
  slots: number,
  seriesOf: Int32Array,
): Int32Array[] {
  const series = ids.map(() => new Int32Array(slots));
  if (ids.length === 0) return series;
  ids.forEach((id, s) => (seriesOf[id] = s + 1));
  const counts = new Float64Array(ids.length);
  try {
    for (const { start, minutes, blocks, tiles } of read.buckets) {
      if (start + minutes - 1 < fromMinute) continue;
      counts.fill(0);
      for (let k = 0; k < tiles.length; k += 2) {
        const block = blocks[tiles[k]];
        const r = tiles[k + 1];
        const first = r === 0 ? 0 : block.ends[r - 1];
        const end = block.ends[r];
        // A tile with many tags (a continent's) is searched for the few asked; a city's few are scanned.
        if (end - first > ids.length * 16) {
          for (let s = 0; s < ids.length; s += 1) {
            const e = entryOf(block, r, ids[s]);
            if (e >= 0) counts[s] += block.counts[e];
          }
        } else {
          for (let e = first; e < end; e += 1) {
            const s = seriesOf[block.tags[e]];
            if (s !== 0) counts[s - 1] += block.counts[e];
          }
        }
      }
      ids.forEach((_, s) => spread(counts[s], start, minutes, fromMinute, slotMinutes, series[s]));
    }
  } finally {
    for (const id of ids) seriesOf[id] = 0;
  }
  return series;
}

/**
 * Spreads `count` posts of a bucket over the spark slots it overlaps, in proportion to the minutes it shares
 * with each (rounded so that they add up to `count`): `slots` slots of `slotMinutes` from `fromMinute`. The
 * bucket's minutes before `fromMinute` (a window's old edge rounded outward to its bucket) go to the first
 * slot, and after the last slot to the last.
 */
export function spread(count: number, start: number, minutes: number, fromMinute: number, slotMinutes: number, series: Int32Array): void {
  if (count === 0) return;
  const slots = series.length;
  const slotOf = (minute: number) => Math.min(slots - 1, Math.max(0, Math.floor((minute - fromMinute) / slotMinutes)));
  const firstSlot = slotOf(start);
  const lastSlot = slotOf(start + minutes - 1);
  if (firstSlot === lastSlot) {
    series[firstSlot] += count;
    return;
  }
  let given = 0;
  for (let s = firstSlot; s <= lastSlot; s += 1) {
    // Minutes of the bucket up to the end of slot s (all of them for the last slot).
    const upTo = s === lastSlot ? minutes : fromMinute + (s + 1) * slotMinutes - start;
    const share = Math.round((count * upTo) / minutes);
    series[s] += share - given;
    given = share;
  }
}
