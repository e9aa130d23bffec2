/**
 * Sliding-window hashtag counts per region, in event time.
 *
 * Time comes in two units, each with one name, the unit in it:
 * - `…Ms`: epoch milliseconds, as an event's `ts` (`atMs`, `endMs`);
 * - `…Minute`: a minute number since the epoch, `floor(ms / BUCKET_MS)` (`endMinute`, `firstPostMinute`, a
 *   bucket's `start`).
 *
 * Shape, and why:
 * - Time is cut into the tiered buckets of tiers.ts, as the tile counts are: minutes for the newest hour,
 *   10 minutes to 6 h, hours to 24 h. A window holds the buckets any of whose minutes are among its own (the
 *   newest minute, the one holding `endMs`, and the ones before it): the 15m and 1h windows are exact to the
 *   minute, the 6h window starts on a 10-minute boundary and the 24h window on the hour (`windowFrom` says
 *   where). Memory grows with the distinct tags of each bucket, not with the minutes of the day: a tag
 *   talked about all day costs 24 hour entries, not 1,440 minute ones.
 * - Events land in a *leaf* (a country, or the sea). Each time bucket keeps, per leaf, a tally of tag id ->
 *   posts. Only leaves hold tallies; the regions a leaf rolls up into (the country itself and the world) hold
 *   one running total per window. That stores every event once, not once per region, and makes the world's
 *   totals as cheap as a country's.
 * - add is O(tags x windows x rollups). When the end moves forward, each bucket whose last minute leaves a
 *   window is subtracted from that window's totals: each bucket is subtracted once per window over its life,
 *   so expiry costs the same as insertion, amortised. Rolling buckets into a coarser tier leaves the totals
 *   as they are (the same posts, in the same windows), except after a jump forward of hours, when a part
 *   that had left a window comes back with the coarser bucket that window still holds. A top-k query scans
 *   one region's totals for one window.
 * - Past the budget (`WindowStoreOptions.budgetBytes`), settled tallies are summarised (see `fitBudget`).
 * - Speed (issue 14): a post in a bucket every window holds (the newest 15 minutes: most posts) is added to
 *   its leaf's tally and to `pending` (numbers in typed arrays), not to the 4 windows' totals of each region
 *   it rolls up into (16 Map operations a tag): `flush` adds the pending sums to the totals before anything
 *   reads or changes them (a query, the end moving, a late post), in the order first counted, so they are
 *   then as if every post had gone straight into them. The pending numbers hold at most a minute's
 *   distinct (leaf, tag) pairs, 16 to 40 bytes each (about 13 MB at 6,000 posts/s), let go at each minute,
 *   and are empty whenever the budget is checked (`bytes` adds them in first).
 * - Memory: a closed tally costs 4 bytes per distinct tag in it (8 past 16-bit ids or counts; see `Tally`), and the totals about 40 bytes
 *   per distinct tag per window per region.
 */
import { WINDOWS, type WindowName } from '../../../common/browser/windows';
import { modulo } from '../../../common/browser/modulo';
import { topK, type Ranked } from './top-k';
import { HORIZON_MINUTES, MINUTE_TIER, ROLL_UPS, isDropped, placeOf, rollsUp } from './tiers';
import { Tally, increment } from './tally';
import { OWN_TOTAL, PairCounts } from './pair-counts';
import { SUMMARY_KEEPS } from './tile-budget';
import { checkNullableNumber, checkNumber, checkObject, checkSame, checkStrings, checkSum, checkTyped, damaged } from './snapshot-check';

/** The length of a minute: the finest resolution of every window, in ms. */
export const BUCKET_MS = 60_000;

/** The minutes counts are kept for: the largest window. (Named when the store was a ring of minutes.) */
export const RING_BUCKETS = HORIZON_MINUTES;

const WINDOW_LIST = Object.entries(WINDOWS).map(([name, minutes]) => ({ name: name as WindowName, minutes }));

/** Running totals of one region for every window. */
class RegionTotals {
  readonly tags: Map<number, number>[] = WINDOW_LIST.map(() => new Map<number, number>());
  readonly posts: number[] = WINDOW_LIST.map(() => 0);
  /** The sum of the errors of the tallies in each window: how much any of its counts may fall short. */
  readonly errors: number[] = WINDOW_LIST.map(() => 0);
}

