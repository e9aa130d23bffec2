/**
 * The last 24 h of accepted posts on a fine grid, for "Trends in this view": posts per tag in any box, over
 * any minutes of the horizon.
 *
 * Shape, and why:
 * - A post is kept as its minute, its fine cell (`FINE_DEGREES` = 0.1°, about 11 km) and its tag ids, not
 *   its coordinates: a box is answered to within one fine cell at its edges. The box is rounded outward to
 *   whole cells, so every post inside it counts, and a post up to one cell outside may count too.
 * - Posts are filed by coarse cell (`COARSE_DEGREES` = 4°) and by block of `BLOCK_MINUTES` (1 h): one
 *   growable Uint32Array per (coarse cell, block) that holds posts. A city-sized box reads the few coarse
 *   cells it touches; a block's posts leave together when the block falls out of the horizon, by dropping
 *   its arrays, with nothing to compact.
 * - A post is one 32-bit header word (minute in its block: 6 bits, fine cell in its coarse cell: 11 bits, tag
 *   count: 7 bits) followed by one word per tag id: 4 + 4 x tags bytes, about 10 bytes for an average post,
 *   plus the arrays' growth slack and about 150 bytes of object overhead per (coarse cell, block) in use.
 *   No object per post, no Map.
 * - A query scans the posts of the touched coarse cells in the touched blocks, checks minute and cell, and
 *   counts tags into a dense scratch array indexed by tag id (8 bytes per tag of the dictionary, kept
 *   between queries and reset through the list of ids touched), so a query costs O(posts scanned +
 *   distinct tags), allocates only its result, and needs no hashing.
 * Pure: time comes in as minutes (`floor(ms / 60_000)`), and the caller moves the horizon with `advanceTo`.
 */
import type { Bbox } from '../../../common/browser/api';
import { bboxSpans } from '../../../common/browser/bbox';
import { modulo } from '../../../common/browser/modulo';
import { WINDOWS } from '../../../common/browser/windows';
import { checkNullableNumber, checkNumber, checkObject, checkSame, checkSum, checkTyped, damaged } from './snapshot-check';

/** Side of a fine cell, in degrees: the resolution of a box's edges. */
export const FINE_DEGREES = 0.1;
/** Side of a coarse cell, in degrees: the unit a query reads or skips. */
export const COARSE_DEGREES = 4;
/** Minutes per block: the unit of expiry. At most 64 (6 bits in the header). */
export const BLOCK_MINUTES = 60;
/** How far back posts are kept, in minutes: the largest window. */
export const HORIZON_MINUTES = Math.max(...Object.values(WINDOWS));
/** Most tag ids one post may carry (7 bits in the header; the event contract allows 64). */
export const MAX_TAGS_PER_POST = 127;

const FINE_PER_DEGREE = Math.round(1 / FINE_DEGREES);
const FINE_COLS = 360 * FINE_PER_DEGREE;
const FINE_ROWS = 180 * FINE_PER_DEGREE;
/** Fine cells along a coarse cell's side. */
const SIDE = COARSE_DEGREES * FINE_PER_DEGREE;
const COARSE_COLS = FINE_COLS / SIDE;
const COARSE_ROWS = FINE_ROWS / SIDE;
const COARSE_CELLS = COARSE_COLS * COARSE_ROWS;
/** Blocks alive at once: the horizon, plus the block it starts in part-way. */
const BLOCK_SLOTS = Math.ceil(HORIZON_MINUTES / BLOCK_MINUTES) + 1;

const MINUTE_BITS = 6;
const CELL_BITS = 11;
const MINUTE_MASK = (1 << MINUTE_BITS) - 1;
const CELL_MASK = (1 << CELL_BITS) - 1;
const COUNT_SHIFT = MINUTE_BITS + CELL_BITS;
/** Word 0 of each array holds the number of words in use, itself included. */
const FIRST_RECORD = 1;
const INITIAL_WORDS = 16;

