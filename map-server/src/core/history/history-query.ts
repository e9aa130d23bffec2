/**
 * Reads history's buckets (`HourSummary`): the top tags of a region over a span, a tag's posts per country,
 * a timeline, the rows of an export. Every function takes the buckets a span is made of (any mix of hours,
 * days and parts of an hour: counts add up) and reads only them. Pure: no I/O, no clock.
 *
 * The top tags of one region (`topTags`) use the threshold algorithm (Fagin, Lotem and Naor): read every
 * bucket's rows busiest first, one depth at a time; each new tag's total is summed from every bucket by
 * binary search; stop once the k-th total beats the sum of the counts at the current depth, which no tag not
 * yet seen can reach. Exact, and on long-tailed counts it reads a few hundred rows of each bucket, not all of
 * them. A box of many cells, and rising, add every row up instead (`addUp`).
 *
 * A partial bucket (one holding only a big region's busiest rows, bucket-file.ts `readTops`) is read the same
 * way: past its last row, its counts are at most that row's, so the threshold keeps that count for it; a
 * tag's total stays exact (`countOf` reads the rest). Only when every list has run out and the answer is
 * still not certain does `topTags` give up (null): the caller reads the buckets whole.
 */
import type { HourSummary } from './hour-summary';

/** A tag id and its posts over the span. */
export interface TagTotal {
  id: number;
  count: number;
}

/** A region's buckets: each bucket holding it, and its index there. */
interface RegionList {
  summary: HourSummary;
  region: number;
}

function listsOf(summaries: readonly HourSummary[], region: string): RegionList[] {
  const lists: RegionList[] = [];
  for (const summary of summaries) {
    const index = summary.regionIndex(region);
    if (index >= 0) lists.push({ summary, region: index });
  }
  return lists;
}

/** Posts in `regions` (each post counts once: the regions must not overlap) over the buckets. */
export function postsIn(summaries: readonly HourSummary[], regions: readonly string[]): number {
  let posts = 0;
  for (const summary of summaries) for (const region of regions) posts += summary.postsOf(summary.regionIndex(region));
  return posts;
}

/** A tag's posts in `regions` over the buckets. */
export function countIn(summaries: readonly HourSummary[], regions: readonly string[], id: number): number {
  let count = 0;
  for (const summary of summaries) for (const region of regions) count += summary.countOf(summary.regionIndex(region), id);
  return count;
}

/**
 * The `k` tags with the most posts in `regions` over the buckets, by count descending and then by `keyOf`
 * ascending (as the live panel orders them). One region: the threshold algorithm; several: `addUp`. Null
 * when partial buckets cannot decide it (see above).
 */
export function topTags(summaries: readonly HourSummary[], regions: readonly string[], k: number, keyOf: (id: number) => string): TagTotal[] | null {
  if (k <= 0) return [];
  if (regions.length !== 1) return summaries.some((summary) => summary.partial) ? null : ranked(addUp(summaries, regions), k, keyOf);
  const lists = listsOf(summaries, regions[0]);
  const seen = new Set<number>();
  const best: TagTotal[] = [];
  const before = (a: TagTotal, b: TagTotal) => b.count - a.count || (keyOf(a.id) < keyOf(b.id) ? -1 : keyOf(a.id) > keyOf(b.id) ? 1 : 0);
  for (let depth = 0; ; depth += 1) {
    let threshold = 0;
    let any = false;
    let cut = false;
    for (const { summary, region } of lists) {
      const row = summary.rowStart[region] + depth;
      const end = summary.rowStart[region + 1];
      if (row >= end) {
        // A partial region's rows past its last are at most its last count.
        if (summary.isPartial(region) && end > summary.rowStart[region]) {
          threshold += summary.counts[summary.byCount[end - 1]];
          cut = true;
        }
        continue;
      }
      any = true;
      const at = summary.byCount[row];
      threshold += summary.counts[at];
      const id = summary.ids[at];
      if (seen.has(id)) continue;
      seen.add(id);
      let count = 0;
      for (const list of lists) count += list.summary.countOf(list.region, id);
      insert(best, { id, count }, k, before);
    }
    // An unseen tag has at most `threshold` posts (its count at this depth or below in every bucket); ties
    // are read on, since the key decides them.
    if (best.length === k && best[k - 1].count > threshold) return best;
    if (!any) return cut ? null : best;
  }
}

