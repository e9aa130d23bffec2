/**
 * The hours history is still counting: posts per tag per region for each hour not yet written, by tag key
 * (not the live dictionary's ids, which are reused once a tag is forgotten). An hour is closed, and handed
 * over to be written as a part (`ClosedHour`), once the windows' end is `LATE_MINUTES` past it and no post
 * landed in it for `IDLE_MS` of arrival time: a replay that fills an hour in bursts writes it once, not once
 * per burst. A post for an hour already closed opens it again, and that part is written beside the first.
 *
 * Each part gets the next number (`seq`), saved with the open hours in the engine's snapshot: after a crash,
 * the parts written after the snapshot are deleted (their posts are lost with it, or counted again from the
 * log), so history holds exactly what the restored counts hold.
 * Memory: a Map entry per (hour, region, tag) of about 80 bytes while the hour is open, about an hour of
 * distinct tags times three regions a post, and per hour a number per tag key (`Pending.keyIndex`); the
 * pairs counted since the last read take 16 to 40 bytes each in `PairCounts` until they go into the Maps.
 *
 * Speed (issue 14): a post is counted in numbers, not in the Maps: its tag keys numbered within the hour and
 * its regions within the open hours, its (region, tag) pairs added up in typed arrays (`PairCounts`). The
 * Maps get the sums when they are read (`close`, `forEachOpen`, `snapshot`, `giveBack`), in the order their
 * regions and tags were first counted, as if every post had gone into them. Before, a post took about 14
 * string-keyed Map operations (1.9 µs of the replay's 7 µs a post); now one a key and one a region.
 * Pure: time is an argument; no I/O.
 */
import { checkNumber, checkObject, checkStrings, checkSum, checkTyped, damaged } from '../snapshot-check';
import { OWN_TOTAL, PairCounts } from '../pair-counts';

export const HOUR_MS = 3_600_000;

/** Minutes of event time past an hour before it is closed: room for a stream's stragglers and partitions read at different paces. */
export const LATE_MINUTES = 10;

/** Ms of arrival time without a post for an hour before it is closed (a replay writing it in bursts). */
export const IDLE_MS = 5_000;

/** A region's counts within an open hour, by tag key. */
export interface KeyTally {
  posts: number;
  tags: Map<string, number>;
}

/** An hour handed over to be written: the part's number, the hour (hours since the epoch), its counts by region. */
export interface ClosedHour {
  seq: number;
  hour: number;
  regions: Map<string, KeyTally>;
  /** The first spelling seen of each tag in the hour (key -> display). */
  displays: Map<string, string>;
}

interface OpenHour {
  /** The hour's counts as of its last read: `pending` holds what came since (`flush` adds it in). */
  regions: Map<string, KeyTally>;
  displays: Map<string, string>;
  /** The store's `version` when a post last landed in it: a reader keeps what it built from this hour while it stands. */
  stamp: number;
  /** Arrival time of its newest post (ms). */
  touchedMs: number;
  pending: Pending;
}

/** An open hour's posts counted since its Maps were last brought up to date, in numbers (see the opening comment). */
interface Pending {
  /** The hour's tag keys, numbered as first counted (kept while the hour is open: a key is numbered once). */
  keyIndex: Map<string, number>;
  keys: string[];
  /**
   * Posts per (region number, key number) since the last flush, and each region's posts under `OWN_TOTAL`,
   * counted before its tags: in first-counted order, a region's first entry is its posts. (A table indexed
   * by region number would grow to every region ever numbered, ~4,350, for an hour with one post.)
   */
  pairs: PairCounts;
}

function openHour(touchedMs: number): OpenHour {
  return { regions: new Map(), displays: new Map(), touchedMs, stamp: 0, pending: newPending() };
}

function newPending(): Pending {
  return { keyIndex: new Map(), keys: [], pairs: new PairCounts() };
}

