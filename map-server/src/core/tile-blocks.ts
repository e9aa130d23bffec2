/**
 * One time bucket's counts at one tile level, in two forms:
 * - `OpenCells` while posts arrive: per tile, its posts and the sums of their coordinates (for the weighted
 *   centre a label is placed at), and one number per (post, tag). Quick to add to: 8 bytes a tag of a post,
 *   and no object per tile or entry for the garbage collector to chase.
 * - `Block` once the bucket is compacted: the same in sorted columns, tiles ascending and each tile's tags
 *   ascending. 3 to 8 bytes an entry (16- or 32-bit tag, 8- to 32-bit count: the narrowest that fits, see
 *   `narrowed`) plus 26 to 32 bytes a tile; no object per entry, so the
 *   garbage collector never walks them. Buckets merge (a roll-up to a coarser bucket, late posts into a
 *   compacted one) by a linear merge of two blocks.
 * - `summarise` (tile-summary.ts) bounds a block's entries per tile when memory runs short: a Misra-Gries
 *   summary per tile, which keeps the heavy tags and says, per tile, by how much any count may be short
 *   (`errors`). Summaries merge like exact blocks, and the bound on the error holds through any order of
 *   merges and summaries.
 * Pure data and arithmetic.
 */

/** Tag ids below this fit beside a level-12 tile index in one exact double (2^24 tiles x 2^26 tags < 2^53). */
export const MAX_TAG_IDS = 2 ** 26;

/**
 * A bucket while posts arrive, at every level at once. Per level-12 tile (numbered in arrival order through
 * `slots`), its posts and coordinate sums: a coarser tile's are its level-12 tiles' added up when the
 * bucket is compacted. And per level, one number per (post, tag): tile x 2^26 + tag, in arrival order. One
 * Map lookup a post and no object per tile or entry; compaction sorts each level's numbers (a native numeric
 * sort) and counts the runs of equal ones.
 */
export class OpenCells {
  private readonly slots = new Map<number, number>();
  private fine = new Uint32Array(16);
  private posts = new Uint32Array(16);
  private sumLat = new Float64Array(16);
  private sumLon = new Float64Array(16);
  private readonly keys: Float64Array[];
  private readonly entries: number[];

  constructor(private readonly levels: readonly number[]) {
    this.keys = levels.map(() => new Float64Array(64));
    this.entries = levels.map(() => 0);
  }

  /** Level-12 tiles with posts. */
  get size(): number {
    return this.slots.size;
  }

  /** Tags of posts counted, over every level (each is one number until compaction). */
  get entryCount(): number {
    return this.entries.reduce((sum, n) => sum + n, 0);
  }

  /** Counts one post in the level-12 tile (`x`, `y`) and the tiles above it; a post without tags is not counted. */
  add(x: number, y: number, lat: number, lon: number, tagIds: ArrayLike<number>): void {
    if (tagIds.length === 0) return;
    // Checked before anything is counted, so that a refused post leaves no trace.
    for (let t = 0; t < tagIds.length; t += 1) {
      if (tagIds[t] >= MAX_TAG_IDS) throw new RangeError(`tag id ${tagIds[t]} is past the ${MAX_TAG_IDS} the tile counts can number`);
    }
    const cell = y * FINEST_SIDE + x;
    let slot = this.slots.get(cell);
    if (slot === undefined) {
      slot = this.slots.size;
      this.slots.set(cell, slot);
      if (slot === this.posts.length) {
        this.fine = grown(this.fine, Uint32Array);
        this.posts = grown(this.posts, Uint32Array);
        this.sumLat = grown(this.sumLat, Float64Array);
        this.sumLon = grown(this.sumLon, Float64Array);
      }
      this.fine[slot] = cell;
    }
    this.posts[slot] += 1;
    this.sumLat[slot] += lat;
    this.sumLon[slot] += lon;
    for (let t = 0; t < tagIds.length; t += 1) {
      const id = tagIds[t];
      for (let li = 0; li < this.levels.length; li += 1) {
        const shift = FINEST - this.levels[li];
        const key = ((y >>> shift) * (FINEST_SIDE >>> shift) + (x >>> shift)) * MAX_TAG_IDS + id;
        if (this.entries[li] === this.keys[li].length) this.keys[li] = grown(this.keys[li], Float64Array);
        this.keys[li][this.entries[li]++] = key;
      }
    }
  }

  /** Sets `live[id]` to 1 for every tag id counted here (`TileCounts.markTagIds`). */
  markTagIds(live: Uint8Array): void {
    // Every level holds every tag of every post: one level's numbers are enough.
    const keys = this.keys[0];
    for (let e = 0; e < this.entries[0]; e += 1) live[keys[e] % MAX_TAG_IDS] = 1;
  }

  /** The counts as one block per level. */
  toBlocks(): Block[] {
    return this.levels.map((_, li) => this.blockAt(li, null));
  }