/** Puts `entry` into `best` (sorted by `before`, at most `k` long). */
function insert(best: TagTotal[], entry: TagTotal, k: number, before: (a: TagTotal, b: TagTotal) => number): void {
  if (best.length === k && before(entry, best[k - 1]) >= 0) return;
  let i = best.length;
  while (i > 0 && before(entry, best[i - 1]) < 0) i -= 1;
  best.splice(i, 0, entry);
  if (best.length > k) best.pop();
}

/** Every tag's posts in `regions` over the buckets (tag id -> posts). */
export function addUp(summaries: readonly HourSummary[], regions: readonly string[]): Map<number, number> {
  const totals = new Map<number, number>();
  for (const summary of summaries) {
    for (const name of regions) {
      const region = summary.regionIndex(name);
      if (region < 0) continue;
      summary.addTagsTo(region, totals);
    }
  }
  return totals;
}

/**
 * Every tag's posts in `regions` over the buckets, added into `into` (indexed by tag id, zero where nothing
 * was added: as long as the dictionary), and the ids added to, each once. What rising adds up: the world
 * over hours is hundreds of thousands of rows, where a pass over an array beats a Map's updates many times.
 */
export function addUpInto(summaries: readonly HourSummary[], regions: readonly string[], into: Uint32Array): number[] {
  const added: number[] = [];
  for (const summary of summaries) {
    for (const name of regions) {
      const r = summary.regionIndex(name);
      if (r < 0) continue;
      if (summary.isPartial(r)) throw new Error(`region ${name} holds only its busiest rows: read the bucket whole to add it up`);
      const { ids, counts } = summary;
      for (let row = summary.rowStart[r]; row < summary.rowStart[r + 1]; row += 1) {
        const id = ids[row];
        if (into[id] === 0) added.push(id);
        into[id] += counts[row];
      }
    }
  }
  return added;
}

/** The `k` largest of `totals`, by count descending then key. */
export function ranked(totals: ReadonlyMap<number, number>, k: number, keyOf: (id: number) => string): TagTotal[] {
  const best: TagTotal[] = [];
  const before = (a: TagTotal, b: TagTotal) => b.count - a.count || (keyOf(a.id) < keyOf(b.id) ? -1 : keyOf(a.id) > keyOf(b.id) ? 1 : 0);
  for (const [id, count] of totals) insert(best, { id, count }, k, before);
  return best;
}

/** A tag's posts and all posts per country over the buckets: the countries where it has any. */
export function tagCountries(
  summaries: readonly HourSummary[],
  id: number,
  isCountry: (region: string) => boolean,
): Map<string, { count: number; posts: number }> {
  const countries = new Map<string, { count: number; posts: number }>();
  for (const summary of summaries) {
    summary.regions.forEach((region, r) => {
      if (!isCountry(region)) return;
      const count = summary.countOf(r, id);
      const known = countries.get(region);
      if (known !== undefined) {
        known.count += count;
        known.posts += summary.posts[r];
      } else if (count > 0) {
        countries.set(region, { count, posts: summary.posts[r] });
      }
    });
  }
  // A country first found with the tag in a later bucket misses the posts of the earlier ones: add them.
  for (const [region, tally] of countries) {
    let posts = 0;
    for (const summary of summaries) posts += summary.postsOf(summary.regionIndex(region));
    tally.posts = posts;
  }
  return countries;
}

/**
 * Posts per bucket of `stepHours` from `fromHour` to `toHour` (hours since the epoch; `toHour` exclusive):
 * the tag's (`id`; null: every post) and all posts in `regions`. A bucket longer than a step (a day read at
 * hourly steps) counts in the step it starts in.
 */
export function timeline(
  summaries: readonly HourSummary[],
  regions: readonly string[],
  id: number | null,
  fromHour: number,
  toHour: number,
  stepHours: number,
): { counts: Float64Array; posts: Float64Array } {
  const steps = Math.max(0, Math.ceil((toHour - fromHour) / stepHours));
  const counts = new Float64Array(steps);
  const posts = new Float64Array(steps);
  for (const summary of summaries) {
    // A bucket from `toHour` on is outside even when the last step is cut short by `toHour`.
    if (summary.startHour < fromHour || summary.startHour >= toHour) continue;
    const step = Math.floor((summary.startHour - fromHour) / stepHours);
    for (const name of regions) {
      const region = summary.regionIndex(name);
      if (region < 0) continue;
      const all = summary.posts[region];
      posts[step] += all;
      counts[step] += id === null ? all : summary.countOf(region, id);
    }
  }
  return { counts, posts };
}