/** The fine column of a longitude: 0 at -180, `FINE_COLS` - 1 at 180. */
export function fineCol(lon: number): number {
  return Math.min(FINE_COLS - 1, Math.max(0, Math.floor((lon + 180) * FINE_PER_DEGREE)));
}

/** The fine row of a latitude: 0 at -90, `FINE_ROWS` - 1 at 90. */
export function fineRow(lat: number): number {
  return Math.min(FINE_ROWS - 1, Math.max(0, Math.floor((lat + 90) * FINE_PER_DEGREE)));
}

/** Posts per tag in a box, split at a minute into a reference period and a recent one. */
export interface BoxCounts {
  /** Posts in the box from `fromMinute` to `toMinute`. */
  posts: number;
  /** Of those, posts from `splitMinute` on. */
  recentPosts: number;
  /** Every tag seen, with its posts from `splitMinute` on and before it (parallel arrays). */
  ids: Int32Array;
  recent: Int32Array;
  reference: Int32Array;
}

export interface BoxScan {
  bbox: Bbox;
  /** Inclusive minutes: the reference period is [fromMinute, splitMinute), the recent one [splitMinute, toMinute]. */
  fromMinute: number;
  splitMinute: number;
  toMinute: number;
}

/**
 * A grid as plain data: the blocks its slots hold, and every array of posts in use, its used words
 * concatenated (without the growth slack; word 0 of each is its own used length, as in the index).
 */
export interface GridIndexSnapshot {
  /** The layout the posts were filed with: a restore refuses any other. */
  layout: GridLayout;
  /** Per block slot: the block held (NaN: none) and its posts. */
  slotBlock: Float64Array;
  slotPosts: Float64Array;
  /** The newest minute seen or advanced to (null before any). */
  newestMinute: number | null;
  maxTagId: number;
  /** Per array in use: its index (`slot * COARSE_CELLS + cell`, ascending) and used words. */
  arrayIndex: Uint32Array;
  arrayWords: Uint32Array;
  words: Uint32Array;
}

export interface GridLayout {
  fineDegrees: number;
  coarseDegrees: number;
  blockMinutes: number;
  horizonMinutes: number;
}

const LAYOUT: GridLayout = { fineDegrees: FINE_DEGREES, coarseDegrees: COARSE_DEGREES, blockMinutes: BLOCK_MINUTES, horizonMinutes: HORIZON_MINUTES };

/** One coarse cell's share of a box: the fine columns and rows (local to the cell, inclusive) it covers. */
interface CellCover {
  cell: number;
  col0: number;
  col1: number;
  row0: number;
  row1: number;
  full: boolean;
}

/** Gets one array of posts and the offsets (`selected[0..count)`) of those that match a scan. */
type RunVisitor = (words: Uint32Array, blockStart: number, selected: Int32Array, count: number) => void;

export class GridIndex {
  /** Index `slot * COARSE_CELLS + cell`: the posts of one coarse cell in one block, or undefined. */
  private readonly arrays: (Uint32Array | undefined)[] = new Array<Uint32Array | undefined>(BLOCK_SLOTS * COARSE_CELLS);
  /** The block each slot holds (NaN: none). */
  private readonly slotBlock = new Float64Array(BLOCK_SLOTS).fill(Number.NaN);
  private readonly slotPosts = new Float64Array(BLOCK_SLOTS);
  private newest = Number.NEGATIVE_INFINITY;
  private maxTagId = -1;
  /** Counts by tag id during a scan, all zero between scans. */
  private scratch = new Int32Array(0);
  /** Offsets of the matching posts of one array, reused by every scan. */
  private selected = new Int32Array(0);

  /** Posts held. */
  get size(): number {
    return this.slotPosts.reduce((sum, n) => sum + n, 0);
  }

  /** The newest minute seen or advanced to. */
  get newestMinute(): number {
    return this.newest;
  }

