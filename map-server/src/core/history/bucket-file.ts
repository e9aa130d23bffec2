/**
 * A history bucket (`HourSummary`) as bytes, the file the keeper writes, and its index (regions, posts, where
 * their rows are), read without its rows; a tag's row by binary search on the file (`BucketIndex.countOf`).
 * The reads of a part of a bucket through the index are bucket-parts.ts's.
 *
 * Layout: the magic, the header's length and the header (JSON, padded to 4 bytes), then the summary's
 * arrays, little-endian u32: posts, rowStart, ids, counts, byCount; then (format 2) the tops: for each
 * region of more than `TOP_ROWS` rows, its `TOP_ROWS` busiest as (id, count) pairs, by count descending then
 * id. No compression: the bytes on disk are the bytes in memory, and a region's rows are a few contiguous
 * reads. The tops let the top tags of a big region over many buckets (the world over a day, a month of
 * days) read a few KB of each bucket, not all its rows: `readTops`; they add at most 2 KB a big region. Every read is checked once, where it
 * enters (`SummaryFormatError` says what is wrong), so a damaged file never makes a query loop or lie.
 * Pure: reads go through a `ReadBytes` the caller gives (a file, or bytes in memory).
 */
import { HourSummary, type SummaryHours } from './hour-summary';

/** The file's first bytes: "TMH" and the format: 1 (no tops), or 2 (tops after the rows), written now. */
const MAGIC_1 = 0x31484d54;
const MAGIC_2 = 0x32484d54;

/**
 * Rows a region's tops hold, and more than a region must have to get them: enough for a top 50 over a
 * month of days or a week of hours to stop reading within them on long-tailed counts (the threshold
 * algorithm's depth, history-query.ts), small enough to add about 2 KB a big region.
 */
export const TOP_ROWS = 256;

/** The header written before the arrays (JSON): what is not a number per region or row. */
interface SummaryHeader {
  startHour: number;
  hours: SummaryHours;
  regions: string[];
  rows: number;
  /** Format 2: the rows a big region's tops hold, and the tops' rows in all. */
  topRows?: number;
  tops?: number;
}

/** A summary as bytes (format 2): see the layout above. `topRows`: the tops' size (tests make it small). */
export function encodeSummary(summary: HourSummary, topRows = TOP_ROWS): Uint8Array {
  if (summary.partial) throw new Error('a partial bucket holds only some rows: it cannot be written');
  const { rowStart, ids, counts, byCount } = summary;
  const big: number[] = [];
  for (let r = 0; r < summary.regions.length; r += 1) if (rowStart[r + 1] - rowStart[r] > topRows) big.push(r);
  const tops = big.length * topRows;
  const header: SummaryHeader = {
    startHour: summary.startHour,
    hours: summary.hours,
    regions: [...summary.regions],
    rows: summary.rows,
    topRows,
    tops,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = 8 + Math.ceil(json.length / 4) * 4;
  const out = new Uint8Array(headerBytes + summary.bytes + 8 * tops);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC_2, true);
  view.setUint32(4, json.length, true);
  out.set(json, 8);
  let at = headerBytes;
  for (const array of [summary.posts, rowStart, ids, counts, byCount]) {
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
    at += array.byteLength;
  }
  for (const r of big) {
    for (let i = 0; i < topRows; i += 1, at += 8) {
      const row = byCount[rowStart[r] + i];
      view.setUint32(at, ids[row], true);
      view.setUint32(at + 4, counts[row], true);
    }
  }
  return out;
}

/** A bucket's length in bytes, as its header says: the arrays, and the tops. */
function bucketBytes(headerBytes: number, regions: number, rows: number, tops: number): number {
  return headerBytes + 4 * (2 * regions + 1 + 3 * rows + 2 * tops);
}

/** Why bytes are not a summary. */
export class SummaryFormatError extends Error {}

/** A summary back from `encodeSummary`'s bytes; `SummaryFormatError` saying what is wrong when they are not one. */
export function decodeSummary(bytes: Uint8Array): HourSummary {
  const { startHour, hours, regions, rows, tops, headerBytes } = readHeader(
    (offset, length) => bytes.subarray(offset, offset + length),
    bytes.length,
  );
  const n = regions.length;
  const expected = bucketBytes(headerBytes, n, rows, tops);
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
  // The tops are not kept: a bucket in memory ranks every row (`byCount`).
  const byCount = words.subarray(2 * n + 1 + 2 * rows, 2 * n + 1 + 3 * rows);
  if (rowStart[n] !== rows) throw new SummaryFormatError(`has rows that do not add up (${rowStart[n]} of ${rows})`);
  checkRows(rowStart, ids, byCount);
  return new HourSummary(startHour, hours, regions, posts, rowStart, ids, counts, byCount);
}

/** Reads `length` bytes from `offset` of a bucket's bytes (fewer at its end). */
export type ReadBytes = (offset: number, length: number) => Uint8Array;

