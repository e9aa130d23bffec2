/** Test helpers for history: buckets written as plain objects, and a brute-force sum of them. */
import fc from 'fast-check';
import { summaryOf, type HourSummary, type RegionTally, type SummaryHours } from '../src/core/history/hour-summary';
import { bucketIndex, encodeSummary } from '../src/core/history/bucket-file';
import { readTag, readTops } from '../src/core/history/bucket-parts';

/** A bucket's counts as a plain object: region -> its posts and tag id -> posts. */
export type PlainBucket = Record<string, { posts: number; tags: Record<number, number> }>;

/** A bucket of `hours` from `startHour` holding `regions`. */
export function bucketOf(startHour: number, regions: PlainBucket, hours: SummaryHours = 1): HourSummary {
  const tallies = new Map<string, RegionTally>();
  for (const [region, { posts, tags }] of Object.entries(regions)) {
    tallies.set(region, { posts, tags: new Map(Object.entries(tags).map(([id, count]) => [Number(id), count])) });
  }
  return summaryOf(startHour, hours, tallies);
}

/** Every tag's posts in `regions` over plain buckets (tag id -> posts), by a plain sum. */
export function sumOf(buckets: readonly PlainBucket[], regions: readonly string[]): Map<number, number> {
  const totals = new Map<number, number>();
  for (const bucket of buckets) {
    for (const region of regions) {
      for (const [id, count] of Object.entries(bucket[region]?.tags ?? {})) totals.set(Number(id), (totals.get(Number(id)) ?? 0) + count);
    }
  }
  return totals;
}

/** `totals` as a list by count descending, then `keyOf` ascending. */
export function sortedTotals(totals: ReadonlyMap<number, number>, keyOf: (id: number) => string): { id: number; count: number }[] {
  return [...totals]
    .filter(([, count]) => count > 0)
    .map(([id, count]) => ({ id, count }))
    .sort((a, b) => b.count - a.count || (keyOf(a.id) < keyOf(b.id) ? -1 : keyOf(a.id) > keyOf(b.id) ? 1 : 0));
}

/** Region names the random buckets use: the world, two countries, two cells. */
export const REGIONS = ['FR', 'JP', 'c6/1/2', 'c6/3/4', 'world'];

/** A random plain bucket: a few regions, each with a few tags of ids 0-11 (small counts, so ties are common). */
export const plainBucket: fc.Arbitrary<PlainBucket> = fc
  .uniqueArray(
    fc.record({
      region: fc.constantFrom(...REGIONS),
      tags: fc.dictionary(fc.integer({ min: 0, max: 11 }).map(String), fc.integer({ min: 1, max: 6 }), { maxKeys: 8 }),
      extra: fc.integer({ min: 0, max: 5 }),
    }),
    { selector: (r) => r.region, maxLength: REGIONS.length },
  )
  .map((rows) => {
    const bucket: PlainBucket = {};
    for (const { region, tags, extra } of rows) {
      const counts = Object.values(tags);
      bucket[region] = { posts: Math.max(0, ...counts) + extra, tags };
    }
    return bucket;
  });

/** A bucket's counts back as a plain object, read through `regionIndex`, `postsOf` and `countOf` (ids 0-11). */
export function plainOf(summary: HourSummary): PlainBucket {
  const plain: PlainBucket = {};
  for (const region of summary.regions) {
    const r = summary.regionIndex(region);
    const tags: Record<number, number> = {};
    for (let id = 0; id <= 11; id += 1) if (summary.countOf(r, id) > 0) tags[id] = summary.countOf(r, id);
    plain[region] = { posts: summary.postsOf(r), tags };
  }
  return plain;
}

/** Region r's rows in `byCount` order, as [id, count]. */
export function rankedRows(summary: HourSummary, r: number): [number, number][] {
  const rows: [number, number][] = [];
  for (let row = summary.rowStart[r]; row < summary.rowStart[r + 1]; row += 1) {
    const at = summary.byCount[row];
    rows.push([summary.ids[at], summary.counts[at]]);
  }
  return rows;
}

/** A small bucket: the world, a country and a cell with no tags. */
export const sample = (): HourSummary =>
  bucketOf(491_000, {
    world: { posts: 9, tags: { 4: 3, 1: 3, 7: 5, 2: 1 } },
    FR: { posts: 4, tags: { 1: 3, 9: 1 } },
    'c6/32/22': { posts: 2, tags: {} },
  });

/** A bucket's file in memory: a reader of it, its index, and a count read from it by binary search. */
function fileOf(summary: HourSummary, topRows?: number) {
  const bytes = encodeSummary(summary, topRows);
  const read = (offset: number, length: number) => bytes.subarray(offset, offset + length);
  const index = bucketIndex(read, bytes.length);
  return { read, index, rest: (r: number, id: number) => index.countOf(read, r, id) };
}

/** A bucket as `readTops` reads it from its file (tops of `topRows`): big regions' busiest rows only. */
export function busiestOf(summary: HourSummary, topRows: number): HourSummary {
  const { read, index, rest } = fileOf(summary, topRows);
  return readTops(read, index, () => true, rest);
}

/** A bucket as `readTag` reads one tag's rows of it from its file. */
export function taggedOf(summary: HourSummary, id: number): HourSummary {
  const { read, index, rest } = fileOf(summary);
  return readTag(read, index, () => true, id, rest);
}