  /**
   * The counts of level `li` (an index into the levels) in the tiles `keep` holds (null: all), as a block,
   * without emptying the bucket: what a query reads of a minute still taking posts. Costs that level's
   * entries in those tiles (sorted in place when `keep` is null, else a sorted copy of those it picks), not
   * the bucket's.
   */
  blockAt(li: number, keep: ((cell: number) => boolean) | null): Block {
    // The numbers are a multiset in no order: sorting them where they are changes nothing a later read sees,
    // and a later sort of them is mostly done already. Only a subset is copied.
    const all = this.keys[li].subarray(0, this.entries[li]);
    const block = runsOf((keep === null ? all : all.filter((key) => keep(Math.floor(key / MAX_TAG_IDS)))).sort());
    // Each level-12 tile's posts and sums into the tile above it at this level (every tile holds a tag, so it is there).
    const shift = FINEST - this.levels[li];
    for (let slot = 0; slot < this.slots.size; slot += 1) {
      const cell = this.fine[slot];
      const parent = ((cell >>> FINEST) >>> shift) * (FINEST_SIDE >>> shift) + ((cell & (FINEST_SIDE - 1)) >>> shift);
      if (keep !== null && !keep(parent)) continue;
      const i = lowerBound(block.cells, parent);
      block.posts[i] += this.posts[slot];
      block.sumLat[i] += this.sumLat[slot];
      block.sumLon[i] += this.sumLon[slot];
    }
    return block;
  }
}

/** The finest level, and its tiles along a side. */
const FINEST = 12;
const FINEST_SIDE = 2 ** FINEST;

/** A block of the sorted (tile x 2^26 + tag) numbers: tiles, tags and their counts (exact); posts and sums zero. */
function runsOf(keys: Float64Array): WideBlock {
  let distinct = 0;
  let tiles = 0;
  let lastCell = -1;
  for (let e = 0; e < keys.length; e += 1) {
    if (e > 0 && keys[e] === keys[e - 1]) continue;
    distinct += 1;
    const cell = Math.floor(keys[e] / MAX_TAG_IDS);
    if (cell !== lastCell) {
      tiles += 1;
      lastCell = cell;
    }
  }
  const block = sized(tiles, distinct);
  let n = -1;
  let at = -1;
  for (let e = 0; e < keys.length; e += 1) {
    const key = keys[e];
    if (e > 0 && key === keys[e - 1]) {
      block.counts[at] += 1;
      continue;
    }
    const cell = Math.floor(key / MAX_TAG_IDS);
    if (n < 0 || block.cells[n] !== cell) {
      if (n >= 0) block.ends[n] = at + 1;
      n += 1;
      block.cells[n] = cell;
    }
    at += 1;
    block.tags[at] = key - cell * MAX_TAG_IDS;
    block.counts[at] = 1;
  }
  if (n >= 0) block.ends[n] = at + 1;
  return block;
}

function grown<T extends Uint32Array | Float64Array>(array: T, type: { new (length: number): T }): T {
  const bigger = new type(array.length * 2);
  bigger.set(array);
  return bigger;
}

/**
 * A compacted bucket at one level. Tile i (`cells[i]`, ascending) holds `posts[i]` posts whose coordinates
 * sum to `sumLat[i]`, `sumLon[i]`; its tags are entries `ends[i - 1]` (0 for i = 0) to `ends[i]` of `tags`
 * (ascending) and `counts` (each at least 1). `errors[i]` is the most by which any tag's true count in tile i
 * (over the posts counted here) may exceed its count here, a tag without an entry counting 0: 0 means the
 * tile's counts are exact and a tag without an entry had no posts. Posts and sums are always exact. Once
 * built, a block is not changed: merges and summaries return new blocks, which may share its arrays.
 *
 * A block that is kept (`narrowed`) holds its tags, counts, posts and errors in the narrowest arrays their
 * values fit: a city's tile in an hour mostly counts tags once, so an entry takes 3 bytes (16-bit tag id,
 * 8-bit count) where the vocabulary has under 65,536 tags, instead of 8.
 */
export interface Block {
  cells: Uint32Array;
  ends: Uint32Array;
  posts: Narrow;
  sumLat: Float64Array;
  sumLon: Float64Array;
  errors: Narrow;
  tags: Uint16Array | Uint32Array;
  counts: Narrow;
}

/** A column of counts as kept: 8, 16 or 32 bits wide. */
export type Narrow = Uint8Array | Uint16Array | Uint32Array;

/** A block being written: every column as wide as any value it may take. */
interface WideBlock extends Block {
  posts: Uint32Array;
  errors: Uint32Array;
  tags: Uint32Array;
  counts: Uint32Array;
}

/**
 * `block` with its tags, counts, posts and errors in the narrowest arrays their values fit (itself when they
 * already are): what a bucket keeps. Reads see the same numbers.
 */
export function narrowed(block: Block): Block {
  const tags = narrowest(block.tags, Uint16Array);
  const counts = narrowest(block.counts, Uint8Array);
  const posts = narrowest(block.posts, Uint8Array);
  const errors = narrowest(block.errors, Uint8Array);
  if (tags === block.tags && counts === block.counts && posts === block.posts && errors === block.errors) return block;
  return { ...block, tags, counts, posts, errors };
}

