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
  buckets: {
    start: number;
    minutes: number;
    blocks: Block[];
    tiles: ArrayLike<number>;
    /** Where a read is kept between queries (a settled bucket's): posts per tag id in it, as `sparkBox` counts them. */
    counted?: Map<number, number>;
  }[];
}

/** One bucket of a box read. */
export type BucketRead = BoxRead['buckets'][number];

/** A bucket of a box read on the side of the split it is counted on: 0 recent, 1 reference. */
export interface SideRead extends BucketRead {
  side: 0 | 1;
}

/**
 * Posts per tag of a box read, split into the buckets from `splitMinute` on (recent) and before (reference);
 * `splitMinute` is a bucket's start, so each bucket is on one side. `scratch` is all zero, two entries per tag
 * id, and is left all zero.
 */
export function tallyBox(read: BoxRead, splitMinute: number, scratch: Int32Array): BoxTally {
  const sides = read.buckets.map((bucket): SideRead => ({ ...bucket, side: bucket.start >= splitMinute ? 0 : 1 }));
  return retally(NOTHING, [], sides, scratch);
}

/** A tally of no posts. */
export const NOTHING: BoxTally = Object.freeze({
  posts: 0,
  recentPosts: 0,
  ids: new Int32Array(0),
  recent: new Int32Array(0),
  reference: new Int32Array(0),
  maxError: 0,
  recentError: 0,
});

/**
 * `base` less the buckets `removed` plus the buckets `added`, each on its side: how a box's tally kept
 * between queries follows its buckets (`TileCounts.boxCounts`) at the cost of the buckets that changed and a
 * pass over the tags of `base`. A bucket removed must have been added to `base` before, with the same
 * blocks and side. Tags whose counts fall to zero are left out. `scratch` as `tallyBox`'s.
 */
export function retally(base: BoxTally, removed: readonly SideRead[], added: readonly SideRead[], scratch: Int32Array): BoxTally {
  // Per tag id, its recent count at [2 id] and its reference count at [2 id + 1]; touched may list one twice.
  const touched: number[] = [];
  const sums = { posts: base.posts, recentPosts: base.recentPosts, maxError: base.maxError, recentError: base.recentError };
  try {
    for (let j = 0; j < base.ids.length; j += 1) {
      const i = 2 * base.ids[j];
      scratch[i] = base.recent[j];
      scratch[i + 1] = base.reference[j];
      touched.push(i);
    }
    for (const read of removed) addRead(read, -1, scratch, touched, sums);
    for (const read of added) addRead(read, 1, scratch, touched, sums);
    const ids = new Int32Array(touched.length);
    const recent = new Int32Array(touched.length);
    const reference = new Int32Array(touched.length);
    let n = 0;
    for (const i of touched) {
      if (scratch[i] === 0 && scratch[i + 1] === 0) continue;
      ids[n] = i / 2;
      recent[n] = scratch[i];
      reference[n] = scratch[i + 1];
      n += 1;
      // Zeroed as it is taken, so that a tag touched twice is taken once.
      scratch[i] = 0;
      scratch[i + 1] = 0;
    }
    const cut = <T extends Int32Array>(array: T) => (n === array.length ? array : array.slice(0, n));
    return { ...sums, ids: cut(ids), recent: cut(recent), reference: cut(reference) };
  } finally {
    // All zero again, whatever happened: the next box reads it.
    for (const i of touched) {
      scratch[i] = 0;
      scratch[i + 1] = 0;
    }
  }
}

/**
 * `base` plus the buckets `fresh` (a few: the newest minute), as `retally(base, [], fresh, scratch)` counts
 * them, but at the cost of a pass over `base`'s tags and `fresh`'s entries: what each query of a kept box
 * pays. Tags new in `fresh` come after `base`'s. `scratch` as `tallyBox`'s. The answer may share `base`'s
 * arrays (all of `base` when `fresh` is empty): read them, never write them.
 */
export function withFresh(base: BoxTally, fresh: readonly SideRead[], scratch: Int32Array): BoxTally {
  if (fresh.length === 0) return base;
  const touched: number[] = [];
  const sums = { posts: base.posts, recentPosts: base.recentPosts, maxError: base.maxError, recentError: base.recentError };
  try {
    for (const read of fresh) addRead(read, 1, scratch, touched, sums);
    const recent = base.recent.slice();
    const reference = base.reference.slice();
    for (let j = 0; j < base.ids.length; j += 1) {
      const i = 2 * base.ids[j];
      if (scratch[i] === 0 && scratch[i + 1] === 0) continue;
      recent[j] += scratch[i];
      reference[j] += scratch[i + 1];
      scratch[i] = 0;
      scratch[i + 1] = 0;
    }
    // What is left in the scratch: tags that `base` does not hold.
    const extra = touched.filter((i) => scratch[i] !== 0 || scratch[i + 1] !== 0);
    if (extra.length === 0) return { ...sums, ids: base.ids, recent, reference };
    const n = base.ids.length;
    const out = {
      ...sums,
      ids: new Int32Array(n + extra.length),
      recent: new Int32Array(n + extra.length),
      reference: new Int32Array(n + extra.length),
    };
    out.ids.set(base.ids);
    out.recent.set(recent);
    out.reference.set(reference);
    extra.forEach((i, k) => {
      out.ids[n + k] = i / 2;
      out.recent[n + k] = scratch[i];
      out.reference[n + k] = scratch[i + 1];
    });
    return out;
  } finally {
    for (const i of touched) {
      scratch[i] = 0;
      scratch[i + 1] = 0;
    }
  }
}

/** Adds (`sign` 1) or takes away (-1) one bucket's tiles into `scratch`, noting the tags it touches first. */
function addRead(
  read: SideRead,
  sign: 1 | -1,
  scratch: Int32Array,
  touched: number[],
  sums: { posts: number; recentPosts: number; maxError: number; recentError: number },
): void {
  const { blocks, tiles, side } = read;
  for (let k = 0; k < tiles.length; k += 2) {
    const block = blocks[tiles[k]];
    const r = tiles[k + 1];
    sums.posts += sign * block.posts[r];
    sums.maxError += sign * block.errors[r];
    if (side === 0) {
      sums.recentPosts += sign * block.posts[r];
      sums.recentError += sign * block.errors[r];
    }
    for (let e = r === 0 ? 0 : block.ends[r - 1]; e < block.ends[r]; e += 1) {
      const i = 2 * block.tags[e];
      if (scratch[i] === 0 && scratch[i + 1] === 0) touched.push(i);
      scratch[i + side] += sign * block.counts[e];
    }
  }
}

/**
 * Tags whose posts a kept bucket read holds for `sparkBox`, at most: the tags asked change slowly (a view's
 * top 10, and those that come and go at its edge).
 */
const KEPT_SPARK_TAGS = 64;

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
    for (const { start, minutes, blocks, tiles, counted } of read.buckets) {
      if (start + minutes - 1 < fromMinute) continue;
      if (counted !== undefined && ids.every((id, s) => (counts[s] = counted.get(id) ?? -1) >= 0)) {
        ids.forEach((_, s) => spread(counts[s], start, minutes, fromMinute, slotMinutes, series[s]));
        continue;
      }
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
      if (counted !== undefined) {
        if (counted.size > KEPT_SPARK_TAGS) counted.clear();
        ids.forEach((id, s) => counted.set(id, counts[s]));
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
