/**
 * The tile counts as plain data (`TileCounts.snapshot` / `restore`): every bucket's blocks, their columns
 * concatenated bucket by bucket and level by level, so a save is a few large typed arrays whatever the
 * number of tiles. Decoding checks what a query would otherwise trust: lengths that add up, tiles ascending and
 * inside their level, tags ascending and in the dictionary, counts from 1 to the tile's posts, centres on
 * the globe. Pure.
 */
import { checkNumber, checkSum, checkTyped, damaged } from './snapshot-check';
import { emptyBlock, narrowed, type Block } from './tile-blocks';
import { TILE_LEVELS } from './tiles';

/** The store as plain data: per bucket and level (bucket-major), the block's columns concatenated. */
export interface TileCountsSnapshot {
  layout: { levels: number[]; minuteTier: number; tenMinuteTier: number; horizonMinutes: number };
  newestMinute: number | null;
  maxTagId: number;
  bucketStart: Float64Array;
  bucketMinutes: Uint32Array;
  /** Per (bucket, level): its tiles, and its tag entries. */
  blockCells: Uint32Array;
  blockEntries: Uint32Array;
  cells: Uint32Array;
  /** Per tile: its tag entries (not cumulative, unlike `Block.ends`). */
  cellEntries: Uint32Array;
  posts: Uint32Array;
  /** Per tile: the most any of its counts may fall short (0: exact; see tile-summary.ts). */
  errors: Uint32Array;
  sumLat: Float64Array;
  sumLon: Float64Array;
  tags: Uint32Array;
  counts: Uint32Array;
}

/** A bucket as the snapshot holds it. */
interface SavedBucket {
  start: number;
  minutes: number;
  blocks: Block[];
}

/** The buckets' blocks (each bucket's at every level, in order) in the snapshot's columns, after `head`. */
export function encodeBuckets(
  buckets: readonly SavedBucket[],
  head: Pick<TileCountsSnapshot, 'layout' | 'newestMinute' | 'maxTagId'>,
): TileCountsSnapshot {
  const blocks = buckets.flatMap((bucket) => bucket.blocks);
  const tiles = blocks.reduce((sum, block) => sum + block.cells.length, 0);
  const entries = blocks.reduce((sum, block) => sum + block.tags.length, 0);
  const s: TileCountsSnapshot = {
    ...head,
    bucketStart: Float64Array.from(buckets, (b) => b.start),
    bucketMinutes: Uint32Array.from(buckets, (b) => b.minutes),
    blockCells: Uint32Array.from(blocks, (b) => b.cells.length),
    blockEntries: Uint32Array.from(blocks, (b) => b.tags.length),
    cells: new Uint32Array(tiles),
    cellEntries: new Uint32Array(tiles),
    posts: new Uint32Array(tiles),
    errors: new Uint32Array(tiles),
    sumLat: new Float64Array(tiles),
    sumLon: new Float64Array(tiles),
    tags: new Uint32Array(entries),
    counts: new Uint32Array(entries),
  };
  let at = 0;
  let entryAt = 0;
  for (const block of blocks) {
    s.cells.set(block.cells, at);
    s.posts.set(block.posts, at);
    s.errors.set(block.errors, at);
    s.sumLat.set(block.sumLat, at);
    s.sumLon.set(block.sumLon, at);
    for (let i = 0; i < block.ends.length; i += 1) s.cellEntries[at + i] = block.ends[i] - (i === 0 ? 0 : block.ends[i - 1]);
    s.tags.set(block.tags, entryAt);
    s.counts.set(block.counts, entryAt);
    at += block.cells.length;
    entryAt += block.tags.length;
  }
  return s;
}

/**
 * The buckets of a snapshot (`s`, already an object) with their blocks, `levels` a bucket, checked (see the
 * opening comment); tag ids up to `maxTagId`. Whether a bucket sits on its tier's grid is for the caller.
 */