  /** Files one post; false when its minute is already out of the horizon. */
  add(minute: number, lat: number, lon: number, tagIds: readonly number[]): boolean {
    if (tagIds.length > MAX_TAGS_PER_POST) throw new RangeError(`a post may carry at most ${MAX_TAGS_PER_POST} tags; got ${tagIds.length}`);
    this.advanceTo(minute);
    if (minute <= this.newest - HORIZON_MINUTES) return false;
    const block = Math.floor(minute / BLOCK_MINUTES);
    const slot = modulo(block, BLOCK_SLOTS);
    if (this.slotBlock[slot] !== block) {
      this.clearSlot(slot);
      this.slotBlock[slot] = block;
    }
    const col = fineCol(lon);
    const row = fineRow(lat);
    const cell = Math.floor(row / SIDE) * COARSE_COLS + Math.floor(col / SIDE);
    const local = (row % SIDE) * SIDE + (col % SIDE);
    const index = slot * COARSE_CELLS + cell;
    const words = this.room(index, 1 + tagIds.length);
    let at = words[0];
    words[at++] = (minute - block * BLOCK_MINUTES) | (local << MINUTE_BITS) | (tagIds.length << COUNT_SHIFT);
    for (const id of tagIds) {
      words[at++] = id;
      if (id > this.maxTagId) this.maxTagId = id;
    }
    words[0] = at;
    this.slotPosts[slot] += 1;
    return true;
  }

  /** Moves the horizon's end forward to `minute` (never back), dropping the blocks that fall out of it. */
  advanceTo(minute: number): void {
    if (minute <= this.newest) return;
    this.newest = minute;
    const oldestLive = Math.floor((minute - HORIZON_MINUTES + 1) / BLOCK_MINUTES);
    for (let slot = 0; slot < BLOCK_SLOTS; slot += 1) {
      if (this.slotBlock[slot] < oldestLive) this.clearSlot(slot);
    }
  }

  /** Posts per tag in `scan.bbox`, the reference period and the recent one apart. */
  countTags(scan: BoxScan): BoxCounts {
    // Per tag id, its recent count at [2 id] and its reference count at [2 id + 1]: one cache line per tag.
    const pairs = this.scratchFor(2);
    const touched: number[] = [];
    let posts = 0;
    let recentPosts = 0;
    const split = scan.splitMinute;
    this.forEachRun(scan.bbox, scan.fromMinute, scan.toMinute, (words, blockStart, selected, count) => {
      posts += count;
      for (let j = 0; j < count; j += 1) {
        const at = selected[j];
        const header = words[at];
        const isRecent = blockStart + (header & MINUTE_MASK) >= split;
        if (isRecent) recentPosts += 1;
        const side = isRecent ? 0 : 1;
        const end = at + 1 + (header >>> COUNT_SHIFT);
        for (let k = at + 1; k < end; k += 1) {
          const i = 2 * words[k];
          if (pairs[i] === 0 && pairs[i + 1] === 0) touched.push(i);
          pairs[i + side] += 1;
        }
      }
    });
    const n = touched.length;
    const result: BoxCounts = { posts, recentPosts, ids: new Int32Array(n), recent: new Int32Array(n), reference: new Int32Array(n) };
    for (let j = 0; j < n; j += 1) {
      const i = touched[j];
      result.ids[j] = i / 2;
      result.recent[j] = pairs[i];
      result.reference[j] = pairs[i + 1];
      pairs[i] = 0;
      pairs[i + 1] = 0;
    }
    return result;
  }

  /**
   * Posts per slot of `slotMinutes` for each of `tagIds` in the box, over `slots` slots from `fromMinute`:
   * one Int32Array per tag, oldest slot first.
   */
  sparks(bbox: Bbox, fromMinute: number, slotMinutes: number, slots: number, tagIds: readonly number[]): Int32Array[] {
    const series = tagIds.map(() => new Int32Array(slots));
    if (tagIds.length === 0) return series;
    // Tag id -> its series' index + 1, in the (all-zero) scratch array; reset below.
    const seriesOf = this.scratchFor(1);
    tagIds.forEach((id, i) => {
      if (id <= this.maxTagId) seriesOf[id] = i + 1;
    });
    this.forEachRun(bbox, fromMinute, fromMinute + slots * slotMinutes - 1, (words, blockStart, selected, count) => {
      for (let j = 0; j < count; j += 1) {
        const at = selected[j];
        const header = words[at];
        const end = at + 1 + (header >>> COUNT_SHIFT);
        for (let k = at + 1; k < end; k += 1) {
          const s = seriesOf[words[k]];
          if (s !== 0) series[s - 1][Math.floor((blockStart + (header & MINUTE_MASK) - fromMinute) / slotMinutes)] += 1;
        }
      }
    });
    for (const id of tagIds) if (id <= this.maxTagId) seriesOf[id] = 0;
    return series;
  }

