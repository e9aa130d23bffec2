/**
 * Reads of a part of a history bucket's file, through its index (bucket-file.ts `bucketIndex`): some
 * regions' rows (`readRegions`), a big region's busiest rows (`readTops`), one tag's rows (`readTag`). Each
 * gives an `HourSummary` of the regions picked; the last two a partial one, whose counts past the rows read
 * come from the file (`rest`), so every count stays exact. What is read is checked as a whole bucket is.
 * Pure: reads go through the `ReadBytes` the caller gives.
 */
import { HourSummary, type RowsElsewhere } from './hour-summary';
import { SummaryFormatError, checkRows, type BucketIndex, type ReadBytes } from './bucket-file';

/**
 * The regions of a bucket that `pick` holds, read through `read` with the bucket's `index`: a summary of
 * only them, for a query about a few regions of a bucket (a country, a box's cells, the countries of a
 * tag). Regions next to each other in the bucket are read together (three reads a run: ids, counts,
 * byCount), so the countries, or a row of cells, cost a few reads, and what is read is checked as
 * `decodeSummary` checks a whole bucket.
 */
export function readRegions(read: ReadBytes, index: BucketIndex, pick: (region: string) => boolean): HourSummary {
  const wanted = pickedOf(index, pick);
  const runs = runsOf(wanted);
  const { rowStart } = index;
  let rows = 0;
  for (const [first, last] of runs) rows += rowStart[last + 1] - rowStart[first];
  const posts = new Uint32Array(wanted.length);
  const starts = new Uint32Array(wanted.length + 1);
  const ids = new Uint32Array(rows);
  const counts = new Uint32Array(rows);
  const byCount = new Uint32Array(rows);
  const [idsAt, countsAt, byCountAt] = index.columns;
  let row = 0;
  let region = 0;
  for (const [first, last] of runs) {
    const from = rowStart[first];
    const length = rowStart[last + 1] - from;
    for (const [column, at] of [
      [ids, idsAt],
      [counts, countsAt],
      [byCount, byCountAt],
    ] as const) {
      const bytes = read(at + 4 * from, 4 * length);
      if (bytes.length !== 4 * length) throw new SummaryFormatError('ends inside its rows');
      new Uint8Array(column.buffer, 4 * row, 4 * length).set(bytes);
    }
    // byCount holds the bucket's row numbers: renumbered as rows of this summary.
    for (let i = row; i < row + length; i += 1) byCount[i] = byCount[i] - from + row;
    for (let r = first; r <= last; r += 1) {
      posts[region] = index.posts[r];
      starts[region] = rowStart[r] - from + row;
      region += 1;
    }
    row += length;
  }
  starts[wanted.length] = rows;
  return pickedSummary(index, wanted, { posts, starts, ids, counts, byCount }, null);
}

/** The summary of the regions `wanted` (bucket indexes) from the rows read of them, checked. */
function pickedSummary(
  index: BucketIndex,
  wanted: readonly number[],
  { posts, starts, ids, counts, byCount }: Record<'posts' | 'starts' | 'ids' | 'counts' | 'byCount', Uint32Array>,
  elsewhere: RowsElsewhere | null,
): HourSummary {
  checkRows(starts, ids, byCount);
  const names = wanted.map((r) => index.names[r]);
  return new HourSummary(index.startHour, index.hours, names, posts, starts, ids, counts, byCount, elsewhere);
}

/** Runs of neighbouring regions (bucket indexes, ascending), as [first, last] inclusive: their rows are contiguous. */
function runsOf(wanted: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const r of wanted) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[1] === r - 1) last[1] = r;
    else runs.push([r, r]);
  }
  return runs;
}

/** The bucket indexes of the regions `pick` holds, in order. */
function pickedOf(index: BucketIndex, pick: (region: string) => boolean): number[] {
  const wanted: number[] = [];
  index.names.forEach((region, r) => {
    if (pick(region)) wanted.push(r);
  });
  return wanted;
}

/**
 * The regions of a bucket that `pick` holds, read for a top over many buckets: a big region (one with tops)
 * only its busiest rows, `TOP_ROWS` pairs in one read; the others whole (`readRegions`). A tag's count in a
 * big region that its tops do not hold is `rest(r, id)` (`r` the bucket's region index: a binary search on
 * the file), so every count the summary gives is exact; only its rows are fewer (`HourSummary.partial`).
 */
