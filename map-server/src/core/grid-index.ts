/**
 * The grid of every post of the last 24 h that state format 1 saved, kept only to read such a save: its
 * tile counts are rebuilt from the grid's posts (`forEachPost`, see `PostCounts.restore`).
 *
 * Until state format 3, "Trends in this view" was counted from this grid, by scanning the posts inside a
 * box; boxes are now answered from the tile counts, and a running server keeps no grid. What is left here
 * is the grid's layout, `add` (which builds one, for tests of the upgrade), `snapshot`, and a `restore`
 * that reads a saved one back as it was laid out:
 * - A post is kept as its minute, its fine cell (`FINE_DEGREES` = 0.1°, about 11 km) and its tag ids, not
 *   its coordinates, so it comes back at the centre of its fine cell.
 * - Posts are filed by coarse cell (`COARSE_DEGREES` = 4°) and by block of `BLOCK_MINUTES` (1 h): one
 *   growable Uint32Array per (coarse cell, block) that holds posts; a block's posts leave together when the
 *   block falls out of the horizon.
 * - A post is one 32-bit header word (minute in its block: 6 bits, fine cell in its coarse cell: 11 bits, tag
 *   count: 7 bits) followed by one word per tag id.
 *
 * Why `restore` still checks everything it reads: a save is input, written by another build or damaged
 * since, and the promise is that an older save is read or refused with a clear reason, never misread.
 * A record whose tag count runs past its array would come back with its tags cut off, a minute past its block
 * or a slot holding a block not its own would misdate posts, a tag id outside the dictionary would be counted
 * for a tag no answer can name, and a save filed on another layout would put every post in the wrong place.
 * Each is refused with a RangeError naming the field, before any count is rebuilt.
 * Pure: time comes in as minutes (`floor(ms / 60_000)`), and the caller moves the horizon with `advanceTo`.
 */
import { modulo } from '../../../common/browser/modulo';
import { WINDOWS } from '../../../common/browser/windows';
import { checkNullableNumber, checkNumber, checkObject, checkSame, checkSum, checkTyped, damaged } from './snapshot-check';

/** Side of a fine cell, in degrees: where a post is kept. */
export const FINE_DEGREES = 0.1;
/** Side of a coarse cell, in degrees: the posts of one (coarse cell, block) share an array. */
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

export class GridIndex {
  /** Index `slot * COARSE_CELLS + cell`: the posts of one coarse cell in one block, or undefined. */
  private readonly arrays: (Uint32Array | undefined)[] = new Array<Uint32Array | undefined>(BLOCK_SLOTS * COARSE_CELLS);
  /** The block each slot holds (NaN: none). */
  private readonly slotBlock = new Float64Array(BLOCK_SLOTS).fill(Number.NaN);
  private readonly slotPosts = new Float64Array(BLOCK_SLOTS);
  private newest = Number.NEGATIVE_INFINITY;
  private maxTagId = -1;

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

  /**
   * Calls `visit` with every post held, hour block by hour block, oldest first: its minute, the centre of its
   * fine cell, its tag ids (a view valid during the call only). The order lets a rebuild of the tile counts
   * keep the oldest hour whole, as a run that counted the posts kept it.
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
   * The grid `snapshot` copied. Every slot's block and every array's records are checked once (the records by
   * their headers, and their tag ids to be under `tagCount`), so that `forEachPost` gives back nothing a save
   * did not hold. `where` names it in the RangeError a malformed snapshot gets.
   */
  static restore(snapshot: GridIndexSnapshot, tagCount: number, where = 'grid'): GridIndex {
    const s = checkObject(snapshot, where);
    const layout = checkObject(s.layout, `${where}.layout`);
    for (const name of Object.keys(LAYOUT) as (keyof GridLayout)[]) checkSame(layout[name], LAYOUT[name], `${where}.layout.${name}`);
    const grid = new GridIndex();
    grid.slotBlock.set(checkTyped(s.slotBlock, Float64Array, `${where}.slotBlock`, BLOCK_SLOTS));
    grid.slotPosts.set(checkTyped(s.slotPosts, Float64Array, `${where}.slotPosts`, BLOCK_SLOTS));
    grid.newest = checkNullableNumber(s.newestMinute, `${where}.newestMinute`, true) ?? Number.NEGATIVE_INFINITY;
    grid.checkBlocks(where);
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

  /**
   * Checks that each slot holds a whole block of its own (block modulo the slots) inside the horizon that ends
   * at the newest minute: `forEachPost` dates every post of a slot by its block, so any other would be misdated.
   */
  private checkBlocks(where: string): void {
    const newestBlock = Math.floor(this.newest / BLOCK_MINUTES);
    const oldestBlock = Math.floor((this.newest - HORIZON_MINUTES + 1) / BLOCK_MINUTES);
    this.slotBlock.forEach((block, slot) => {
      if (Number.isNaN(block)) return;
      // A fraction or an infinity is no slot's either: its modulo is not a whole slot.
      if (modulo(block, BLOCK_SLOTS) !== slot || block < oldestBlock || block > newestBlock) {
        damaged(`${where}.slotBlock[${slot}]`, `block ${block} is not slot ${slot}'s, or not in the horizon ending at minute ${this.newest}`);
      }
    });
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
}
