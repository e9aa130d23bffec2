/**
 * One bucket of history: the posts per tag per region over an hour (or a day), frozen. What is written to
 * the data directory once the hour is over, read back by `at=` queries, timelines and exports, and merged
 * into a day when the day is over.
 *
 * Shape, and why (flat typed arrays, as flatbush keeps its index):
 * - `regions` sorted (the world, countries, coarse cells: history-regions.ts), each with its posts and a
 *   run of rows `rowStart[r] .. rowStart[r + 1]`.
 * - A row is a tag id (history-dictionary.ts) and its count. Within a region the rows are sorted by tag id,
 *   so a tag's count is a binary search (a timeline reads one tag of one region in every bucket), and
 *   `byCount` lists the same rows again, busiest first, so a top-k over many buckets can stop reading
 *   each one as soon as what is left cannot change the answer (the threshold algorithm, history-query.ts).
 * - 12 bytes a row (id, count, its place in `byCount`), 8 a region plus its name. No compression: a bucket is
 *   read whole when asked, and the bytes on disk are the bytes in memory.
 * Pure: no I/O; `encodeSummary` / `decodeSummary` turn it into bytes and back.
 */

/** A bucket's length in hours: an hour, or a day. */
export type SummaryHours = 1 | 24;

/**
 * What a partial bucket (bucket-file.ts `readTops`) does not hold: per region, 1 when it holds only its
 * busiest rows, and a tag's count there when it is not among them.
 */
export interface RowsElsewhere {
  partial: Uint8Array;
  countOf(region: number, id: number): number;
}

export class HourSummary {
  /** Region name -> index, built the first time a name is looked up. */
  private index: Map<string, number> | null = null;

  constructor(
    /** The bucket's first hour, in hours since the epoch (`floor(ms / HOUR_MS)`). */
    readonly startHour: number,
    readonly hours: SummaryHours,
    /** Sorted region names. */
    readonly regions: readonly string[],
    /** Posts per region (a post counts once in each region it is in). */
    readonly posts: Uint32Array,
    /** Region r's rows are `rowStart[r]` to `rowStart[r + 1]` (length regions + 1). */
    readonly rowStart: Uint32Array,
    /** Per row: the tag id, ascending within a region. */
    readonly ids: Uint32Array,
    /** Per row: the tag's posts. */
    readonly counts: Uint32Array,
    /** Per region, its rows again (absolute row numbers), by count descending then id. */
    readonly byCount: Uint32Array,
    /** Null: it holds every row; else which regions hold only their busiest rows, and the others' counts. */
    private readonly elsewhere: RowsElsewhere | null = null,
  ) {}

  /** Whether some region holds only its busiest rows (`countOf` still exact; `addTagsTo` refused). */
  get partial(): boolean {
    return this.elsewhere !== null && this.elsewhere.partial.includes(1);
  }

  /** Whether region `r` holds only its busiest rows: past its last, counts are at most that row's. */
  isPartial(r: number): boolean {
    return this.elsewhere?.partial[r] === 1;
  }

  /** The hour after the bucket's last one. */
  get endHour(): number {
    return this.startHour + this.hours;
  }

  get rows(): number {
    return this.ids.length;
  }

  /** What its arrays take, in bytes. */
  get bytes(): number {
    return this.posts.byteLength + this.rowStart.byteLength + this.ids.byteLength + this.counts.byteLength + this.byCount.byteLength;
  }

  /** A region's index, or -1 when it has no posts in this bucket. */
  regionIndex(name: string): number {
    if (this.index === null) this.index = new Map(this.regions.map((region, i) => [region, i]));
    return this.index.get(name) ?? -1;
  }

  /** The posts of a region (0 when none). */
  postsOf(region: number): number {
    return region < 0 ? 0 : this.posts[region];
  }

