/**
 * Sparklines of a region's tags, from the window store's minute buckets (`forEachBucket`), kept per minute
 * between queries so that a query rereads only the minutes that changed since.
 *
 * Why: a sparkline sums a tag over every minute bucket of every leaf of its region. For the world at 24h
 * that is every country's 1,440 buckets, times ten listed tags: hundreds of thousands of map lookups, tens
 * of milliseconds, on every change of the store (the SSE feed asks once a second). Between two queries only
 * a few minutes change: the newest one, and any minute a late post landed in. So each (region, tag) keeps
 * its count per minute, and whoever counts a post (`PostCounts.record`) marks its minute with the store
 * version right after it (`touch`); a query rereads a minute only when it was touched after the series last
 * read it.
 *
 * Memory: 8 bytes per minute of the horizon per series (11.5 KB), at most `capacity` series (least
 * recently used go first), plus 16 bytes per minute for the marks.
 */
import { modulo } from '../../../common/browser/modulo';
import { RING_BUCKETS, type WindowStore } from './window-store';

/** Series kept: enough for the listed tags of every window and sort of the busiest regions. */
export const SPARK_SERIES_CAPACITY = 256;

interface Series {
  tagId: number;
  /** Posts with the tag per minute, at index `minute mod RING_BUCKETS`... */
  counts: Int32Array;
  /** ...valid for this minute (NaN: not read). */
  minuteOf: Float64Array;
  /** The store version the series was last brought up to date at. */
  at: number;
}

export class RegionSparks {
  /** Per ring slot: the minute of the last post there and the store version right after it. */
  private readonly touchedMinute = new Float64Array(RING_BUCKETS).fill(Number.NaN);
  private readonly touchedVersion = new Float64Array(RING_BUCKETS);
  private readonly series = new Map<string, Series>();

  constructor(
    private readonly store: WindowStore,
    private readonly capacity = SPARK_SERIES_CAPACITY,
  ) {}

  /** Records that a post was counted at `minute`, the store being at `version` after it. */
  touch(minute: number, version: number): void {
    const slot = modulo(minute, RING_BUCKETS);
    this.touchedMinute[slot] = minute;
    this.touchedVersion[slot] = version;
  }

  /** Forgets every series (for benchmarks of the cold path). */
  clear(): void {
    this.series.clear();
  }

  /**
   * Posts per slot of `slotMinutes` for each tag in `region`, over `slots` slots from `fromMinute`: one
   * Int32Array per tag, oldest slot first. Exact: equal to summing `forEachBucket` over the same minutes.
   */
  sparks(region: string, tagIds: readonly number[], fromMinute: number, slotMinutes: number, slots: number): Int32Array[] {
    const version = this.store.version;
    const toMinute = fromMinute + slots * slotMinutes - 1;
    const series = tagIds.map((id) => this.seriesFor(region, id, version));
    // Minute -> the series that must reread it.
    const stale = new Map<number, Series[]>();
    for (let minute = fromMinute; minute <= toMinute; minute += 1) {
      const slot = modulo(minute, RING_BUCKETS);
      if (this.touchedMinute[slot] !== minute) continue; // no post counted in that minute: 0 for every tag
      for (const s of series) {
        if (s.minuteOf[slot] === minute) continue;
        const list = stale.get(minute);
        if (list === undefined) stale.set(minute, [s]);
        else list.push(s);
      }
    }
    for (const [minute, list] of stale) this.reread(region, minute, list);
    for (const s of series) s.at = version;
    return series.map((s) => {
      const spark = new Int32Array(slots);
      for (let minute = fromMinute; minute <= toMinute; minute += 1) {
        const slot = modulo(minute, RING_BUCKETS);
        if (this.touchedMinute[slot] === minute && s.minuteOf[slot] === minute) {
          spark[Math.floor((minute - fromMinute) / slotMinutes)] += s.counts[slot];
        }
      }
      return spark;
    });
  }

  /** The series of (region, tag), with every minute touched since it was last brought up to date dropped. */
  private seriesFor(region: string, tagId: number, version: number): Series {
    const key = `${region}|${tagId}`;
    let s = this.series.get(key);
    if (s === undefined) {
      s = { tagId, counts: new Int32Array(RING_BUCKETS), minuteOf: new Float64Array(RING_BUCKETS).fill(Number.NaN), at: version };
      if (this.series.size >= this.capacity) this.series.delete(this.series.keys().next().value as string);
    } else {
      this.series.delete(key); // re-inserted below: the Map's order is the LRU order
      for (let slot = 0; slot < RING_BUCKETS; slot += 1) {
        if (this.touchedVersion[slot] > s.at) s.minuteOf[slot] = Number.NaN;
      }
    }
    this.series.set(key, s);
    return s;
  }

  /** Reads one minute of the region's buckets for the series that need it. */
  private reread(region: string, minute: number, needing: Series[]): void {
    const slot = modulo(minute, RING_BUCKETS);
    const ids = needing.map((s) => s.tagId);
    const sums = new Array<number>(needing.length).fill(0);
    this.store.forEachBucket(region, minute, minute, (_minute, _posts, count) => {
      for (let i = 0; i < ids.length; i += 1) sums[i] += count(ids[i]);
    });
    needing.forEach((s, i) => {
      s.counts[slot] = sums[i];
      s.minuteOf[slot] = minute;
    });
  }
}