/** The open hours as plain data (see engine-snapshot.ts): per hour its regions, and per region its tags. */
export interface OpenHoursSnapshot {
  seq: number;
  floorHour: number;
  hours: Float64Array;
  touchedMs: Float64Array;
  /** Per hour, how many regions. */
  regionCounts: Uint32Array;
  regions: string[];
  posts: Float64Array;
  /** Per region, how many tags. */
  tagCounts: Uint32Array;
  keys: string[];
  counts: Float64Array;
  /** Per hour, how many spellings; then the spellings' keys and forms. */
  displayCounts: Uint32Array;
  displayKeys: string[];
  displays: string[];
}

export class OpenHours {
  private readonly hours = new Map<number, OpenHour>();
  private seq = 0;
  /** Hours before this one are not counted: they were written by an earlier run (see `countFrom`). */
  private floorHour = Number.NEGATIVE_INFINITY;
  /** Changes whenever a count does: a reader that keeps what it built from the open hours compares it. */
  version = 0;
  /**
   * Every region counted in, numbered as first seen, for `Pending` (a few thousand at most: the world, the
   * countries and history's cells); kept for the life of the open hours.
   */
  private readonly regionIndex = new Map<string, number>();
  private readonly regionNames: string[] = [];

  /** The number the next closed part gets. */
  get nextSeq(): number {
    return this.seq;
  }

  /**
   * Numbers the next part `seq`, and counts no post before `countFrom` (hours since the epoch; null: any)
   * from now on, letting go of the open hours before it: a run that started without a snapshot, beside
   * buckets an earlier run wrote (or the others shared while it counted), must not count their hours again
   * when it rebuilds the day from the log.
   */
  resume(seq: number, countFrom: number | null): void {
    this.seq = seq;
    this.floorHour = Number.NEGATIVE_INFINITY;
    if (countFrom !== null) this.raiseFloor(countFrom);
  }

  /**
   * Counts no post before `hour` from now on, and lets go of the open hours before it; a lower floor than the
   * one held is ignored. While a fresh map-server takes the others' history, what it holds open stays a few
   * hours, not the day it reads from the log.
   */
  raiseFloor(hour: number): void {
    if (hour <= this.floorHour) return;
    this.floorHour = hour;
    let dropped = false;
    for (const open of [...this.hours.keys()])
      if (open < hour) {
        this.hours.delete(open);
        dropped = true;
      }
    if (dropped) this.version += 1;
  }

  /** Counts a post of event time `tsMs` in `regions`, with its tag keys and their spellings, arrived at `arrivalMs`. */
  add(tsMs: number, regions: readonly string[], keys: readonly string[], displays: readonly string[], arrivalMs: number): void {
    const hour = Math.floor(tsMs / HOUR_MS);
    if (hour < this.floorHour) return;
    let open = this.hours.get(hour);
    if (open === undefined) this.hours.set(hour, (open = openHour(arrivalMs)));
    open.touchedMs = Math.max(open.touchedMs, arrivalMs);
    const pending = open.pending;
    // The keys' numbers, in a scratch array (one a post would be garbage); loops, not forEach, for the same reason.
    if (this.keyScratch.length < keys.length) this.keyScratch = new Int32Array(2 * keys.length);
    const keyNumbers = this.keyScratch;
    for (let i = 0; i < keys.length; i += 1) {
      let k = pending.keyIndex.get(keys[i]);
      if (k === undefined) {
        k = pending.keys.push(keys[i]) - 1;
        pending.keyIndex.set(keys[i], k);
        // The first spelling stands (an hour given back may have brought one).
        if (!open.displays.has(keys[i])) open.displays.set(keys[i], displays[i] ?? keys[i]);
      }
      keyNumbers[i] = k;
    }
    for (let j = 0; j < regions.length; j += 1) {
      const r = this.regionNumber(regions[j]);
      pending.pairs.add(r, OWN_TOTAL, 1);
      for (let i = 0; i < keys.length; i += 1) pending.pairs.add(r, keyNumbers[i], 1);
    }
    this.version += 1;
    open.stamp = this.version;
  }

  /** Scratch for `add`: the numbers of a post's keys. */
  private keyScratch = new Int32Array(8);