  /**
   * Calls `visit` with every post held, hour block by hour block, oldest first: its minute, the centre of its
   * fine cell, its tag ids (a view valid during the call only). For a save written before tile counts were
   * saved, which rebuilds them from here.
   */
  forEachPost(visit: (minute: number, lat: number, lon: number, tagIds: Uint32Array) => void): void {
    const slots = [...this.slotBlock.keys()]
      .filter((slot) => !Number.isNaN(this.slotBlock[slot]))
      .sort((a, b) => this.slotBlock[a] - this.slotBlock[b]);
    for (const slot of slots) {
      const blockStart = this.slotBlock[slot] * BLOCK_MINUTES;
      for (let cell = 0; cell < COARSE_CELLS; cell += 1) {
        const words = this.arrays[slot * COARSE_CELLS + cell];
        if (words === undefined) continue;
        const baseCol = (cell % COARSE_COLS) * SIDE;
        const baseRow = Math.floor(cell / COARSE_COLS) * SIDE;
        for (let at = FIRST_RECORD; at < words[0];) {
          const header = words[at];
          const local = (header >>> MINUTE_BITS) & CELL_MASK;
          const lat = (baseRow + Math.floor(local / SIDE) + 0.5) / FINE_PER_DEGREE - 90;
          const lon = (baseCol + (local % SIDE) + 0.5) / FINE_PER_DEGREE - 180;
          const end = at + 1 + (header >>> COUNT_SHIFT);
          visit(blockStart + (header & MINUTE_MASK), lat, lon, words.subarray(at + 1, end));
          at = end;
        }
      }
    }
  }

  /** What the index holds, for benchmarks and health: posts, arrays, and 32-bit words used and allocated. */
  stats(): { posts: number; arrays: number; wordsUsed: number; wordsAllocated: number } {
    let arrays = 0;
    let wordsUsed = 0;
    let wordsAllocated = 0;
    for (const words of this.arrays) {
      if (words === undefined) continue;
      arrays += 1;
      wordsUsed += words[0];
      wordsAllocated += words.length;
    }
    return { posts: this.size, arrays, wordsUsed, wordsAllocated };
  }

  /** A copy of the posts held, as plain data (see `GridIndexSnapshot`). */
  snapshot(): GridIndexSnapshot {
    const indexes: number[] = [];
    let total = 0;
    this.arrays.forEach((words, index) => {
      if (words === undefined) return;
      indexes.push(index);
      total += words[0];
    });
    const arrayWords = new Uint32Array(indexes.length);
    const words = new Uint32Array(total);
    let at = 0;
    indexes.forEach((index, i) => {
      const used = this.arrays[index]!.subarray(0, this.arrays[index]![0]);
      words.set(used, at);
      arrayWords[i] = used.length;
      at += used.length;
    });
    return {
      layout: { ...LAYOUT },
      slotBlock: this.slotBlock.slice(),
      slotPosts: this.slotPosts.slice(),
      newestMinute: Number.isFinite(this.newest) ? this.newest : null,
      maxTagId: this.maxTagId,
      arrayIndex: Uint32Array.from(indexes),
      arrayWords,
      words,
    };
  }