export function decodeBuckets(s: Record<string, unknown>, levels: number, maxTagId: number, where: string): SavedBucket[] {
  const starts = checkTyped(s.bucketStart, Float64Array, `${where}.bucketStart`);
  const lengths = checkTyped(s.bucketMinutes, Uint32Array, `${where}.bucketMinutes`, starts.length);
  const blockCells = checkTyped(s.blockCells, Uint32Array, `${where}.blockCells`, starts.length * levels);
  const blockEntries = checkTyped(s.blockEntries, Uint32Array, `${where}.blockEntries`, starts.length * levels);
  const cells = checkTyped(s.cells, Uint32Array, `${where}.cells`);
  const cellEntries = checkTyped(s.cellEntries, Uint32Array, `${where}.cellEntries`, cells.length);
  const posts = checkTyped(s.posts, Uint32Array, `${where}.posts`, cells.length);
  const errors = checkTyped(s.errors, Uint32Array, `${where}.errors`, cells.length);
  const sumLat = checkTyped(s.sumLat, Float64Array, `${where}.sumLat`, cells.length);
  const sumLon = checkTyped(s.sumLon, Float64Array, `${where}.sumLon`, cells.length);
  const tags = checkTyped(s.tags, Uint32Array, `${where}.tags`);
  const counts = checkTyped(s.counts, Uint32Array, `${where}.counts`, tags.length);
  checkSum(blockCells, cells.length, `${where}.blockCells`);
  checkSum(blockEntries, tags.length, `${where}.blockEntries`);
  checkSum(cellEntries, tags.length, `${where}.cellEntries`);
  const buckets: SavedBucket[] = [];
  let at = 0;
  let entryAt = 0;
  for (let b = 0; b < starts.length; b += 1) {
    const bucket: SavedBucket = { start: checkNumber(starts[b], `${where}.bucketStart[${b}]`, true), minutes: lengths[b], blocks: [] };
    for (let li = 0; li < levels; li += 1) {
      const n = blockCells[b * levels + li];
      const block = emptyBlock();
      block.cells = cells.slice(at, at + n);
      block.posts = posts.slice(at, at + n);
      block.sumLat = sumLat.slice(at, at + n);
      block.sumLon = sumLon.slice(at, at + n);
      block.errors = errors.slice(at, at + n);
      block.ends = new Uint32Array(n);
      let end = entryAt;
      for (let i = 0; i < n; i += 1) {
        end += cellEntries[at + i];
        block.ends[i] = end - entryAt;
      }
      const entries = blockEntries[b * levels + li];
      if (end - entryAt !== entries) damaged(`${where}.blockEntries[${b * levels + li}]`, `says ${entries} entries, its tiles hold ${end - entryAt}`);
      block.tags = tags.slice(entryAt, end);
      block.counts = counts.slice(entryAt, end);
      checkBlock(block, TILE_LEVELS[li], maxTagId, `${where} (bucket ${b}, level ${TILE_LEVELS[li]})`);
      bucket.blocks.push(narrowed(block));
      at += n;
      entryAt = end;
    }
    buckets.push(bucket);
  }
  return buckets;
}

/** Refuses a restored block whose tiles or tags are out of order or range, or whose counts are 0. */
function checkBlock(block: Block, level: number, maxTagId: number, where: string): void {
  const tiles = 4 ** level;
  for (let i = 0; i < block.cells.length; i += 1) {
    const start = i === 0 ? 0 : block.ends[i - 1];
    // A summarised tile (error above 0) may have lost all of its tags; an exact one holds at least one.
    const emptyExact = block.ends[i] === start && block.errors[i] === 0;
    if (block.cells[i] >= tiles || (i > 0 && block.cells[i] <= block.cells[i - 1]) || block.posts[i] === 0 || emptyExact) {
      damaged(where, `tile ${i} (${block.cells[i]}) is out of order or range, or holds no posts, or no tags and no error`);
    }
    // The weighted centre a label is placed at must be on the globe (a little slack for the sums' rounding).
    const lat = block.sumLat[i] / block.posts[i];
    const lon = block.sumLon[i] / block.posts[i];
    if (!(Math.abs(lat) <= 90 + 1e-6 && Math.abs(lon) <= 180 + 1e-6))
      damaged(where, `tile ${block.cells[i]}: its posts' centre ${lat}, ${lon} is off the globe`);
    for (let e = start; e < block.ends[i]; e += 1) {
      if (
        block.tags[e] > maxTagId ||
        (e > start && block.tags[e] <= block.tags[e - 1]) ||
        block.counts[e] === 0 ||
        block.counts[e] > block.posts[i]
      ) {
        damaged(where, `tile ${block.cells[i]}: tag entry ${e - start} is out of order, not in the dictionary, 0 or more than the tile's posts`);
      }
    }
  }
}
