/**
 * The first half of decoding a bzip2 block: its Huffman-coded, move-to-front and run-length (RUNA/RUNB)
 * coded symbols, read into the block's bytes before the Burrows-Wheeler transform is undone. Pure and
 * synchronous; the format is bzip2 1.0's (`decompress.c`, `huffman.c` in the reference sources).
 *
 * The work and memory are bounded by the block, whatever the data says: at most `maxLength` bytes
 * (100,000 × the level, 900 KB at -9) are written into `tt`, every run is checked against that before it
 * is written, and a run's length code is refused past 2^21 (as bzip2 does) so that no sequence of
 * symbols can loop without producing. The tables are allocated once and reused for every block.
 */
import type { BitReader } from './bit-reader';

/** Data that is not valid bzip2, with a short reason for the summary. */
export class Bzip2Error extends Error {}

/** Bits of a block's magic number (π in BCD), and of the stream's end marker (√π). */
export const BLOCK_MAGIC = [0x314159, 0x265359] as const;
export const END_MAGIC = [0x177245, 0x385090] as const;

const MIN_GROUPS = 2;
const MAX_GROUPS = 6;
/** Symbols: RUNA, RUNB, up to 255 move-to-front positions, end of block. */
const MAX_ALPHA = 258;
const MAX_CODE_BITS = 20;
/** Entries per group in `limit` and `base`: code lengths 0 to 21 (base is indexed by length + 1). */
const CODE_STRIDE = MAX_CODE_BITS + 2;
/** Symbols coded with one Huffman table before the next selector applies. */
const GROUP_SIZE = 50;
const RUNA = 0;
const RUNB = 1;
/** Move-to-front positions shifted with a loop; past this, `copyWithin` is faster (measured on random data). */
const MTF_LOOP_MAX = 16;
/** bzip2's own ceiling on a run's length code (`N >= 2*1024*1024` in decompress.c). */
const MAX_RUN_WEIGHT = 2 * 1024 * 1024;

export interface BlockHeader {
  /** The CRC of the block's decoded bytes, as the compressor wrote it. */
  crc: number;
  /** Where, in the sorted rotations, the original text starts. */
  origPtr: number;
  /** Bytes written into `tt` (the block's length before the last run-length stage is undone). */
  length: number;
}

export class Bzip2BlockReader {
  private readonly selectors = new Uint8Array(1 << 15);
  private readonly lengths = new Uint8Array(MAX_ALPHA);
  private readonly limit = new Int32Array(MAX_GROUPS * CODE_STRIDE);
  private readonly base = new Int32Array(MAX_GROUPS * CODE_STRIDE);
  private readonly perm = new Int32Array(MAX_GROUPS * MAX_ALPHA);
  private readonly minLen = new Int32Array(MAX_GROUPS);
  private readonly maxLen = new Int32Array(MAX_GROUPS);
  /** The byte values the block uses, in order, and the move-to-front list of indices into them. */
  private readonly used = new Uint8Array(256);
  private readonly mtf = new Uint8Array(256);
  /** How many times each byte value occurs in the block: where the inverse transform starts each. */
  readonly byteCounts = new Int32Array(256);

  /**
   * Reads a block after its magic number: the bytes go into `tt` (one per entry, in the low 8 bits).
   * Throws `Bzip2Error` on bad data, and whatever `bits` throws when it runs out.
   */
  read(bits: BitReader, tt: Int32Array, maxLength: number): BlockHeader {
    const crc = ((bits.read(16) << 16) | bits.read(16)) >>> 0;
    if (bits.bit()) throw new Bzip2Error('randomised blocks (bzip2 0.9.0 and older) are not supported');
    const origPtr = bits.read(24);
    const alphaSize = this.readUsed(bits) + 2;
    const groups = bits.read(3);
    if (groups < MIN_GROUPS || groups > MAX_GROUPS) throw new Bzip2Error('bad Huffman group count');
    const selectorCount = bits.read(15);
    if (selectorCount === 0) throw new Bzip2Error('no Huffman selectors');
    this.readSelectors(bits, groups, selectorCount);
    for (let g = 0; g < groups; g += 1) this.readTable(bits, g, alphaSize);
    const length = this.readSymbols(bits, tt, maxLength, alphaSize, selectorCount);
    if (origPtr >= length) throw new Bzip2Error('block origin out of range');
    return { crc, origPtr, length };
  }

  /** The map of byte values in use: 16 bits for ranges of 16, then 16 bits for each range in use. */
  private readUsed(bits: BitReader): number {
    const ranges = bits.read(16);
    let count = 0;
    for (let i = 0; i < 16; i += 1) {
      if ((ranges & (0x8000 >>> i)) === 0) continue;
      const values = bits.read(16);
      for (let j = 0; j < 16; j += 1) if (values & (0x8000 >>> j)) this.used[count++] = i * 16 + j;
    }
    if (count === 0) throw new Bzip2Error('block uses no byte values');
    return count;
  }