  /** Adds region `r`'s tag counts into `tags` (tag id -> posts): what every merge of buckets does. */
  addTagsTo(r: number, tags: Map<number, number>): void {
    if (this.isPartial(r)) throw new Error(`region ${this.regions[r]} holds only its busiest rows: read the bucket whole to add it up`);
    for (let row = this.rowStart[r]; row < this.rowStart[r + 1]; row += 1) {
      const id = this.ids[row];
      tags.set(id, (tags.get(id) ?? 0) + this.counts[row]);
    }
  }

  /** A tag's posts in a region (0 when none): a binary search of the region's rows (or, past a partial region's, the file's). */
  countOf(region: number, id: number): number {
    if (region < 0) return 0;
    let lo = this.rowStart[region];
    let hi = this.rowStart[region + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.ids[mid];
      if (at === id) return this.counts[mid];
      if (at < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return this.isPartial(region) ? (this.elsewhere as RowsElsewhere).countOf(region, id) : 0;
  }
}

/** A region's counts as they are gathered: posts, and posts per tag id. */
export interface RegionTally {
  posts: number;
  tags: Map<number, number>;
}

/** Freezes gathered counts into a summary: regions sorted, rows by id, `byCount` ranked. */
export function summaryOf(startHour: number, hours: SummaryHours, tallies: ReadonlyMap<string, RegionTally>): HourSummary {
  const regions = [...tallies.keys()].sort();
  let rows = 0;
  for (const tally of tallies.values()) rows += tally.tags.size;
  const posts = new Uint32Array(regions.length);
  const rowStart = new Uint32Array(regions.length + 1);
  const ids = new Uint32Array(rows);
  const counts = new Uint32Array(rows);
  const byCount = new Uint32Array(rows);
  let row = 0;
  regions.forEach((region, r) => {
    const tally = tallies.get(region) as RegionTally;
    posts[r] = tally.posts;
    rowStart[r] = row;
    // A typed array sorts numbers natively, many times faster than a comparator (a day's world is a million rows).
    const sorted = Uint32Array.from(tally.tags.keys()).sort();
    for (const id of sorted) {
      ids[row] = id;
      counts[row] = tally.tags.get(id) as number;
      row += 1;
    }
    rankRows(counts, byCount, rowStart[r], row);
  });
  rowStart[regions.length] = row;
  return new HourSummary(startHour, hours, regions, posts, rowStart, ids, counts, byCount);
}

/**
 * The same bucket with its tags numbered again (`idOf`: old id -> new), each region's rows in the order of
 * their new ids and ranked again; two old ids made one add up. Typed arrays throughout, no Map: a day taken
 * from another map-server is a million rows, taken in while the live map waits (history-keeper.ts `importer`).
 */
export function renumbered(summary: HourSummary, idOf: Uint32Array): HourSummary {
  if (summary.partial) throw new Error('a bucket holding only its busiest rows cannot be renumbered');
  const ids = new Uint32Array(summary.rows);
  const counts = new Uint32Array(summary.rows);
  const rowStart = new Uint32Array(summary.regions.length + 1);
  let largest = 0;
  for (const id of idOf) largest = Math.max(largest, id);
  // Row (within its region) + 1 by new id, zero when absent; cleared after each region.
  const slots = new Uint32Array(largest + 1);
  let row = 0;
  for (let r = 0; r < summary.regions.length; r += 1) {
    const from = summary.rowStart[r];
    const n = summary.rowStart[r + 1] - from;
    rowStart[r] = row;
    const order = inNewOrder(summary.ids.subarray(from, from + n), idOf, slots);
    for (let i = 0; i < n; i += 1) {
      const old = from + order[i];
      const id = idOf[summary.ids[old]];
      if (row > rowStart[r] && ids[row - 1] === id) {
        counts[row - 1] += summary.counts[old];
        continue;
      }
      ids[row] = id;
      counts[row] = summary.counts[old];
      row += 1;
    }
  }
  rowStart[summary.regions.length] = row;
  const byCount = new Uint32Array(row);
  for (let r = 0; r < summary.regions.length; r += 1) rankRows(counts, byCount, rowStart[r], rowStart[r + 1]);
  return new HourSummary(
    summary.startHour,
    summary.hours,
    summary.regions,
    Uint32Array.from(summary.posts),
    rowStart,
    ids.slice(0, row),
    counts.slice(0, row),
    byCount,
  );
}

/**
 * The places of `old` (a region's old ids) in the order of their new ids (ties in place order). Where the new
 * ids are dense (the busy regions), placed by id in `slots` (all zero, and left so) in one pass; otherwise,
 * or when two old ids share a new one, by `placesByKey` on the new ids.
 */
function inNewOrder(old: Uint32Array, idOf: Uint32Array, slots: Uint32Array): Float64Array {
  const n = old.length;
  const order = new Float64Array(n);
  let least = Number.POSITIVE_INFINITY;
  let most = 0;
  for (const id of old) {
    least = Math.min(least, idOf[id]);
    most = Math.max(most, idOf[id]);
  }
  if (n > 0 && most - least <= 8 * n) {
    let shared = false;
    for (let i = 0; i < n && !shared; i += 1) {
      const id = idOf[old[i]];
      if (slots[id] !== 0) shared = true;
      else slots[id] = i + 1;
    }
    let at = 0;
    for (let id = least; id <= most; id += 1) {
      if (slots[id] === 0) continue;
      order[at++] = slots[id] - 1;
      slots[id] = 0;
    }
    if (!shared) return order;
  }
  return placesByKey(n, most, (i) => idOf[old[i]]);
}

/**
 * Places 0 to n - 1 by `keyOf(place)` ascending (keys whole, 0 to `most`), ties in place order: one number a
 * place, key * n + place, sorted natively (a comparator is ~3x slower), or by a comparator where that number
 * would not be exact.
 */
function placesByKey(n: number, most: number, keyOf: (place: number) => number): Float64Array {
  const order = new Float64Array(n);
  if ((most + 1) * n <= Number.MAX_SAFE_INTEGER) {
    for (let i = 0; i < n; i += 1) order[i] = keyOf(i) * n + i;
    order.sort();
    for (let i = 0; i < n; i += 1) order[i] %= n;
  } else {
    for (let i = 0; i < n; i += 1) order[i] = i;
    order.sort((a, b) => keyOf(a) - keyOf(b) || a - b);
  }
  return order;
}

/**
 * Fills `byCount[from..to)` with the rows `from..to` (in id order), by count descending then id: a stable
 * placement by count (one pass, and one over the counts) where counts are small beside the rows, as a long
 * tail's are; else by `placesByKey` on most - count.
 */
function rankRows(counts: Uint32Array, byCount: Uint32Array, from: number, to: number): void {
  const order = byCount.subarray(from, to);
  const n = to - from;
  let most = 0;
  for (let row = from; row < to; row += 1) most = Math.max(most, counts[row]);
  if (most <= 4 * n + 64) {
    // next[k]: where the next row with count most - k goes.
    const next = new Uint32Array(most + 1);
    for (let row = from; row < to; row += 1) next[most - counts[row]] += 1;
    let at = 0;
    for (let k = 0; k <= most; k += 1) {
      const rows = next[k];
      next[k] = at;
      at += rows;
    }
    for (let row = from; row < to; row += 1) order[next[most - counts[row]]++] = row;
    return;
  }
  const places = placesByKey(n, most, (i) => most - counts[from + i]);
  for (let i = 0; i < n; i += 1) order[i] = from + places[i];
}

/**
 * The summary of several buckets together (a day's hours, an hour's parts): every region's posts and tag
 * counts added up, as one bucket from `startHour` for `hours`.
 */
export function mergeSummaries(startHour: number, hours: SummaryHours, parts: readonly HourSummary[]): HourSummary {
  const tallies = new Map<string, RegionTally>();
  for (const part of parts) {
    part.regions.forEach((region, r) => {
      let tally = tallies.get(region);
      if (tally === undefined) tallies.set(region, (tally = { posts: 0, tags: new Map() }));
      tally.posts += part.posts[r];
      part.addTagsTo(r, tally.tags);
    });
  }
  return summaryOf(startHour, hours, tallies);
}