/** What a tag's running total takes in a region's window, in bytes (a Map entry of two numbers: V8's hash table). */
export const TOTAL_BYTES = 40;

/** One time bucket: `minutes` (1, 10 or 60) from `start`, a tally per leaf (by the leaf's index). */
class TimeBucket {
  readonly tallies: (Tally | undefined)[] = [];
  /** The store's version when a post last landed in it (or it was made): sparkline caches compare it. */
  stamp: number;
  constructor(
    readonly start: number,
    readonly minutes: number,
    stamp: number,
  ) {
    this.stamp = stamp;
  }

  get last(): number {
    return this.start + this.minutes - 1;
  }
}

class Leaf {
  constructor(
    readonly index: number,
    readonly rollups: RegionTotals[],
  ) {}
}

/** One time bucket as a region sees it (`forEachBucket`). */
export interface RegionBucket {
  start: number;
  minutes: number;
  /** Changes whenever a post lands in the bucket: a reader may keep what it read while it is the same. */
  stamp: number;
  /** Posts of the region in the bucket. */
  posts: number;
  /** Posts with tag `id`. */
  count(id: number): number;
}

export type AddResult = 'added' | 'stale';

/**
 * A store as plain data: where the windows end, the version, the leaves by name, and every tally held as
 * parallel arrays (one entry a tally) with their (tag id, posts) pairs concatenated. No running totals:
 * they are sums of the tallies, rebuilt on restore, so they cannot disagree with them.
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
  /** Per tally: its leaf (an index into `leaves`), its bucket's start minute, posts, and how many (id, count) pairs it has... */
  bucketLeaf: Uint32Array;
  bucketMinute: Float64Array;
  bucketPosts: Uint32Array;
  bucketPairs: Uint32Array;
  /** ...and its bucket's length in minutes (1, 10 or 60), and its error (absent before snapshot format 4: all minutes, all exact). */
  bucketLength?: Uint32Array;
  bucketError?: Uint32Array;
  /** The pairs, `[id, count, id, count, ...]`, ids ascending within a tally, tally after tally. */
  pairs: Uint32Array;
}

export interface WindowStoreOptions {
  /** The regions a leaf's events count in, besides the leaf itself being stored. */
  rollup: (leaf: string) => string[];
  /**
   * What the tallies and the running totals may take, in bytes (`bytes`; default: no limit). Past it, the
   * settled tallies are summarised each time the end moves to a new minute, until they fit; until then every
   * count is exact.
   */
  budgetBytes?: number;
}

export class WindowStore {
  private readonly leaves = new Map<string, Leaf>();
  /** The same leaves, by index (`Leaf.index`, where a bucket keeps their tallies). */
  private readonly leafList: Leaf[] = [];
  private readonly regions = new Map<string, RegionTotals>();
  /** The leaves that roll up into each region. */
  private readonly leavesOf = new Map<string, Leaf[]>();
  /** The buckets of each tier (minutes, 10 minutes, hours), by start minute. */
  private readonly tiers = [new Map<number, TimeBucket>(), new Map<number, TimeBucket>(), new Map<number, TimeBucket>()];
  /** The newest time seen or advanced to, in ms (null before the first). */
  #endMs: number | null = null;
  /** Its minute, `floor(#endMs / BUCKET_MS)` (-Infinity before the first, so comparisons need no null check). */
  #endMinute = Number.NEGATIVE_INFINITY;
  /** The oldest minute a post was added in since the start or since the store last emptied (see `firstPostMinute`). */
  #firstMinute = Number.POSITIVE_INFINITY;
  #version = 0;
  /** Tallies still a Map (see `Tally`). */
  private openTallies: { tally: Tally; bucket: TimeBucket }[] = [];
  /**
   * Posts per (leaf index, tag id) counted in a bucket every window holds and not yet in the totals (`flush`),
   * and each leaf's posts under `OWN_TOTAL`.
   */
  private readonly pending = new PairCounts();