  /** `region`'s number (see `regionIndex`), given when first seen. */
  private regionNumber(region: string): number {
    let r = this.regionIndex.get(region);
    if (r === undefined) {
      r = this.regionNames.push(region) - 1;
      this.regionIndex.set(region, r);
    }
    return r;
  }

  /**
   * Adds what `open` counted since its last read (`pending`) into its Maps, regions and tags new to them
   * appended in the order first counted: the Maps are then as if every post had gone straight into them.
   */
  private flush(open: OpenHour): void {
    const { pairs, keys } = open.pending;
    if (pairs.size === 0) return;
    // By region number, its tally while flushing: set by the region's first entry, its posts.
    const tallies = new Map<number, KeyTally>();
    pairs.forEach((r, k, count) => {
      if (k === OWN_TOTAL) {
        const region = this.regionNames[r];
        let tally = open.regions.get(region);
        if (tally === undefined) open.regions.set(region, (tally = { posts: 0, tags: new Map() }));
        tally.posts += count;
        tallies.set(r, tally);
        return;
      }
      const tags = tallies.get(r)!.tags;
      tags.set(keys[k], (tags.get(keys[k]) ?? 0) + count);
    });
    pairs.clear();
  }

  /**
   * Closes the hours over by `LATE_MINUTES` when the windows end at `endMs`, and idle since `nowMs - IDLE_MS`
   * (arrival time); `force` closes every hour but the one `endMs` is in, idle or not (a shutdown with no
   * snapshot to carry them). Oldest first, each with its part's number.
   */
  close(endMs: number, nowMs: number, force = false): ClosedHour[] {
    const closed: ClosedHour[] = [];
    const endHour = Math.floor(endMs / HOUR_MS);
    const hours = [...this.hours.keys()].sort((a, b) => a - b);
    for (const hour of hours) {
      const open = this.hours.get(hour) as OpenHour;
      const over = force ? hour < endHour : (hour + 1) * HOUR_MS + LATE_MINUTES * 60_000 <= endMs && open.touchedMs <= nowMs - IDLE_MS;
      if (!over) continue;
      this.flush(open);
      this.hours.delete(hour);
      closed.push({ seq: this.seq, hour, regions: open.regions, displays: open.displays });
      this.seq += 1;
    }
    if (closed.length > 0) this.version += 1;
    return closed;
  }

  /**
   * Holds closed hours open again (a write failed): their counts added to the hour's (a post may have opened it
   * since), closed again by the next `close` under a new number, and meanwhile saved in the snapshot.
   */
  giveBack(closed: readonly ClosedHour[]): void {
    for (const { hour, regions, displays } of closed) {
      let open = this.hours.get(hour);
      if (open === undefined) this.hours.set(hour, (open = openHour(Number.NEGATIVE_INFINITY)));
      this.flush(open);
      for (const [region, tally] of regions) {
        const into = open.regions.get(region);
        if (into === undefined) {
          open.regions.set(region, tally);
          continue;
        }
        into.posts += tally.posts;
        for (const [key, count] of tally.tags) into.tags.set(key, (into.tags.get(key) ?? 0) + count);
      }
      for (const [key, display] of displays) if (!open.displays.has(key)) open.displays.set(key, display);
      this.version += 1;
      open.stamp = this.version;
    }
  }

  /**
   * The open hours (hours since the epoch, oldest first), their counts and spellings, and the `version` when
   * each last changed (`stamp`), for queries.
   */
  forEachOpen(visit: (hour: number, regions: ReadonlyMap<string, KeyTally>, displays: ReadonlyMap<string, string>, stamp: number) => void): void {
    for (const hour of [...this.hours.keys()].sort((a, b) => a - b)) {
      const open = this.hours.get(hour) as OpenHour;
      this.flush(open);
      visit(hour, open.regions, open.displays, open.stamp);
    }
  }

  /** How many hours are open. */
  get openCount(): number {
    return this.hours.size;
  }

  /** The first open hour, or null. */
  get oldestHour(): number | null {
    let oldest: number | null = null;
    for (const hour of this.hours.keys()) if (oldest === null || hour < oldest) oldest = hour;
    return oldest;
  }