export function readTops(
  read: ReadBytes,
  index: BucketIndex,
  pick: (region: string) => boolean,
  rest: (r: number, id: number) => number,
): HourSummary {
  const small = readRegions(read, index, (region) => pick(region) && index.topsAt(index.regions.get(region) as number) < 0);
  const wanted = pickedOf(index, pick);
  const topRows = index.topRows;
  const rows = small.rows + (wanted.length - small.regions.length) * topRows;
  const posts = new Uint32Array(wanted.length);
  const starts = new Uint32Array(wanted.length + 1);
  const ids = new Uint32Array(rows);
  const counts = new Uint32Array(rows);
  const byCount = new Uint32Array(rows);
  const partial = new Uint8Array(wanted.length);
  const bucketRegion = new Uint32Array(wanted.length);
  let row = 0;
  wanted.forEach((r, i) => {
    posts[i] = index.posts[r];
    starts[i] = row;
    bucketRegion[i] = r;
    const at = index.topsAt(r);
    if (at < 0) {
      const j = small.regionIndex(index.names[r]);
      const from = small.rowStart[j];
      const length = small.rowStart[j + 1] - from;
      ids.set(small.ids.subarray(from, from + length), row);
      counts.set(small.counts.subarray(from, from + length), row);
      for (let k = 0; k < length; k += 1) byCount[row + k] = small.byCount[from + k] - from + row;
      row += length;
      return;
    }
    partial[i] = 1;
    const bytes = read(at, 8 * topRows);
    if (bytes.length !== 8 * topRows) throw new SummaryFormatError('ends inside its tops');
    const pairs = new Uint32Array(2 * topRows);
    new Uint8Array(pairs.buffer).set(bytes);
    // Pairs by count descending, then id: laid out by id, and ranked as they came.
    const order = Array.from({ length: topRows }, (_, k) => k);
    order.sort((a, b) => pairs[2 * a] - pairs[2 * b]);
    const placeOf = new Uint32Array(topRows);
    order.forEach((k, place) => {
      ids[row + place] = pairs[2 * k];
      counts[row + place] = pairs[2 * k + 1];
      placeOf[k] = place;
    });
    for (let k = 0; k < topRows; k += 1) {
      if (k > 0 && (pairs[2 * k + 1] > pairs[2 * k - 1] || (pairs[2 * k + 1] === pairs[2 * k - 1] && pairs[2 * k] <= pairs[2 * k - 2]))) {
        throw new SummaryFormatError(`has region ${r}'s tops out of order`);
      }
      byCount[row + k] = row + placeOf[k];
    }
    row += topRows;
  });
  starts[wanted.length] = rows;
  return pickedSummary(index, wanted, { posts, starts, ids, counts, byCount }, { partial, countOf: (i, id) => rest(bucketRegion[i], id) });
}

/**
 * One tag's rows (`id`) in the regions `pick` holds: what a tag's countries read. Of each run of neighbouring
 * regions it reads the ids (a third of their rows' bytes), finds the tag in each region by binary search, and
 * reads the count of each row found: a partial summary whose regions hold that row alone (or none: the tag
 * has no posts there). Another tag's count is `rest(r, id)`, as in `readTops`.
 */
export function readTag(
  read: ReadBytes,
  index: BucketIndex,
  pick: (region: string) => boolean,
  id: number,
  rest: (r: number, id: number) => number,
): HourSummary {
  const wanted = pickedOf(index, pick);
  const { rowStart } = index;
  const [idsAt, countsAt] = index.columns;
  const posts = new Uint32Array(wanted.length);
  const starts = new Uint32Array(wanted.length + 1);
  const found: number[] = [];
  const counts: number[] = [];
  let i = 0;
  for (const [first, last] of runsOf(wanted)) {
    const from = rowStart[first];
    const length = rowStart[last + 1] - from;
    const bytes = read(idsAt + 4 * from, 4 * length);
    if (bytes.length !== 4 * length) throw new SummaryFormatError('ends inside its rows');
    const ids = new Uint32Array(length);
    new Uint8Array(ids.buffer).set(bytes);
    for (let r = first; r <= last; r += 1, i += 1) {
      posts[i] = index.posts[r];
      starts[i] = found.length;
      const lo = rowStart[r] - from;
      const hi = rowStart[r + 1] - from;
      // Checked before it is searched: a region's ids ascend.
      for (let row = lo + 1; row < hi; row += 1) if (ids[row] <= ids[row - 1]) throw new SummaryFormatError(`has region ${r}'s tags out of order`);
      const at = search(ids, lo, hi, id);
      if (at < 0) continue;
      const count = read(countsAt + 4 * (from + at), 4);
      if (count.length !== 4) throw new SummaryFormatError('ends inside its rows');
      found.push(id);
      counts.push(new DataView(count.buffer, count.byteOffset, 4).getUint32(0, true));
    }
  }
  starts[wanted.length] = found.length;
  const byCount = Uint32Array.from(found, (_, row) => row);
  return pickedSummary(
    index,
    wanted,
    { posts, starts, ids: Uint32Array.from(found), counts: Uint32Array.from(counts), byCount },
    // The tag was looked for in every region: where it is not, it has no posts.
    { partial: new Uint8Array(wanted.length).fill(1), countOf: (j, other) => (other === id ? 0 : rest(wanted[j], other)) },
  );
}

/** Where `id` is in `ids[lo..hi)` (ascending), or -1. */
function search(ids: Uint32Array, lo: number, hi: number, id: number): number {
  let a = lo;
  let b = hi - 1;
  while (a <= b) {
    const mid = (a + b) >>> 1;
    if (ids[mid] === id) return mid;
    if (ids[mid] < id) a = mid + 1;
    else b = mid - 1;
  }
  return -1;
}
