/**
 * Sliding-window hashtag counts per region, in event time.
 *
 * Time comes in three units, each with one name, the unit in it:
 * - `…Ms`: epoch milliseconds, as an event's `ts` (`atMs`, `endMs`);
 * - `…Minute`: a minute number since the epoch, `floor(ms / BUCKET_MS)` (`endMinute`, `firstMinute`,
 *   `Bucket.minute`);
 * - `slot`: a place in a leaf's ring, `minute mod RING_BUCKETS`.
 *
 * Shape, and why:
 * - Time is cut into one-minute buckets (`BUCKET_MS`). A window of N minutes holds the newest minute (the one
 *   holding the newest time seen, `endMs`, i.e. `endMinute`) and the N - 1 before it, so counts are exact at
 *   minute resolution.
 * - Events land in a *leaf* (a country, or the sea). Each leaf keeps a ring of `RING_BUCKETS` minute buckets
 *   (24 h), each a tally of tag id -> posts. Only leaves hold buckets; the regions a leaf rolls up into (the
 *   country itself and the world) hold one running total per window. That stores every event once, not once
 *   per region, and makes the world's totals as cheap as a country's.
 * - add is O(tags x windows x rollups). When the end moves forward by a minute, the bucket that leaves each
 *   window is subtracted from that window's totals: each bucket is subtracted once per window over its life,
 *   so expiry costs the same as insertion, amortised. A top-k query scans one region's totals for one window.
 * - Memory: a closed bucket costs about 16 bytes per distinct tag in it (see `Bucket`), and the totals about
 *   40 bytes per distinct tag per window per region.
 */
import { WINDOWS, type WindowName } from '../../../common/browser/windows';
import { modulo } from '../../../common/browser/modulo';
import { topK, type Ranked } from './top-k';
import { checkNullableNumber, checkNumber, checkObject, checkSame, checkStrings, checkSum, checkTyped, damaged } from './snapshot-check';

/** Width of one bucket: the resolution of every window, in ms. */
export const BUCKET_MS = 60_000;

/** The ring covers the largest window. */
export const RING_BUCKETS = Math.max(...Object.values(WINDOWS));

const WINDOW_LIST = Object.entries(WINDOWS).map(([name, minutes]) => ({ name: name as WindowName, minutes }));

/** Adds (`sign` 1) or takes away (-1) a bucket's posts and tags in window `w`'s totals of each region its leaf rolls up into. */
function applyBucket(leaf: Leaf, bucket: Bucket, w: number, sign: 1 | -1): void {
  for (const region of leaf.rollups) {
    region.posts[w] += sign * bucket.posts;
    bucket.forEach((id, count) => increment(region.tags[w], id, sign * count));
  }
}

/** Running totals of one region for every window. */
class RegionTotals {
  readonly tags: Map<number, number>[] = WINDOW_LIST.map(() => new Map<number, number>());
  readonly posts: number[] = WINDOW_LIST.map(() => 0);
}

/**
 * One leaf's posts in one minute. While its minute may still get posts the tally is a Map; once the windows
 * have moved past it, it is packed into a sorted array of `[id, count, id, count, ...]` (small integers, so
 * V8 stores them unboxed): about a third of the Map's memory, and almost every bucket spends almost all of
 * its life closed. A late post for a closed minute unpacks it again.
 */
class Bucket {
  posts = 0;
  private open: Map<number, number> | null = new Map();
  private packed: number[] = NO_PAIRS;
  constructor(readonly minute: number) {}

  get isOpen(): boolean {
    return this.open !== null;
  }

  add(id: number): void {
    this.open ??= this.unpacked();
    increment(this.open, id, 1);
  }