/**
 * `values` in the narrowest of 8 (when `narrowestType` allows), 16 and 32 bits that holds them all: itself
 * when it already is (a view stays a view), else a copy. Also what a closed tally's pairs are packed in.
 */
export function narrowest(values: Narrow, narrowestType: typeof Uint16Array): Uint16Array | Uint32Array;
export function narrowest(values: Narrow, narrowestType: typeof Uint8Array): Narrow;
export function narrowest(values: Narrow, narrowestType: typeof Uint8Array | typeof Uint16Array): Narrow {
  if (values.length === 0) return values;
  let max = 0;
  for (let i = 0; i < values.length; i += 1) if (values[i] > max) max = values[i];
  const type = max < 256 && narrowestType === Uint8Array ? Uint8Array : max < 65_536 ? Uint16Array : Uint32Array;
  if (values instanceof type) return values;
  const out = new type(values.length);
  // Every value fits, so the conversion of `set` is exact.
  out.set(values);
  return out;
}

export function emptyBlock(): Block {
  return {
    cells: new Uint32Array(0),
    ends: new Uint32Array(0),
    posts: new Uint32Array(0),
    sumLat: new Float64Array(0),
    sumLon: new Float64Array(0),
    errors: new Uint32Array(0),
    tags: new Uint32Array(0),
    counts: new Uint32Array(0),
  };
}

/** The counts of both blocks added up, as one block; a tile in both may be short by both its errors. */
export function mergeBlocks(a: Block, b: Block): Block {
  if (a.cells.length === 0) return b;
  if (b.cells.length === 0) return a;
  const out = sized(a.cells.length + b.cells.length, a.tags.length + b.tags.length);
  let i = 0;
  let j = 0;
  let n = 0;
  let at = 0;
  while (i < a.cells.length || j < b.cells.length) {
    const ca = i < a.cells.length ? a.cells[i] : Number.POSITIVE_INFINITY;
    const cb = j < b.cells.length ? b.cells[j] : Number.POSITIVE_INFINITY;
    // The tile from `a` alone, `b` alone, or both (its runs merged).
    const from = ca <= cb ? a : b;
    const run = ca <= cb ? i : j;
    out.cells[n] = from.cells[run];
    out.posts[n] = from.posts[run];
    out.sumLat[n] = from.sumLat[run];
    out.sumLon[n] = from.sumLon[run];
    out.errors[n] = from.errors[run];
    if (ca === cb) {
      out.posts[n] += b.posts[j];
      out.sumLat[n] += b.sumLat[j];
      out.sumLon[n] += b.sumLon[j];
      out.errors[n] += b.errors[j];
      at = mergeRuns(a, i, b, j, out, at);
      i += 1;
      j += 1;
    } else {
      // A loop, not `set(subarray(...))`: most runs are one or two entries, and a subarray is an object.
      for (let e = run === 0 ? 0 : from.ends[run - 1]; e < from.ends[run]; e += 1) {
        out.tags[at] = from.tags[e];
        out.counts[at++] = from.counts[e];
      }
      if (ca < cb) i += 1;
      else j += 1;
    }
    out.ends[n] = at;
    n += 1;
  }
  return trimmed(out, n, at);
}

/** The counts of all the blocks added up: merged in pairs, so each entry is copied about log2(blocks) times. */
export function mergeAll(blocks: readonly Block[]): Block {
  let round = blocks.filter((block) => block.cells.length > 0);
  if (round.length === 0) return emptyBlock();
  while (round.length > 1) {
    const next: Block[] = [];
    for (let k = 0; k < round.length; k += 2) next.push(k + 1 < round.length ? mergeBlocks(round[k], round[k + 1]) : round[k]);
    round = next;
  }
  return round[0];
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

function sized(cells: number, entries: number): WideBlock {
  return {
    cells: new Uint32Array(cells),
    ends: new Uint32Array(cells),
    posts: new Uint32Array(cells),
    sumLat: new Float64Array(cells),
    sumLon: new Float64Array(cells),
    errors: new Uint32Array(cells),
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
    errors: block.errors.slice(0, cells),
    tags: block.tags.slice(0, entries),
    counts: block.counts.slice(0, entries),
  };
}

/**
 * The first position in `values[lo, hi)` (ascending; by default all of it) whose value is at least `value`
 * (`hi` when none is): a tile's position in `cells`, or a tag's in a tile's run of `tags`.
 */
export function lowerBound(values: Uint16Array | Uint32Array, value: number, lo = 0, hi = values.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The entry of tag `id` in tile `r` of `block` (its position in `tags` and `counts`), or -1 when the tile has none. */
export function entryOf(block: Block, r: number, id: number): number {
  const end = block.ends[r];
  const e = lowerBound(block.tags, id, r === 0 ? 0 : block.ends[r - 1], end);
  return e < end && block.tags[e] === id ? e : -1;
}