  /**
   * The grid `snapshot` copied. Every array's records are walked once (headers only): a damaged one could
   * otherwise send a scan past its end, and a tag id must be under `tagCount`. `where` names it in the
   * RangeError a malformed snapshot gets.
   */
  static restore(snapshot: GridIndexSnapshot, tagCount: number, where = 'grid'): GridIndex {
    const s = checkObject(snapshot, where);
    const layout = checkObject(s.layout, `${where}.layout`);
    for (const name of Object.keys(LAYOUT) as (keyof GridLayout)[]) checkSame(layout[name], LAYOUT[name], `${where}.layout.${name}`);
    const grid = new GridIndex();
    grid.slotBlock.set(checkTyped(s.slotBlock, Float64Array, `${where}.slotBlock`, BLOCK_SLOTS));
    grid.slotPosts.set(checkTyped(s.slotPosts, Float64Array, `${where}.slotPosts`, BLOCK_SLOTS));
    grid.newest = checkNullableNumber(s.newestMinute, `${where}.newestMinute`, true) ?? Number.NEGATIVE_INFINITY;
    grid.maxTagId = checkNumber(s.maxTagId, `${where}.maxTagId`, true);
    if (grid.maxTagId >= tagCount) damaged(`${where}.maxTagId`, `tag id ${grid.maxTagId} is not in the dictionary (${tagCount} tags)`);
    const indexes = checkTyped(s.arrayIndex, Uint32Array, `${where}.arrayIndex`);
    const lengths = checkTyped(s.arrayWords, Uint32Array, `${where}.arrayWords`, indexes.length);
    const words = checkTyped(s.words, Uint32Array, `${where}.words`);
    checkSum(lengths, words.length, `${where}.arrayWords`);
    const posts = new Float64Array(BLOCK_SLOTS);
    let at = 0;
    indexes.forEach((index, i) => {
      const slot = Math.floor(index / COARSE_CELLS);
      if (slot >= BLOCK_SLOTS || Number.isNaN(grid.slotBlock[slot]) || (i > 0 && !(indexes[i - 1] < index))) {
        damaged(`${where}.arrayIndex[${i}]`, `array ${index} is out of order or in no block held`);
      }
      const array = words.slice(at, (at += lengths[i]));
      posts[slot] += grid.checkedRecords(array, `${where}.words (array ${index})`);
      grid.arrays[index] = array;
    });
    for (let slot = 0; slot < BLOCK_SLOTS; slot += 1) {
      if (posts[slot] !== grid.slotPosts[slot])
        damaged(`${where}.slotPosts[${slot}]`, `says ${grid.slotPosts[slot]} posts, the arrays hold ${posts[slot]}`);
    }
    return grid;
  }

  /** The posts in one array of a snapshot, after checking that its records fill it exactly and name known tags. */
  private checkedRecords(words: Uint32Array, where: string): number {
    if (words.length < FIRST_RECORD || words[0] !== words.length) damaged(where, `says ${words[0]} words in use, holds ${words.length}`);
    let posts = 0;
    let at = FIRST_RECORD;
    while (at < words.length) {
      const end = at + 1 + (words[at] >>> COUNT_SHIFT);
      if (end > words.length || (words[at] & MINUTE_MASK) >= BLOCK_MINUTES) damaged(where, `the post at word ${at} is cut off or out of its block`);
      for (let k = at + 1; k < end; k += 1) if (words[k] > this.maxTagId) damaged(where, `tag id ${words[k]} is over maxTagId ${this.maxTagId}`);
      posts += 1;
      at = end;
    }
    return posts;
  }

  /**
   * Calls `visit` once per array of posts the box and minutes touch, with the offsets of the posts in it
   * that lie in both (`selected[0..count)`): the per-post tests run in one tight loop here, and callers
   * loop over the survivors without a call per post.
   */
  private forEachRun(bbox: Bbox, fromMinute: number, toMinute: number, visit: RunVisitor): void {
    const covers = coverOf(bbox);
    for (let slot = 0; slot < BLOCK_SLOTS; slot += 1) {
      const block = this.slotBlock[slot];
      if (Number.isNaN(block)) continue;
      const blockStart = block * BLOCK_MINUTES;
      if (blockStart > toMinute || blockStart + BLOCK_MINUTES - 1 < fromMinute) continue;
      // Minutes within the block, so the test per post is on its 6 bits.
      const first = Math.max(fromMinute - blockStart, 0);
      const last = Math.min(toMinute - blockStart, BLOCK_MINUTES - 1);
      const base = slot * COARSE_CELLS;
      for (const cover of covers) {
        const words = this.arrays[base + cover.cell];
        if (words === undefined) continue;
        const end = words[0];
        if (this.selected.length < end) this.selected = new Int32Array(end * 2);
        const selected = this.selected;
        let count = 0;
        let at = FIRST_RECORD;
        while (at < end) {
          const header = words[at];
          const minute = header & MINUTE_MASK;
          if (minute >= first && minute <= last && (cover.full || coverHolds(cover, (header >>> MINUTE_BITS) & CELL_MASK))) {
            selected[count++] = at;
          }
          at += 1 + (header >>> COUNT_SHIFT);
        }
        if (count > 0) visit(words, blockStart, selected, count);
      }
    }
  }

