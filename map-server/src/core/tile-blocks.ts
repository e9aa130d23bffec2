/**
 * One time bucket's counts at one tile level, in two forms:
 * - `OpenCells` while posts arrive: per tile, its posts, the sums of their coordinates (for the weighted
 *   centre a label is placed at) and a Map of tag id -> posts. Quick to add to, about 100 bytes an entry.
 * - `Block` once the bucket is compacted: the same in sorted columns, tiles ascending and each tile's tags
 *   ascending. 8 bytes an entry (u32 tag, u32 count) plus 28 bytes a tile; no object per entry, so the
 *   garbage collector never walks them. Buckets merge (a roll-up to a coarser bucket, late posts into a
 *   compacted one) by a linear merge of two blocks.
 * Pure data and arithmetic.
 */

/** One tile's running counts in an open bucket. */
export interface OpenCell {
  posts: number;
  sumLat: number;
  sumLon: number;
  tags: Map<number, number>;
}

/** Tile index -> its counts. */
export type OpenCells = Map<number, OpenCell>;

/**
 * A compacted bucket at one level. Tile i (`cells[i]`, ascending) holds `posts[i]` posts whose coordinates
 * sum to `sumLat[i]`, `sumLon[i]`; its tags are entries `ends[i - 1]` (0 for i = 0) to `ends[i]` of `tags`
 * (ascending) and `counts`.
 */
export interface Block {
  cells: Uint32Array;
  ends: Uint32Array;
  posts: Uint32Array;
  sumLat: Float64Array;
  sumLon: Float64Array;
  tags: Uint32Array;
  counts: Uint32Array;
}

export function emptyBlock(): Block {
  return {
    cells: new Uint32Array(0),
    ends: new Uint32Array(0),
    posts: new Uint32Array(0),
    sumLat: new Float64Array(0),
    sumLon: new Float64Array(0),
    tags: new Uint32Array(0),
    counts: new Uint32Array(0),
  };
}

/** Counts one post in an open bucket. */
export function addToOpen(open: OpenCells, cell: number, lat: number, lon: number, tagIds: readonly number[]): void {
  let counts = open.get(cell);
  if (counts === undefined) {
    counts = { posts: 0, sumLat: 0, sumLon: 0, tags: new Map() };
    open.set(cell, counts);
  }
  counts.posts += 1;
  counts.sumLat += lat;
  counts.sumLon += lon;
  for (const id of tagIds) counts.tags.set(id, (counts.tags.get(id) ?? 0) + 1);
}

/** An open bucket as a block. */
export function blockOf(open: OpenCells): Block {
  const cells = Uint32Array.from(open.keys()).sort();
  let entries = 0;
  for (const cell of open.values()) entries += cell.tags.size;
  const block = sized(cells.length, entries);
  block.cells.set(cells);
  let at = 0;
  cells.forEach((index, i) => {
    const cell = open.get(index)!;
    block.posts[i] = cell.posts;
    block.sumLat[i] = cell.sumLat;
    block.sumLon[i] = cell.sumLon;
    const tags = Uint32Array.from(cell.tags.keys()).sort();
    for (const tag of tags) {
      block.tags[at] = tag;
      block.counts[at] = cell.tags.get(tag)!;
      at += 1;
    }
    block.ends[i] = at;
  });
  return block;
}

/** The counts of both blocks added up, as one block. */
export function mergeBlocks(a: Block, b: Block): Block {
  if (a.cells.length === 0) return b;
  if (b.cells.length === 0) return a;
  const out = sized(a.cells.length + b.cells.length, a.tags.length + b.tags.length);
  let i = 0;
  let j = 0;
  let cellsOut = 0;
  let at = 0;
  const copyRun = (from: Block, run: number) => {
    const start = run === 0 ? 0 : from.ends[run - 1];
    const end = from.ends[run];
    out.tags.set(from.tags.subarray(start, end), at);
    out.counts.set(from.counts.subarray(start, end), at);
    at += end - start;
  };
  const head = (from: Block, run: number) => {
    out.cells[cellsOut] = from.cells[run];
    out.posts[cellsOut] = from.posts[run];
    out.sumLat[cellsOut] = from.sumLat[run];
    out.sumLon[cellsOut] = from.sumLon[run];
  };
  while (i < a.cells.length || j < b.cells.length) {
    const ca = i < a.cells.length ? a.cells[i] : Number.POSITIVE_INFINITY;
    const cb = j < b.cells.length ? b.cells[j] : Number.POSITIVE_INFINITY;
    if (ca < cb) {
      head(a, i);
      copyRun(a, i);
      i += 1;
    } else if (cb < ca) {
      head(b, j);
      copyRun(b, j);
      j += 1;
    } else {
      head(a, i);
      out.posts[cellsOut] += b.posts[j];
      out.sumLat[cellsOut] += b.sumLat[j];
      out.sumLon[cellsOut] += b.sumLon[j];
      at = mergeRuns(a, i, b, j, out, at);
      i += 1;
      j += 1;
    }
    out.ends[cellsOut] = at;
    cellsOut += 1;
  }
  return trimmed(out, cellsOut, at);
}

/** Writes the merge of run `i` of `a` and run `j` of `b` (both tags ascending) into `out` from `at`; returns the end. */
function mergeRuns(a: Block, i: number, b: Block, j: number, out: Block, at: number): number {
  let p = i === 0 ? 0 : a.ends[i - 1];
  let q = j === 0 ? 0 : b.ends[j - 1];
  const pEnd = a.ends[i];
  const qEnd = b.ends[j];
  while (p < pEnd && q < qEnd) {
    const ta = a.tags[p];
    const tb = b.tags[q];
    if (ta < tb) {
      out.tags[at] = ta;
      out.counts[at++] = a.counts[p++];
    } else if (tb < ta) {
      out.tags[at] = tb;
      out.counts[at++] = b.counts[q++];
    } else {
      out.tags[at] = ta;
      out.counts[at++] = a.counts[p++] + b.counts[q++];
    }
  }
  while (p < pEnd) {
    out.tags[at] = a.tags[p];
    out.counts[at++] = a.counts[p++];
  }
  while (q < qEnd) {
    out.tags[at] = b.tags[q];
    out.counts[at++] = b.counts[q++];
  }
  return at;
}

function sized(cells: number, entries: number): Block {
  return {
    cells: new Uint32Array(cells),
    ends: new Uint32Array(cells),
    posts: new Uint32Array(cells),
    sumLat: new Float64Array(cells),
    sumLon: new Float64Array(cells),
    tags: new Uint32Array(entries),
    counts: new Uint32Array(entries),
  };
}

/** `block` cut to its first `cells` tiles and `entries` entries, in arrays of exactly that size. */
function trimmed(block: Block, cells: number, entries: number): Block {
  if (cells === block.cells.length && entries === block.tags.length) return block;
  return {
    cells: block.cells.slice(0, cells),
    ends: block.ends.slice(0, cells),
    posts: block.posts.slice(0, cells),
    sumLat: block.sumLat.slice(0, cells),
    sumLon: block.sumLon.slice(0, cells),
    tags: block.tags.slice(0, entries),
    counts: block.counts.slice(0, entries),
  };
}

/** The first tile position in `cells` (ascending) whose index is at least `index`. */
export function lowerBound(cells: Uint32Array, index: number): number {
  let lo = 0;
  let hi = cells.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cells[mid] < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