  snapshot(): OpenHoursSnapshot {
    const hours: number[] = [];
    const touchedMs: number[] = [];
    const regionCounts: number[] = [];
    const regions: string[] = [];
    const posts: number[] = [];
    const tagCounts: number[] = [];
    const keys: string[] = [];
    const counts: number[] = [];
    const displayCounts: number[] = [];
    const displayKeys: string[] = [];
    const displays: string[] = [];
    for (const [hour, open] of this.hours) {
      this.flush(open);
      displayCounts.push(open.displays.size);
      for (const [key, display] of open.displays) {
        displayKeys.push(key);
        displays.push(display);
      }
      hours.push(hour);
      touchedMs.push(open.touchedMs);
      regionCounts.push(open.regions.size);
      for (const [region, tally] of open.regions) {
        regions.push(region);
        posts.push(tally.posts);
        tagCounts.push(tally.tags.size);
        for (const [key, count] of tally.tags) {
          keys.push(key);
          counts.push(count);
        }
      }
    }
    return {
      seq: this.seq,
      floorHour: this.floorHour,
      hours: Float64Array.from(hours),
      touchedMs: Float64Array.from(touchedMs),
      regionCounts: Uint32Array.from(regionCounts),
      regions,
      posts: Float64Array.from(posts),
      tagCounts: Uint32Array.from(tagCounts),
      keys,
      counts: Float64Array.from(counts),
      displayCounts: Uint32Array.from(displayCounts),
      displayKeys,
      displays,
    };
  }

  /** The open hours `snapshot` copied; a RangeError naming the field at fault when it is not one. */
  static restore(value: unknown, where = 'history'): OpenHours {
    const s = checkObject(value, where);
    const hours = checkTyped(s.hours, Float64Array, `${where}.hours`);
    const touchedMs = checkTyped(s.touchedMs, Float64Array, `${where}.touchedMs`, hours.length);
    const regionCounts = checkTyped(s.regionCounts, Uint32Array, `${where}.regionCounts`, hours.length);
    const regions = checkStrings(s.regions, `${where}.regions`);
    checkSum(regionCounts, regions.length, `${where}.regionCounts`);
    const posts = checkTyped(s.posts, Float64Array, `${where}.posts`, regions.length);
    const tagCounts = checkTyped(s.tagCounts, Uint32Array, `${where}.tagCounts`, regions.length);
    const keys = checkStrings(s.keys, `${where}.keys`);
    checkSum(tagCounts, keys.length, `${where}.tagCounts`);
    const counts = checkTyped(s.counts, Float64Array, `${where}.counts`, keys.length);
    const displayCounts = checkTyped(s.displayCounts, Uint32Array, `${where}.displayCounts`, hours.length);
    const displayKeys = checkStrings(s.displayKeys, `${where}.displayKeys`);
    checkSum(displayCounts, displayKeys.length, `${where}.displayCounts`);
    const displays = checkStrings(s.displays, `${where}.displays`, displayKeys.length);
    const restored = new OpenHours();
    restored.seq = checkNumber(s.seq, `${where}.seq`, true);
    const floorHour = s.floorHour === Number.NEGATIVE_INFINITY ? Number.NEGATIVE_INFINITY : checkNumber(s.floorHour, `${where}.floorHour`, true);
    restored.floorHour = floorHour;
    let r = 0;
    let k = 0;
    let d = 0;
    hours.forEach((hour, h) => {
      if (!Number.isSafeInteger(hour) || restored.hours.has(hour)) damaged(`${where}.hours`, `holds ${hour} twice or not as a whole hour`);
      const open = openHour(touchedMs[h]);
      for (let i = 0; i < displayCounts[h]; i += 1, d += 1) open.displays.set(displayKeys[d], displays[d]);
      for (let i = 0; i < regionCounts[h]; i += 1, r += 1) {
        const tags = new Map<string, number>();
        for (let j = 0; j < tagCounts[r]; j += 1, k += 1) tags.set(keys[k], counts[k]);
        open.regions.set(regions[r], { posts: posts[r], tags });
      }
      restored.hours.set(hour, open);
    });
    return restored;
  }
}