  /** The array at `index` with room for `need` more words, grown (doubled) or created as needed. */
  private room(index: number, need: number): Uint32Array {
    let words = this.arrays[index];
    if (words === undefined) {
      words = new Uint32Array(Math.max(INITIAL_WORDS, FIRST_RECORD + need));
      words[0] = FIRST_RECORD;
      this.arrays[index] = words;
    } else if (words[0] + need > words.length) {
      const grown = new Uint32Array(Math.max(words.length * 2, words[0] + need));
      grown.set(words.subarray(0, words[0]));
      words = grown;
      this.arrays[index] = words;
    }
    return words;
  }

  private clearSlot(slot: number): void {
    if (Number.isNaN(this.slotBlock[slot])) return;
    this.arrays.fill(undefined, slot * COARSE_CELLS, (slot + 1) * COARSE_CELLS);
    this.slotBlock[slot] = Number.NaN;
    this.slotPosts[slot] = 0;
  }

  /** The all-zero scratch array with `perTag` entries per tag id; callers zero what they touch. */
  private scratchFor(perTag: number): Int32Array {
    const needed = perTag * (this.maxTagId + 1);
    // A quarter to spare, so that a growing vocabulary does not reallocate on every query.
    if (this.scratch.length < needed) this.scratch = new Int32Array(Math.max(2_048, Math.ceil(needed * 1.25)));
    return this.scratch;
  }
}

/** Whether a fine cell (local to its coarse cell) lies in the cover. */
function coverHolds(cover: CellCover, local: number): boolean {
  const col = local % SIDE;
  const row = (local - col) / SIDE;
  return col >= cover.col0 && col <= cover.col1 && row >= cover.row0 && row <= cover.row1;
}

/** The coarse cells a box touches, each with the part of it the box covers, in fine cells. */
function coverOf(bbox: Bbox): CellCover[] {
  const { lons, south, north } = bboxSpans(bbox);
  const row0 = fineRow(south);
  const row1 = fineRow(north);
  let columns = lons.map(([west, east]) => [fineCol(west), fineCol(east)] as const);
  // Across the antimeridian, both halves may reach into the same fine column: that is every column.
  if (columns.length === 2 && columns[1][1] >= columns[0][0] - 1) columns = [[0, FINE_COLS - 1]];
  const covers: CellCover[] = [];
  for (const [col0, col1] of columns) {
    for (let cx = Math.floor(col0 / SIDE); cx <= Math.floor(col1 / SIDE); cx += 1) {
      for (let cy = Math.floor(row0 / SIDE); cy <= Math.floor(row1 / SIDE); cy += 1) {
        const cover: CellCover = {
          cell: cy * COARSE_COLS + cx,
          col0: Math.max(col0 - cx * SIDE, 0),
          col1: Math.min(col1 - cx * SIDE, SIDE - 1),
          row0: Math.max(row0 - cy * SIDE, 0),
          row1: Math.min(row1 - cy * SIDE, SIDE - 1),
          full: false,
        };
        cover.full = cover.col0 === 0 && cover.col1 === SIDE - 1 && cover.row0 === 0 && cover.row1 === SIDE - 1;
        covers.push(cover);
      }
    }
  }
  return covers;
}
