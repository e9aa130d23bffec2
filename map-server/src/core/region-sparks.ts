/**
 * Sparklines of a region's tags, from the window store's time buckets (`forEachBucket`), kept per bucket
 * between queries so that a query rereads only the buckets that changed since.
 *
 * Why: a sparkline sums a tag over every bucket of every leaf of its region. For the world at 24h that is
 * every country's ~110 buckets, times ten listed tags, on every change of the store (the SSE feed asks once
 * a second). Between two queries only a few buckets change: the newest minute, a bucket a late post landed
 * in, and the ones rolled up. Each bucket carries a stamp that changes when it does; each (region, tag)
 * series keeps its count per bucket with the stamp it read, and rereads a bucket only when the stamp moved.
 *
 * A bucket longer than a sparkline slot (an hour bucket under 30-minute slots) is spread over the slots it
 * overlaps in proportion to its minutes there (`spread`), as the boxes' sparklines are; a bucket starting
 * before the first slot goes into the first slot. So the slots add up to the window's count.
 *
 * Memory: a few numbers per bucket of the day (~110) per series, at most `capacity` series (least recently
 * used go first).
 */
import { spread } from './tile-box';
import { isDropped, placeOf } from './tiers';
import type { WindowStore } from './window-store';

/** Series kept: enough for the listed tags of every window and sort of the busiest regions. */
export const SPARK_SERIES_CAPACITY = 256;

/** A series' count in one bucket, and the bucket's stamp when it was read. */
interface Read {
  stamp: number;
  count: number;
}

export class RegionSparks {
  /** Per (region, tag): its count per bucket (`start|minutes`). */
  private readonly series = new Map<string, Map<string, Read>>();

  constructor(
    private readonly store: Pick<WindowStore, 'forEachBucket' | 'endMinute'>,
    private readonly capacity = SPARK_SERIES_CAPACITY,
  ) {}

  /** Forgets every series (for benchmarks of the cold path). */
  clear(): void {
    this.series.clear();
  }

  /** Forgets the series of the tags `isLive` says no to: their ids go to other tags (`TagDictionary.retain`). */
  retain(isLive: (id: number) => boolean): void {
    for (const key of [...this.series.keys()]) if (!isLive(Number(key.slice(key.lastIndexOf('|') + 1)))) this.series.delete(key);
  }

  /**
   * Posts per slot of `slotMinutes` for each tag in `region`, over `slots` slots from `fromMinute`: one
   * Int32Array per tag, oldest slot first, from the buckets holding any of those minutes (see the opening
   * comment for buckets longer than a slot).
   */
  sparks(region: string, tagIds: readonly number[], fromMinute: number, slotMinutes: number, slots: number): Int32Array[] {
    const toMinute = fromMinute + slots * slotMinutes - 1;
    const kept = tagIds.map((id) => this.seriesFor(region, id));
    const out = tagIds.map(() => new Int32Array(slots));
    this.store.forEachBucket(region, fromMinute, toMinute, (bucket) => {
      const key = `${bucket.start}|${bucket.minutes}`;
      tagIds.forEach((id, i) => {
        let read = kept[i].get(key);
        if (read === undefined || read.stamp !== bucket.stamp) {
          read = { stamp: bucket.stamp, count: bucket.count(id) };
          kept[i].set(key, read);
        }
        spread(read.count, bucket.start, bucket.minutes, fromMinute, slotMinutes, out[i]);
      });
    });
    // A series keeps the buckets of every window it was read over (15m and 24h alike), and lets go of those
    // that no longer exist: rolled into a coarser one, or out of the day.
    const end = this.store.endMinute;
    tagIds.forEach((id, i) => {
      if (end !== null) {
        for (const key of kept[i].keys()) {
          const [start, minutes] = key.split('|').map(Number);
          if (isDropped(start, end) || placeOf(start, end).minutes !== minutes) kept[i].delete(key);
        }
      }
      this.series.set(`${region}|${id}`, kept[i]);
    });
    return out;
  }

  /** The series of (region, tag), moved to the most recently used end; the least recently used dropped past `capacity`. */
  private seriesFor(region: string, tagId: number): Map<string, Read> {
    const key = `${region}|${tagId}`;
    const s = this.series.get(key) ?? new Map<string, Read>();
    this.series.delete(key); // re-inserted by `sparks`: the Map's order is the LRU order
    while (this.series.size >= this.capacity) this.series.delete(this.series.keys().next().value as string);
    return s;
  }
}