  /** Which table codes each group of 50 symbols: unary, move-to-front coded. */
  private readSelectors(bits: BitReader, groups: number, count: number): void {
    const order = [0, 1, 2, 3, 4, 5];
    for (let i = 0; i < count; i += 1) {
      let j = 0;
      while (bits.bit()) if (++j >= groups) throw new Bzip2Error('bad Huffman selector');
      const g = order[j];
      for (; j > 0; j -= 1) order[j] = order[j - 1];
      order[0] = g;
      this.selectors[i] = g;
    }
  }

  /** One table's code lengths (delta coded), turned into bzip2's limit/base/perm decoding tables. */
  private readTable(bits: BitReader, g: number, alphaSize: number): void {
    const { lengths, limit, base, perm } = this;
    let length = bits.read(5);
    let min = MAX_CODE_BITS;
    let max = 0;
    for (let s = 0; s < alphaSize; s += 1) {
      for (;;) {
        if (length < 1 || length > MAX_CODE_BITS) throw new Bzip2Error('bad Huffman code length');
        if (!bits.bit()) break;
        length += bits.bit() ? -1 : 1;
      }
      lengths[s] = length;
      if (length < min) min = length;
      if (length > max) max = length;
    }
    this.minLen[g] = min;
    this.maxLen[g] = max;
    const at = g * CODE_STRIDE;
    let p = g * MAX_ALPHA;
    for (let len = min; len <= max; len += 1) for (let s = 0; s < alphaSize; s += 1) if (lengths[s] === len) perm[p++] = s;
    base.fill(0, at, at + CODE_STRIDE);
    for (let s = 0; s < alphaSize; s += 1) base[at + lengths[s] + 1] += 1;
    for (let len = 1; len < CODE_STRIDE; len += 1) base[at + len] += base[at + len - 1];
    limit.fill(0, at, at + CODE_STRIDE);
    let code = 0;
    for (let len = min; len <= max; len += 1) {
      code += base[at + len + 1] - base[at + len];
      limit[at + len] = code - 1;
      code <<= 1;
    }
    for (let len = min + 1; len <= max; len += 1) base[at + len] = ((limit[at + len - 1] + 1) << 1) - base[at + len];
  }

  /** The symbols up to end of block, undoing move-to-front and RUNA/RUNB runs into `tt`; returns the length. */
  private readSymbols(bits: BitReader, tt: Int32Array, maxLength: number, alphaSize: number, selectorCount: number): number {
    const { limit, base, perm, minLen, maxLen, selectors, used, mtf, byteCounts } = this;
    const endOfBlock = alphaSize - 1;
    for (let i = 0; i < 256; i += 1) mtf[i] = i;
    byteCounts.fill(0);
    let length = 0;
    let selector = 0;
    let left = 0;
    let g = 0;
    let runLength = 0;
    let runWeight = 0;
    for (;;) {
      // The next symbol, with the table its group of 50 uses.
      if (left === 0) {
        if (selector >= selectorCount) throw new Bzip2Error('more symbols than selectors');
        g = selectors[selector++];
        left = GROUP_SIZE;
      }
      left -= 1;
      const at = g * CODE_STRIDE;
      let len = minLen[g];
      let code = bits.read(len);
      while (code > limit[at + len]) {
        if (++len > maxLen[g]) throw new Bzip2Error('bad Huffman code');
        code = (code << 1) | bits.bit();
      }
      const index = code - base[at + len];
      if (index < 0 || index >= alphaSize) throw new Bzip2Error('bad Huffman code');
      const symbol = perm[g * MAX_ALPHA + index];

      if (symbol === RUNA || symbol === RUNB) {
        // A run of the byte at the front of the list, its length written in bijective base 2.
        if (runWeight === 0) runWeight = 1;
        else if (runWeight >= MAX_RUN_WEIGHT) throw new Bzip2Error('run too long');
        runLength += symbol === RUNA ? runWeight : 2 * runWeight;
        runWeight <<= 1;
        continue;
      }
      if (runWeight !== 0) {
        if (length + runLength > maxLength) throw new Bzip2Error('block longer than its level allows');
        const value = used[mtf[0]];
        byteCounts[value] += runLength;
        tt.fill(value, length, length + runLength);
        length += runLength;
        runLength = 0;
        runWeight = 0;
      }
      if (symbol === endOfBlock) return length;
      if (length >= maxLength) throw new Bzip2Error('block longer than its level allows');
      // Move-to-front: the symbol names a position in the list; that entry moves to the front.
      // Near the front (most symbols of text) a loop is fastest; further back, a native move.
      let position = symbol - 1;
      const front = mtf[position];
      if (position < MTF_LOOP_MAX) for (; position > 0; position -= 1) mtf[position] = mtf[position - 1];
      else mtf.copyWithin(1, 0, position);
      mtf[0] = front;
      const value = used[front];
      byteCounts[value] += 1;
      tt[length++] = value;
    }
  }
}
