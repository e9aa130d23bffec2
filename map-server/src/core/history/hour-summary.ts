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
  ) {}

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
    for (let row = this.rowStart[r]; row < this.rowStart[r + 1]; row += 1) {
      const id = this.ids[row];
      tags.set(id, (tags.get(id) ?? 0) + this.counts[row]);
    }
  }

  /** A tag's posts in a region (0 when none): a binary search of the region's rows. */
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
    return 0;
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
    const sorted = [...tally.tags.keys()].sort((a, b) => a - b);
    for (const id of sorted) {
      ids[row] = id;
      counts[row] = tally.tags.get(id) as number;
      row += 1;
    }
    rankRows(ids, counts, byCount, rowStart[r], row);
  });
  rowStart[regions.length] = row;
  return new HourSummary(startHour, hours, regions, posts, rowStart, ids, counts, byCount);
}

/** Fills `byCount[from..to)` with the rows `from..to`, by count descending then id. */
function rankRows(ids: Uint32Array, counts: Uint32Array, byCount: Uint32Array, from: number, to: number): void {
  const order = byCount.subarray(from, to);
  for (let i = 0; i < order.length; i += 1) order[i] = from + i;
  order.sort((a, b) => counts[b] - counts[a] || ids[a] - ids[b]);
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

/** The file's first bytes: "TMH" and the format (1). */
const MAGIC = 0x31484d54;

/** The header written before the arrays (JSON): what is not a number per region or row. */
interface SummaryHeader {
  startHour: number;
  hours: SummaryHours;
  regions: string[];
  rows: number;
}

/**
 * A summary as bytes: the magic, the header's length and the header (JSON, padded to 4 bytes), then the
 * arrays, little-endian: posts, rowStart, ids, counts, byCount.
 */
export function encodeSummary(summary: HourSummary): Uint8Array {
  const header: SummaryHeader = { startHour: summary.startHour, hours: summary.hours, regions: [...summary.regions], rows: summary.rows };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = 8 + Math.ceil(json.length / 4) * 4;
  const out = new Uint8Array(headerBytes + summary.bytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.length, true);
  out.set(json, 8);
  let at = headerBytes;
  for (const array of [summary.posts, summary.rowStart, summary.ids, summary.counts, summary.byCount]) {
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
    at += array.byteLength;
  }
  return out;
}

/** Why bytes are not a summary. */
export class SummaryFormatError extends Error {}

/** A summary back from `encodeSummary`'s bytes; `SummaryFormatError` saying what is wrong when they are not one. */
export function decodeSummary(bytes: Uint8Array): HourSummary {
  const { startHour, hours, regions, rows, headerBytes } = readHeader((offset, length) => bytes.subarray(offset, offset + length), bytes.length);
  const n = regions.length;
  const expected = headerBytes + 4 * (n + (n + 1) + 3 * rows);
  if (bytes.length !== expected) throw new SummaryFormatError(`is ${bytes.length} bytes; its header says ${expected}`);
  // Copied once into aligned memory of its own: a file's bytes may start anywhere in a pooled buffer (and a
  // Buffer's `slice` is a view of it, not a copy).
  const body = new Uint8Array(bytes.length - headerBytes);
  body.set(bytes.subarray(headerBytes));
  const words = new Uint32Array(body.buffer);
  const posts = words.subarray(0, n);
  const rowStart = words.subarray(n, 2 * n + 1);
  const ids = words.subarray(2 * n + 1, 2 * n + 1 + rows);
  const counts = words.subarray(2 * n + 1 + rows, 2 * n + 1 + 2 * rows);
  const byCount = words.subarray(2 * n + 1 + 2 * rows);
  if (rowStart[n] !== rows) throw new SummaryFormatError(`has rows that do not add up (${rowStart[n]} of ${rows})`);
  checkRows(rowStart, ids, byCount);
  return new HourSummary(startHour, hours, regions, posts, rowStart, ids, counts, byCount);
}

/** Reads `length` bytes from `offset` of a bucket's bytes (fewer at its end). */
export type ReadBytes = (offset: number, length: number) => Uint8Array;

/** A bucket's header, checked: what `decodeSummary` and `bucketIndex` read first. `size`: the bucket's length, when known. */
function readHeader(read: ReadBytes, size: number): SummaryHeader & { headerBytes: number } {
  const start = read(0, 8);
  if (start.length < 8) throw new SummaryFormatError(`is ${start.length} bytes, shorter than a header`);
  const view = new DataView(start.buffer, start.byteOffset, start.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new SummaryFormatError('is not a history bucket (its first bytes are not "TMH1")');
  const jsonLength = view.getUint32(4, true);
  const headerBytes = 8 + Math.ceil(jsonLength / 4) * 4;
  if (headerBytes > size) throw new SummaryFormatError('ends inside its header');
  let header: SummaryHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(read(8, jsonLength))) as SummaryHeader;
  } catch {
    throw new SummaryFormatError('has a header that is not JSON');
  }
  const { startHour, hours, regions, rows } = header;
  if (!Number.isSafeInteger(startHour) || (hours !== 1 && hours !== 24) || !Array.isArray(regions) || !Number.isSafeInteger(rows) || rows < 0) {
    throw new SummaryFormatError('has a header without its bucket, regions or rows');
  }
  if (!regions.every((region, i) => typeof region === 'string' && (i === 0 || regions[i - 1] < region))) {
    throw new SummaryFormatError('has regions that are not names in order');
  }
  return { startHour, hours, regions, rows, headerBytes };
}