  count(id: number): number {
    if (this.open !== null) return this.open.get(id) ?? 0;
    const pairs = this.packed;
    let lo = 0;
    let hi = pairs.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = pairs[mid * 2];
      if (at === id) return pairs[mid * 2 + 1];
      if (at < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  forEach(visit: (id: number, count: number) => void): void {
    if (this.open !== null) {
      this.open.forEach((count, id) => visit(id, count));
      return;
    }
    for (let i = 0; i < this.packed.length; i += 2) visit(this.packed[i], this.packed[i + 1]);
  }

  /** Distinct tags in the bucket. */
  get pairCount(): number {
    return this.open?.size ?? this.packed.length / 2;
  }

  /** Writes the (id, count) pairs, ids ascending, into `out` from `at`; returns where they end. */
  writePairs(out: Uint32Array, at: number): number {
    if (this.open === null) {
      out.set(this.packed, at);
      return at + this.packed.length;
    }
    const ids = [...this.open.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      out[at++] = id;
      out[at++] = this.open.get(id)!;
    }
    return at;
  }

  /** A closed bucket of `posts` posts holding the pairs `words[from, to)`: ids ascending, under `tagCount` (checked). */
  static packedFrom(minute: number, posts: number, words: Uint32Array, from: number, to: number, tagCount: number, where: string): Bucket {
    const bucket = new Bucket(minute);
    bucket.posts = posts;
    bucket.open = null;
    bucket.packed = Array.from(words.subarray(from, to));
    for (let i = from; i < to; i += 2) {
      if (i > from && !(words[i - 2] < words[i])) damaged(where, `the tags of minute ${minute} are not in ascending order of id`);
      if (words[i + 1] === 0) damaged(where, `tag ${words[i]} has a count of 0 in minute ${minute}`);
    }
    if (to > from && words[to - 2] >= tagCount) damaged(where, `tag id ${words[to - 2]} is not in the dictionary (${tagCount} tags)`);
    return bucket;
  }

  pack(): void {
    if (this.open === null) return;
    const ids = [...this.open.keys()].sort((a, b) => a - b);
    const pairs = new Array<number>(ids.length * 2);
    ids.forEach((id, i) => {
      pairs[i * 2] = id;
      pairs[i * 2 + 1] = this.open!.get(id)!;
    });
    this.packed = pairs;
    this.open = null;
  }

  private unpacked(): Map<number, number> {
    const tally = new Map<number, number>();
    for (let i = 0; i < this.packed.length; i += 2) tally.set(this.packed[i], this.packed[i + 1]);
    this.packed = NO_PAIRS;
    return tally;
  }
}

const NO_PAIRS: number[] = [];

class Leaf {
  readonly ring = new Array<Bucket | undefined>(RING_BUCKETS);
  constructor(readonly rollups: RegionTotals[]) {}

  bucketAt(minute: number): Bucket | undefined {
    const bucket = this.ring[modulo(minute, RING_BUCKETS)];
    return bucket?.minute === minute ? bucket : undefined;
  }
}

export type AddResult = 'added' | 'stale';

/**
 * A store as plain data: where the windows end, the version, the leaves by name, and every bucket held as
 * parallel arrays (one entry a bucket) with their (tag id, posts) pairs concatenated. No running totals:
 * they are sums of the buckets, rebuilt on restore, so they cannot disagree with them.
 */
export interface WindowStoreSnapshot {
  /** The layout the buckets were cut with (`BUCKET_MS`, `RING_BUCKETS`): a restore refuses any other. */
  bucketMs: number;
  ringBuckets: number;
  endMs: number | null;
  firstMinute: number | null;
  version: number;
  /** Every leaf that has held a post, in the order they first did. */
  leaves: string[];
  /** Per bucket: its leaf (an index into `leaves`), minute, posts, and how many (id, count) pairs it has. */
  bucketLeaf: Uint32Array;
  bucketMinute: Float64Array;
  bucketPosts: Uint32Array;
  bucketPairs: Uint32Array;
  /** The pairs, `[id, count, id, count, ...]`, ids ascending within a bucket, bucket after bucket. */
  pairs: Uint32Array;
}

export interface WindowStoreOptions {
  /** The regions a leaf's events count in, besides the leaf itself being stored. */
  rollup: (leaf: string) => string[];
}

export class WindowStore {
  private readonly leaves = new Map<string, Leaf>();
  private readonly regions = new Map<string, RegionTotals>();
  /** The leaves that roll up into each region. */
  private readonly leavesOf = new Map<string, Leaf[]>();
  /** The newest time seen or advanced to, in ms (null before the first). */
  #endMs: number | null = null;
  /** Its minute, `floor(#endMs / BUCKET_MS)` (-Infinity before the first, so comparisons need no null check). */
  #endMinute = Number.NEGATIVE_INFINITY;
  /** The oldest minute a post was added in since the start or the last `clear` (see `firstMinute`). */
  #firstMinute = Number.POSITIVE_INFINITY;
  #version = 0;
  /** Buckets whose tally is still a Map (see `Bucket`). */
  private openBuckets: Bucket[] = [];

  constructor(private readonly options: WindowStoreOptions) {}

  /** Bumped on every change, so callers can cache query results. */
  get version(): number {
    return this.#version;
  }

  /** The newest time the windows end at, in ms, or null before the first event. */
  get endMs(): number | null {
    return this.#endMs;
  }

  /** The minute the windows end in (`floor(endMs / BUCKET_MS)`), or null before the first event. */
  get endMinute(): number | null {
    return this.#endMs === null ? null : this.#endMinute;
  }

  /**
   * The oldest minute holding a post since the store started or last emptied (null before any post): how
   * far back the store's history reaches, which is less than a day just after a start.
   */
  get firstMinute(): number | null {
    return Number.isFinite(this.#firstMinute) ? Math.max(this.#firstMinute, this.#endMinute - RING_BUCKETS + 1) : null;
  }

  /**
   * The oldest minute holding a post since the store started or last emptied, however long ago (null before
   * any post): for counts kept in longer buckets than the store's (a box's hour buckets reach back before the
   * store's day), which must know whether their first minutes had history.
   */
  get firstPostMinute(): number | null {
    return Number.isFinite(this.#firstMinute) ? this.#firstMinute : null;
  }

  /** True when an event at `atMs` would fall before every window. */
  isStale(atMs: number): boolean {
    return Math.floor(atMs / BUCKET_MS) <= this.#endMinute - RING_BUCKETS;
  }

  /** Counts one post with the given (distinct) tag ids, at event time `atMs`, in `leaf`. */
  add(atMs: number, leaf: string, tagIds: readonly number[]): AddResult {
    const minute = Math.floor(atMs / BUCKET_MS);
    if (this.#endMs === null || atMs > this.#endMs) this.advanceTo(atMs);
    else if (this.isStale(atMs)) return 'stale';
    const into = this.leafFor(leaf);
    this.#firstMinute = Math.min(this.#firstMinute, minute);
    const slot = modulo(minute, RING_BUCKETS);
    let bucket = into.ring[slot];
    if (bucket?.minute !== minute) {
      bucket = new Bucket(minute);
      into.ring[slot] = bucket;
      this.openBuckets.push(bucket);
    } else if (!bucket.isOpen) {
      this.openBuckets.push(bucket);
    }
    bucket.posts += 1;
    for (const id of tagIds) bucket.add(id);
    for (let w = 0; w < WINDOW_LIST.length; w += 1) {
      if (minute <= this.#endMinute - WINDOW_LIST[w].minutes) continue;
      for (const region of into.rollups) {
        region.posts[w] += 1;
        for (const id of tagIds) increment(region.tags[w], id, 1);
      }
    }
    this.#version += 1;
    return 'added';
  }

  /** Moves the end of every window forward to `toMs` (never back), expiring what falls out. */
  advanceTo(toMs: number): void {
    if (this.#endMs !== null && toMs <= this.#endMs) return;
    const newEndMinute = Math.floor(toMs / BUCKET_MS);
    const oldEndMinute = this.#endMinute;
    this.#endMs = toMs;
    if (newEndMinute === oldEndMinute) return;
    this.#endMinute = newEndMinute;
    this.#version += 1;
    this.packClosedBuckets();
    if (newEndMinute - oldEndMinute >= RING_BUCKETS) {
      this.clear();
      return;
    }
    for (let w = 0; w < WINDOW_LIST.length; w += 1) {
      const size = WINDOW_LIST[w].minutes;
      // Minutes that were inside window w and are not any more.
      for (let minute = oldEndMinute - size + 1; minute <= newEndMinute - size; minute += 1) {
        for (const leaf of this.leaves.values()) {
          const bucket = leaf.bucketAt(minute);
          if (bucket === undefined) continue;
          applyBucket(leaf, bucket, w, -1);
          // The largest window is the ring: once out of it, the bucket is gone for good.
          if (size === RING_BUCKETS) leaf.ring[modulo(minute, RING_BUCKETS)] = undefined;
        }
      }
    }
  }

  /** Posts counted in `region` over `window`. */
  total(region: string, window: WindowName): number {
    return this.regions.get(region)?.posts[windowIndex(window)] ?? 0;
  }

  /** The tally of tag id -> posts in `region` over `window` (read-only view; empty for an unseen region). */
  tally(region: string, window: WindowName): ReadonlyMap<number, number> {
    return this.regions.get(region)?.tags[windowIndex(window)] ?? EMPTY;
  }

  /** The `k` most counted tags, by count descending then key ascending. */
  top(region: string, window: WindowName, k: number, keyOf: (id: number) => string): Ranked[] {
    return topK(this.tally(region, window), k, keyOf);
  }

  /**
   * Calls `visit` with every stored minute bucket of the leaves that roll up into `region`, for minutes
   * `fromMinute` to `toMinute` (inclusive; minutes are `floor(ms / BUCKET_MS)`). `count(tagId)` reads the
   * bucket's tally. Buckets are visited in no particular order.
   */
  forEachBucket(
    region: string,
    fromMinute: number,
    toMinute: number,
    visit: (minute: number, posts: number, count: (tagId: number) => number) => void,
  ): void {
    const from = Math.max(fromMinute, this.#endMinute - RING_BUCKETS + 1);
    const to = Math.min(toMinute, this.#endMinute);
    for (const leaf of this.leavesOf.get(region) ?? []) {
      for (let minute = from; minute <= to; minute += 1) {
        const bucket = leaf.bucketAt(minute);
        if (bucket !== undefined) visit(minute, bucket.posts, (id) => bucket.count(id));
      }
    }
  }

  /** Regions that have held any post since the start. */
  regionNames(): string[] {
    return [...this.regions.keys()];
  }

  /** A copy of what the store holds, as plain data (see `WindowStoreSnapshot`). */
  snapshot(): WindowStoreSnapshot {
    const held: { leaf: number; bucket: Bucket }[] = [];
    [...this.leaves.values()].forEach((leaf, index) => {
      for (const bucket of leaf.ring) if (bucket !== undefined) held.push({ leaf: index, bucket });
    });
    const pairs = new Uint32Array(2 * held.reduce((n, { bucket }) => n + bucket.pairCount, 0));
    let at = 0;
    for (const { bucket } of held) at = bucket.writePairs(pairs, at);
    return {
      bucketMs: BUCKET_MS,
      ringBuckets: RING_BUCKETS,
      endMs: this.#endMs,
      firstMinute: this.firstPostMinute,
      version: this.#version,
      leaves: [...this.leaves.keys()],
      bucketLeaf: Uint32Array.from(held, ({ leaf }) => leaf),
      bucketMinute: Float64Array.from(held, ({ bucket }) => bucket.minute),
      bucketPosts: Uint32Array.from(held, ({ bucket }) => bucket.posts),
      bucketPairs: Uint32Array.from(held, ({ bucket }) => bucket.pairCount),
      pairs,
    };
  }

  /**
   * The store `snapshot` copied, its leaves rolling up as `options` say, its running totals summed again
   * from the buckets; every tag id must be under `tagCount`. `where` names it in the RangeError a malformed
   * snapshot gets.
   */
  static restore(snapshot: WindowStoreSnapshot, options: WindowStoreOptions, tagCount: number, where = 'store'): WindowStore {
    const s = checkObject(snapshot, where);
    checkSame(s.bucketMs, BUCKET_MS, `${where}.bucketMs`);
    checkSame(s.ringBuckets, RING_BUCKETS, `${where}.ringBuckets`);
    const endMs = checkNullableNumber(s.endMs, `${where}.endMs`);
    const firstMinute = checkNullableNumber(s.firstMinute, `${where}.firstMinute`, true);
    const leafIndex = checkTyped(s.bucketLeaf, Uint32Array, `${where}.bucketLeaf`);
    const buckets = leafIndex.length;
    const minutes = checkTyped(s.bucketMinute, Float64Array, `${where}.bucketMinute`, buckets);
    const posts = checkTyped(s.bucketPosts, Uint32Array, `${where}.bucketPosts`, buckets);
    const pairCounts = checkTyped(s.bucketPairs, Uint32Array, `${where}.bucketPairs`, buckets);
    const pairs = checkTyped(s.pairs, Uint32Array, `${where}.pairs`);
    checkSum(pairCounts, pairs.length, `${where}.bucketPairs`, 2);
    const store = new WindowStore(options);
    store.#version = checkNumber(s.version, `${where}.version`, true);
    const names = checkStrings(s.leaves, `${where}.leaves`);
    const leaves = names.map((name) => store.leafFor(name));
    if (store.leaves.size !== names.length) damaged(`${where}.leaves`, 'a leaf is there twice');
    if (endMs === null) {
      if (buckets > 0 || firstMinute !== null) damaged(`${where}.endMs`, 'is null, yet the store holds posts');
      return store;
    }
    store.#endMs = endMs;
    store.#endMinute = Math.floor(endMs / BUCKET_MS);
    if (firstMinute === null && buckets > 0) damaged(`${where}.firstMinute`, 'is null, yet the store holds posts');
    store.#firstMinute = firstMinute ?? Number.POSITIVE_INFINITY;
    let at = 0;
    for (let i = 0; i < buckets; i += 1) {
      const minute = minutes[i];
      const leaf = leaves[leafIndex[i]];
      if (leaf === undefined) damaged(`${where}.bucketLeaf[${i}]`, `leaf ${leafIndex[i]} is not in the ${names.length} leaves`);
      if (!Number.isInteger(minute) || minute > store.#endMinute || store.isStale(minute * BUCKET_MS)) {
        damaged(`${where}.bucketMinute[${i}]`, `minute ${minute} is not in the ring ending at minute ${store.#endMinute}`);
      }
      const slot = modulo(minute, RING_BUCKETS);
      if (leaf.ring[slot] !== undefined) damaged(`${where}.bucketMinute[${i}]`, `minute ${minute} is there twice in leaf ${names[leafIndex[i]]}`);
      const bucket = Bucket.packedFrom(minute, posts[i], pairs, at, (at += 2 * pairCounts[i]), tagCount, `${where}.pairs`);
      leaf.ring[slot] = bucket;
      store.addToTotals(leaf, bucket);
    }
    return store;
  }

  /** Adds a bucket to the running totals of each window that holds its minute, in each region of its leaf. */
  private addToTotals(leaf: Leaf, bucket: Bucket): void {
    for (let w = 0; w < WINDOW_LIST.length; w += 1) {
      if (bucket.minute <= this.#endMinute - WINDOW_LIST[w].minutes) continue;
      applyBucket(leaf, bucket, w, 1);
    }
  }

  /** Packs the buckets of minutes before the newest: only the newest minute still gets most posts. */
  private packClosedBuckets(): void {
    const stillOpen: Bucket[] = [];
    for (const bucket of this.openBuckets) {
      if (bucket.minute < this.#endMinute) bucket.pack();
      else stillOpen.push(bucket);
    }
    this.openBuckets = stillOpen;
  }

  private leafFor(name: string): Leaf {
    let leaf = this.leaves.get(name);
    if (leaf === undefined) {
      const regions = this.options.rollup(name);
      leaf = new Leaf(regions.map((region) => this.regionFor(region)));
      this.leaves.set(name, leaf);
      for (const region of regions) {
        const list = this.leavesOf.get(region);
        if (list === undefined) this.leavesOf.set(region, [leaf]);
        else list.push(leaf);
      }
    }
    return leaf;
  }

  private regionFor(name: string): RegionTotals {
    let region = this.regions.get(name);
    if (region === undefined) {
      region = new RegionTotals();
      this.regions.set(name, region);
    }
    return region;
  }

  private clear(): void {
    this.openBuckets = [];
    this.#firstMinute = Number.POSITIVE_INFINITY;
    for (const leaf of this.leaves.values()) leaf.ring.fill(undefined);
    for (const region of this.regions.values()) {
      region.tags.forEach((tally) => tally.clear());
      region.posts.fill(0);
    }
  }
}

const EMPTY: ReadonlyMap<number, number> = new Map();

function windowIndex(window: WindowName): number {
  return WINDOW_LIST.findIndex((w) => w.name === window);
}

function increment(tally: Map<number, number>, id: number, by: number): void {
  const next = (tally.get(id) ?? 0) + by;
  if (next === 0) tally.delete(id);
  else tally.set(id, next);
}