  constructor(private readonly options: WindowStoreOptions) {
    this.budgetBytes = options.budgetBytes ?? Number.POSITIVE_INFINITY;
  }

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
   * The oldest minute holding a post since the store started or last emptied, however long ago (null before
   * any post): the 24h window's hour buckets reach back before the day, and must know whether their first
   * minutes had history.
   */
  get firstPostMinute(): number | null {
    return Number.isFinite(this.#firstMinute) ? this.#firstMinute : null;
  }

  /**
   * The first minute `window` counts (null before any event): its first minute rounded back to the start of
   * the bucket it is filed in (exact up to 1h, to 10 minutes at 6h, to the hour at 24h).
   */
  windowFrom(window: WindowName): number | null {
    if (this.#endMs === null) return null;
    return placeOf(this.#endMinute - WINDOWS[window] + 1, this.#endMinute).start;
  }

  /**
   * True when an event at `atMs` would fall before every window: its bucket (its hour, that far back) is out
   * of the day. By bucket, not by minute, so that a post counts whether it came before or after a newer one.
   */
  isStale(atMs: number): boolean {
    const minute = Math.floor(atMs / BUCKET_MS);
    // The newest hour is in minute buckets, never dropped: most posts are answered without making a Place (issue 14).
    if (minute > this.#endMinute - MINUTE_TIER) return false;
    const place = placeOf(minute, this.#endMinute);
    return isDropped(place.start, this.#endMinute);
  }

  /** Counts one post with the given (distinct) tag ids, at event time `atMs`, in `leaf`. */
  add(atMs: number, leaf: string, tagIds: readonly number[]): AddResult {
    const minute = Math.floor(atMs / BUCKET_MS);
    if (this.#endMs === null || atMs > this.#endMs) this.advanceTo(atMs);
    else if (this.isStale(atMs)) return 'stale';
    const into = this.leafFor(leaf);
    this.#firstMinute = Math.min(this.#firstMinute, minute);
    const bucket = this.bucketFor(minute);
    let tally = bucket.tallies[into.index];
    if (tally === undefined) {
      tally = new Tally();
      bucket.tallies[into.index] = tally;
      this.openTallies.push({ tally, bucket });
    } else if (!tally.isOpen) {
      this.openTallies.push({ tally, bucket });
    }
    tally.posts += 1;
    for (const id of tagIds) tally.add(id);
    if (bucket.last > this.#endMinute - SHORTEST_WINDOW) {
      // In every window: counted in numbers now, in the totals when they are next read (see the opening comment).
      this.pending.add(into.index, OWN_TOTAL, 1);
      for (let t = 0; t < tagIds.length; t += 1) this.pending.add(into.index, tagIds[t], 1);
    } else {
      // A late post, in some windows only: the pending counts go in first, so the totals change in the order the posts came.
      this.flush();
      for (let w = 0; w < WINDOW_LIST.length; w += 1) {
        if (bucket.last <= this.#endMinute - WINDOW_LIST[w].minutes) continue;
        for (const region of into.rollups) {
          region.posts[w] += 1;
          for (const id of tagIds) increment(region.tags[w], id, 1);
        }
      }
    }
    this.#version += 1;
    bucket.stamp = this.#version;
    return 'added';
  }

  /**
   * Moves the end of every window forward to `toMs` (never back): takes out of each window's totals the
   * buckets that left it, rolls the buckets past their tier into the next, and drops those past the day.
   */
  advanceTo(toMs: number): void {
    if (this.#endMs !== null && toMs <= this.#endMs) return;
    const newEndMinute = Math.floor(toMs / BUCKET_MS);
    const oldEndMinute = this.#endMinute;
    this.#endMs = toMs;
    if (newEndMinute === oldEndMinute) return;
    // The pending posts were in every window of the old end: into the totals before buckets leave them.
    this.flush();
    this.#endMinute = newEndMinute;
    this.#version += 1;
    this.packClosedTallies();
    for (const tier of this.tiers) {
      for (const bucket of tier.values()) {
        for (let w = 0; w < WINDOW_LIST.length; w += 1) {
          // Its last minute was inside window w and is not any more.
          if (!this.holds(bucket, w) && bucket.last > oldEndMinute - WINDOW_LIST[w].minutes) this.applyBucket(bucket, w, -1);
        }
      }
    }
    ROLL_UPS.forEach(({ size, reach }, from) => this.rollUp(from, size, reach));
    for (const tier of this.tiers) {
      for (const start of tier.keys()) if (isDropped(start, newEndMinute)) tier.delete(start);
    }
    if (this.tiers.every((tier) => tier.size === 0)) this.#firstMinute = Number.POSITIVE_INFINITY;
    this.fitBudget();
  }

  /** How much any count of `region` over `window` may fall short (0: all exact): its tallies summarised past the budget. */
  error(region: string, window: WindowName): number {
    this.flush();
    return this.regions.get(region)?.errors[windowIndex(window)] ?? 0;
  }

  /** What the tallies and running totals take, in bytes: a tally's pairs as packed (`Tally.bytes`), `TOTAL_BYTES` a tag of a window's totals. */
  bytes(): number {
    this.flush();
    return this.stats().bytes + this.totalEntries() * TOTAL_BYTES;
  }

  /** Posts counted in `region` over `window`. */
  total(region: string, window: WindowName): number {
    this.flush();
    return this.regions.get(region)?.posts[windowIndex(window)] ?? 0;
  }

  /**
   * The tally of tag id -> posts in `region` over `window` (read-only view; empty for an unseen region), as of
   * this call: posts added since reach it when the store is next read (see `flush`), so read it again after adding.
   */
  tally(region: string, window: WindowName): ReadonlyMap<number, number> {
    this.flush();
    return this.regions.get(region)?.tags[windowIndex(window)] ?? EMPTY;
  }

  /** The `k` most counted tags, by count descending then key ascending. */
  top(region: string, window: WindowName, k: number, keyOf: (id: number) => string): Ranked[] {
    return topK(this.tally(region, window), k, keyOf);
  }

  /**
   * Calls `visit` with every time bucket that holds any of minutes `fromMinute` to `toMinute` (inclusive) and
   * a post of a leaf rolling up into `region`, oldest first, as the region sees it.
   */
  forEachBucket(region: string, fromMinute: number, toMinute: number, visit: (bucket: RegionBucket) => void): void {
    const leaves = this.leavesOf.get(region) ?? [];
    const buckets = this.tiers.flatMap((tier) => [...tier.values()]).filter((b) => b.start <= toMinute && b.last >= fromMinute);
    for (const bucket of buckets.sort((a, b) => a.start - b.start)) {
      if (!leaves.some((leaf) => bucket.tallies[leaf.index] !== undefined)) continue;
      // The region's tallies, gathered when first read: a reader that has the bucket already reads nothing.
      let tallies: Tally[] | null = null;
      const own = () => (tallies ??= leaves.flatMap((leaf) => bucket.tallies[leaf.index] ?? []));
      visit({
        start: bucket.start,
        minutes: bucket.minutes,
        stamp: bucket.stamp,
        get posts() {
          return own().reduce((sum, tally) => sum + tally.posts, 0);
        },
        count: (id) => own().reduce((sum, tally) => sum + tally.count(id), 0),
      });
    }
  }

  /** What the tallies and totals may take now (`WindowStoreOptions.budgetBytes`; the owner may lower it, see `PostCounts`). */
  budgetBytes: number;

  /** Sets `live[id]` to 1 for every tag id a tally or a running total holds: what the dictionary must not forget. */
  markTagIds(live: Uint8Array): void {
    this.flush();
    for (const tier of this.tiers) {
      for (const bucket of tier.values()) for (const tally of bucket.tallies) tally?.forEach((id) => (live[id] = 1));
    }
    for (const region of this.regions.values()) for (const tally of region.tags) for (const id of tally.keys()) live[id] = 1;
  }

  /** Regions that have held any post since the start. */
  regionNames(): string[] {
    return [...this.regions.keys()];
  }

  /** What the buckets hold, for benchmarks: buckets, tallies, (tag, count) pairs and the bytes of the packed ones. */
  stats(): { buckets: number; tallies: number; pairs: number; bytes: number } {
    let tallies = 0;
    let pairs = 0;
    let bytes = 0;
    for (const tier of this.tiers) {
      for (const bucket of tier.values()) {
        for (const tally of bucket.tallies) {
          if (tally === undefined) continue;
          tallies += 1;
          pairs += tally.pairCount;
          bytes += tally.bytes;
        }
      }
    }
    return { buckets: this.tiers.reduce((n, tier) => n + tier.size, 0), tallies, pairs, bytes };
  }

  /** A copy of what the store holds, as plain data (see `WindowStoreSnapshot`). */
  snapshot(): WindowStoreSnapshot {
    const held: { leaf: number; bucket: TimeBucket; tally: Tally }[] = [];
    for (const bucket of this.tiers.flatMap((tier) => [...tier.values()]).sort((a, b) => a.start - b.start)) {
      bucket.tallies.forEach((tally, leaf) => {
        if (tally !== undefined) held.push({ leaf, bucket, tally });
      });
    }
    const pairs = new Uint32Array(2 * held.reduce((n, { tally }) => n + tally.pairCount, 0));
    let at = 0;
    for (const { tally } of held) {
      const own = tally.pairs();
      pairs.set(own, at);
      at += own.length;
    }
    return {
      bucketMs: BUCKET_MS,
      ringBuckets: RING_BUCKETS,
      endMs: this.#endMs,
      firstMinute: this.firstPostMinute,
      version: this.#version,
      leaves: [...this.leaves.keys()],
      bucketLeaf: Uint32Array.from(held, ({ leaf }) => leaf),
      bucketMinute: Float64Array.from(held, ({ bucket }) => bucket.start),
      bucketPosts: Uint32Array.from(held, ({ tally }) => tally.posts),
      bucketPairs: Uint32Array.from(held, ({ tally }) => tally.pairCount),
      bucketLength: Uint32Array.from(held, ({ bucket }) => bucket.minutes),
      bucketError: Uint32Array.from(held, ({ tally }) => tally.error),
      pairs,
    };
  }

  /**
   * The store `snapshot` copied, its leaves rolling up as `options` say, its running totals summed again
   * from the tallies; every tag id must be under `tagCount`. A tally saved in a finer bucket than its minutes
   * are filed in now (every minute of a save before format 4) is merged into the bucket they are filed in.
   * `where` names it in the RangeError a malformed snapshot gets.
   */
  static restore(snapshot: WindowStoreSnapshot, options: WindowStoreOptions, tagCount: number, where = 'store'): WindowStore {
    const s = checkObject(snapshot, where);
    checkSame(s.bucketMs, BUCKET_MS, `${where}.bucketMs`);
    checkSame(s.ringBuckets, RING_BUCKETS, `${where}.ringBuckets`);
    const endMs = checkNullableNumber(s.endMs, `${where}.endMs`);
    const firstMinute = checkNullableNumber(s.firstMinute, `${where}.firstMinute`, true);
    const leafIndex = checkTyped(s.bucketLeaf, Uint32Array, `${where}.bucketLeaf`);
    const tallies = leafIndex.length;
    const starts = checkTyped(s.bucketMinute, Float64Array, `${where}.bucketMinute`, tallies);
    const posts = checkTyped(s.bucketPosts, Uint32Array, `${where}.bucketPosts`, tallies);
    const pairCounts = checkTyped(s.bucketPairs, Uint32Array, `${where}.bucketPairs`, tallies);
    const lengths =
      s.bucketLength === undefined ? new Uint32Array(tallies).fill(1) : checkTyped(s.bucketLength, Uint32Array, `${where}.bucketLength`, tallies);
    const errors = s.bucketError === undefined ? new Uint32Array(tallies) : checkTyped(s.bucketError, Uint32Array, `${where}.bucketError`, tallies);
    const pairs = checkTyped(s.pairs, Uint32Array, `${where}.pairs`);
    checkSum(pairCounts, pairs.length, `${where}.bucketPairs`, 2);
    const store = new WindowStore(options);
    store.#version = checkNumber(s.version, `${where}.version`, true);
    const names = checkStrings(s.leaves, `${where}.leaves`);
    const leaves = names.map((name) => store.leafFor(name));
    if (store.leaves.size !== names.length) damaged(`${where}.leaves`, 'a leaf is there twice');
    if (endMs === null) {
      if (tallies > 0 || firstMinute !== null) damaged(`${where}.endMs`, 'is null, yet the store holds posts');
      return store;
    }
    store.#endMs = endMs;
    store.#endMinute = Math.floor(endMs / BUCKET_MS);
    if (firstMinute === null && tallies > 0) damaged(`${where}.firstMinute`, 'is null, yet the store holds posts');
    store.#firstMinute = firstMinute ?? Number.POSITIVE_INFINITY;
    const seen = new Set<string>();
    let at = 0;
    for (let i = 0; i < tallies; i += 1) {
      const [start, minutes, leaf] = [starts[i], lengths[i], leaves[leafIndex[i]]];
      if (leaf === undefined) damaged(`${where}.bucketLeaf[${i}]`, `leaf ${leafIndex[i]} is not in the ${names.length} leaves`);
      const place = placeOf(start, store.#endMinute);
      const fits = (minutes === 1 || minutes === 10 || minutes === 60) && modulo(start, minutes) === 0 && minutes <= place.minutes;
      if (!Number.isInteger(start) || !fits || start > store.#endMinute || isDropped(start, store.#endMinute)) {
        damaged(
          `${where}.bucketMinute[${i}]`,
          `a bucket of ${minutes} minute(s) from minute ${start} is not in the day ending at minute ${store.#endMinute}`,
        );
      }
      const key = `${leafIndex[i]}|${start}|${minutes}`;
      if (seen.has(key)) damaged(`${where}.bucketMinute[${i}]`, `the bucket of minute ${start} is there twice in leaf ${names[leafIndex[i]]}`);
      seen.add(key);
      const tally = Tally.packedFrom(posts[i], pairs.slice(at, (at += 2 * pairCounts[i])), tagCount, `${where}.pairs`);
      tally.error = errors[i];
      const bucket = store.bucketFor(start);
      const held = bucket.tallies[leaf.index];
      bucket.tallies[leaf.index] = held === undefined ? tally : Tally.merged(held, tally);
    }
    for (const tier of store.tiers) {
      for (const bucket of tier.values()) for (let w = 0; w < WINDOW_LIST.length; w += 1) if (store.holds(bucket, w)) store.applyBucket(bucket, w, 1);
    }
    // As saved: this run's budget applies from the next minute on, as it would have in the saved run.
    return store;
  }

  /**
   * Adds the pending posts (counted in buckets every window holds, see `add`) into the totals of every window
   * of each region their leaves roll up into, posts and tags in the order first counted,
   * so that a tag new to a total is inserted where counting post by post would have put it.
   */
  private flush(): void {
    if (this.pending.size === 0) return;
    this.pending.forEach((index, id, count) => {
      for (const region of this.leafList[index].rollups) {
        for (let w = 0; w < WINDOW_LIST.length; w += 1) {
          if (id === OWN_TOTAL) region.posts[w] += count;
          else increment(region.tags[w], id, count);
        }
      }
    });
    this.pending.clear();
  }

  /** Whether window `w` holds `bucket`: any of its minutes is in the window. */
  private holds(bucket: TimeBucket, w: number): boolean {
    return bucket.last > this.#endMinute - WINDOW_LIST[w].minutes;
  }

  /** Adds (`sign` 1) or takes away (-1) a bucket's posts and tags in window `w`'s totals of each region its leaves roll up into. */
  private applyBucket(bucket: TimeBucket, w: number, sign: 1 | -1): void {
    bucket.tallies.forEach((tally, index) => {
      if (tally === undefined) return;
      for (const region of this.leafList[index].rollups) {
        region.posts[w] += sign * tally.posts;
        region.errors[w] += sign * tally.error;
        tally.forEach((id, count) => increment(region.tags[w], id, sign * count));
      }
    });
  }

  /**
   * Merges the buckets of tier `from` whose `size`-minute group is wholly older than `reach` into the next
   * tier's. A window holds the merged bucket if it held any part: the parts it did not (only after a jump
   * forward of hours) are added to its totals.
   */
  private rollUp(from: number, size: number, reach: number): void {
    const groups = new Map<number, TimeBucket[]>();
    for (const [start, bucket] of this.tiers[from]) {
      if (!rollsUp(start, size, reach, this.#endMinute)) continue;
      this.tiers[from].delete(start);
      const group = start - modulo(start, size);
      const members = groups.get(group);
      if (members === undefined) groups.set(group, [bucket]);
      else members.push(bucket);
    }
    const to = this.tiers[from + 1];
    for (const [group, members] of groups) {
      const target = to.get(group) ?? new TimeBucket(group, size, this.#version);
      for (const member of members) {
        for (let w = 0; w < WINDOW_LIST.length; w += 1) if (this.holds(target, w) && !this.holds(member, w)) this.applyBucket(member, w, 1);
        member.tallies.forEach((tally, index) => {
          if (tally === undefined) return;
          const held = target.tallies[index];
          if (held !== undefined) target.tallies[index] = Tally.merged(held, tally);
          else {
            tally.pack();
            target.tallies[index] = tally;
          }
        });
      }
      target.stamp = this.#version;
      to.set(group, target);
    }
  }

  /**
   * Past the budget, summarises the settled tallies (`Tally.summarised`) until they fit: the coarsest tier
   * first (hours, then 10 minutes, then minutes), within a tier with each of `SUMMARY_KEEPS` tags in turn,
   * the oldest bucket first, so that the 15m and 1h windows lose detail last. The newest two minutes, which
   * still take most of the late posts, are never summarised. What a tag loses comes off the totals of the
   * windows holding its bucket, and the tally's error is added to theirs; the bucket's stamp moves, so
   * sparklines read it again. True when it summarised any.
   */
  private fitBudget(): boolean {
    const budget = this.budgetBytes;
    let used = this.bytes();
    if (used <= budget) return false;
    this.#version += 1;
    for (const tier of [...this.tiers].reverse()) {
      const settled = [...tier.values()].filter((bucket) => bucket.last < this.#endMinute - 1).sort((a, b) => a.start - b.start);
      for (const keep of SUMMARY_KEEPS) {
        for (const bucket of settled) {
          if (used <= budget) break;
          used += this.summarise(bucket, keep);
        }
        // The totals shrink as tags leave every bucket of a window: counted again once a step.
        used = this.bytes();
        if (used <= budget) return true;
      }
    }
    return true;
  }

  /** Summarises each tally of `bucket` to `keep` tags (see `fitBudget`); returns the bytes its pairs changed by. */
  private summarise(bucket: TimeBucket, keep: number): number {
    const windows = WINDOW_LIST.map((_, w) => w).filter((w) => this.holds(bucket, w));
    let change = 0;
    bucket.tallies.forEach((tally, index) => {
      if (tally === undefined) return;
      const regions = this.leafList[index].rollups;
      const summary = tally.summarised(keep, (id, by) => {
        for (const w of windows) for (const region of regions) increment(region.tags[w], id, -by);
      });
      if (summary === null) return;
      for (const w of windows) for (const region of regions) region.errors[w] += summary.error - tally.error;
      bucket.tallies[index] = summary;
      bucket.stamp = this.#version;
      change += summary.bytes - tally.bytes;
    });
    return change;
  }

  /** Tags in the running totals, over every region and window. */
  private totalEntries(): number {
    let entries = 0;
    for (const region of this.regions.values()) for (const tally of region.tags) entries += tally.size;
    return entries;
  }

  /** The bucket `minute` is filed in now (see tiers.ts), made when missing. */
  private bucketFor(minute: number): TimeBucket {
    // The newest hour's minutes (most posts') are their own minute buckets: found without making a Place (issue 14).
    if (minute > this.#endMinute - MINUTE_TIER) return this.bucketIn(0, minute, 1);
    const { tier, start, minutes } = placeOf(minute, this.#endMinute);
    return this.bucketIn(tier, start, minutes);
  }

  /** The bucket of tier `tier` from minute `start`, `minutes` long, made when missing. */
  private bucketIn(tier: number, start: number, minutes: number): TimeBucket {
    let bucket = this.tiers[tier].get(start);
    if (bucket === undefined) {
      bucket = new TimeBucket(start, minutes, this.#version);
      this.tiers[tier].set(start, bucket);
    }
    return bucket;
  }

  /** Packs the tallies of buckets before the newest minute: only the newest minute still gets most posts. */
  private packClosedTallies(): void {
    const stillOpen: { tally: Tally; bucket: TimeBucket }[] = [];
    for (const open of this.openTallies) {
      if (open.bucket.last < this.#endMinute) open.tally.pack();
      else stillOpen.push(open);
    }
    this.openTallies = stillOpen;
  }

  private leafFor(name: string): Leaf {
    let leaf = this.leaves.get(name);
    if (leaf === undefined) {
      const regions = this.options.rollup(name);
      leaf = new Leaf(
        this.leafList.length,
        regions.map((region) => this.regionFor(region)),
      );
      this.leaves.set(name, leaf);
      this.leafList.push(leaf);
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
}

const EMPTY: ReadonlyMap<number, number> = new Map();

/** The shortest window, in minutes: a bucket whose last minute is inside it is in every window. */
const SHORTEST_WINDOW = Math.min(...WINDOW_LIST.map((w) => w.minutes));

function windowIndex(window: WindowName): number {
  return WINDOW_LIST.findIndex((w) => w.name === window);
}