/**
 * A bucket's index, read without its rows: its regions, their posts and where their rows are, so that a
 * timeline reads one tag's count of one region by binary search on the file (`countOf`) rather than the
 * whole bucket. About 8 bytes a region.
 */
export interface BucketIndex {
  startHour: number;
  hours: SummaryHours;
  regions: Map<string, number>;
  posts: Uint32Array;
  /** A tag's posts in region `r`, read by binary search through `read` (0 when none). */
  countOf(read: ReadBytes, r: number, id: number): number;
}

/** Reads a bucket's header and region index through `read` (`size`: its length in bytes). */
export function bucketIndex(read: ReadBytes, size: number): BucketIndex {
  const { startHour, hours, regions, rows, headerBytes } = readHeader(read, size);
  const n = regions.length;
  if (size !== headerBytes + 4 * (n + (n + 1) + 3 * rows))
    throw new SummaryFormatError(`is ${size} bytes; its header says ${headerBytes + 4 * (2 * n + 1 + 3 * rows)}`);
  const bytes = read(headerBytes, 4 * (2 * n + 1));
  const words = new Uint32Array(bytes.length / 4);
  new Uint8Array(words.buffer).set(bytes);
  const posts = words.subarray(0, n);
  const rowStart = words.subarray(n, 2 * n + 1);
  for (let r = 0; r < n; r += 1)
    if (rowStart[r + 1] < rowStart[r] || rowStart[r + 1] > rows) throw new SummaryFormatError(`has region ${r}'s rows outside the bucket`);
  const idsAt = headerBytes + 4 * (2 * n + 1);
  const countsAt = idsAt + 4 * rows;
  const word = (rd: ReadBytes, offset: number) => {
    const b = rd(offset, 4);
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
  };
  return {
    startHour,
    hours,
    regions: new Map(regions.map((region, r) => [region, r])),
    posts,
    countOf(rd, r, id) {
      let lo = rowStart[r];
      let hi = rowStart[r + 1] - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const at = word(rd, idsAt + 4 * mid);
        if (at === id) return word(rd, countsAt + 4 * mid);
        if (at < id) lo = mid + 1;
        else hi = mid - 1;
      }
      return 0;
    },
  };
}

/**
 * What every read relies on, checked once, in one pass (a damaged file of the right length must not make a
 * query loop for minutes): each region's rows follow the last one's, its ids ascend, and its `byCount`
 * entries are its own rows.
 */
function checkRows(rowStart: Uint32Array, ids: Uint32Array, byCount: Uint32Array): void {
  if (rowStart[0] !== 0) throw new SummaryFormatError('has rows that do not start at 0');
  for (let r = 0; r + 1 < rowStart.length; r += 1) {
    const from = rowStart[r];
    const to = rowStart[r + 1];
    if (to < from || to > ids.length) throw new SummaryFormatError(`has region ${r}'s rows outside the bucket`);
    for (let row = from; row < to; row += 1) {
      if (row > from && ids[row] <= ids[row - 1]) throw new SummaryFormatError(`has region ${r}'s tags out of order`);
      if (byCount[row] < from || byCount[row] >= to) throw new SummaryFormatError(`has region ${r}'s ranking pointing outside its rows`);
    }
  }
}