/** A bucket's header, checked: what `decodeSummary` and `bucketIndex` read first. `size`: the bucket's length, when known. */
function readHeader(read: ReadBytes, size: number): Required<SummaryHeader> & { headerBytes: number } {
  const start = read(0, 8);
  if (start.length < 8) throw new SummaryFormatError(`is ${start.length} bytes, shorter than a header`);
  const view = new DataView(start.buffer, start.byteOffset, start.byteLength);
  const magic = view.getUint32(0, true);
  if (magic !== MAGIC_1 && magic !== MAGIC_2) throw new SummaryFormatError('is not a history bucket (its first bytes are not "TMH1" or "TMH2")');
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
  const topRows = magic === MAGIC_2 ? header.topRows : 0;
  const tops = magic === MAGIC_2 ? header.tops : 0;
  if (!Number.isSafeInteger(topRows) || !Number.isSafeInteger(tops) || (topRows as number) < 0 || (tops as number) < 0) {
    throw new SummaryFormatError('has a header without its tops');
  }
  if (!regions.every((region, i) => typeof region === 'string' && (i === 0 || regions[i - 1] < region))) {
    throw new SummaryFormatError('has regions that are not names in order');
  }
  return { startHour, hours, regions, rows, topRows: topRows as number, tops: tops as number, headerBytes };
}

/**
 * A bucket's index, read without its rows: its regions, their posts and where their rows are, so that a
 * timeline reads one tag's count of one region by binary search on the file (`countOf`) rather than the
 * whole bucket. About 8 bytes a region.
 */
export interface BucketIndex {
  startHour: number;
  hours: SummaryHours;
  /** Sorted region names, and name -> index. */
  names: readonly string[];
  regions: Map<string, number>;
  posts: Uint32Array;
  /** Region r's rows are `rowStart[r]` to `rowStart[r + 1]`. */
  rowStart: Uint32Array;
  /** Where the rows' columns start in the bucket's bytes: ids, counts, byCount (4 bytes a row each). */
  columns: readonly [number, number, number];
  /** What it takes in memory, roughly, in bytes (names and arrays): for a cache's budget. */
  bytes: number;
  /** Rows a big region's tops hold (0: the bucket has none, format 1). */
  topRows: number;
  /** Where region `r`'s tops start in the bucket's bytes, or -1 when it has none. */
  topsAt(r: number): number;
  /** A tag's posts in region `r`, read by binary search through `read` (0 when none). */
  countOf(read: ReadBytes, r: number, id: number): number;
}

/** Reads a bucket's header and region index through `read` (`size`: its length in bytes). */
export function bucketIndex(read: ReadBytes, size: number): BucketIndex {
  const { startHour, hours, regions, rows, topRows, tops, headerBytes } = readHeader(read, size);
  const n = regions.length;
  const expected = bucketBytes(headerBytes, n, rows, tops);
  if (size !== expected) throw new SummaryFormatError(`is ${size} bytes; its header says ${expected}`);
  const bytes = read(headerBytes, 4 * (2 * n + 1));
  if (bytes.length !== 4 * (2 * n + 1)) throw new SummaryFormatError('ends inside its index');
  const words = new Uint32Array(bytes.length / 4);
  new Uint8Array(words.buffer).set(bytes);
  const posts = words.subarray(0, n);
  const rowStart = words.subarray(n, 2 * n + 1);
  for (let r = 0; r < n; r += 1)
    if (rowStart[r + 1] < rowStart[r] || rowStart[r + 1] > rows) throw new SummaryFormatError(`has region ${r}'s rows outside the bucket`);
  const idsAt = headerBytes + 4 * (2 * n + 1);
  const countsAt = idsAt + 4 * rows;
  // Each big region's tops, in region order after the rows: -1 for the others.
  const topStart = new Int32Array(n).fill(-1);
  let topAt = countsAt + 8 * rows;
  for (let r = 0; r < n && topRows > 0; r += 1) {
    if (rowStart[r + 1] - rowStart[r] <= topRows) continue;
    topStart[r] = topAt;
    topAt += 8 * topRows;
  }
  if (topAt !== countsAt + 8 * rows + 8 * tops) throw new SummaryFormatError('has tops that do not match its regions');
  const word = (rd: ReadBytes, offset: number) => {
    const b = rd(offset, 4);
    if (b.length !== 4) throw new SummaryFormatError('ends inside its rows');
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
  };
  let nameBytes = 0;
  for (const region of regions) nameBytes += 2 * region.length + 64;
  return {
    startHour,
    hours,
    names: regions,
    regions: new Map(regions.map((region, r) => [region, r])),
    posts,
    rowStart,
    columns: [idsAt, countsAt, countsAt + 4 * rows],
    bytes: words.byteLength + topStart.byteLength + nameBytes,
    topRows,
    topsAt: (r) => topStart[r],
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
export function checkRows(rowStart: Uint32Array, ids: Uint32Array, byCount: Uint32Array): void {
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
