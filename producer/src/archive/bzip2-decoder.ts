/**
 * A pull-based bzip2 decoder: compressed bytes go in with `write`, and `read(out)` decodes at most
 * `out.length` bytes, only when called. Nothing is decoded ahead of the reader, so a bomb costs time, not
 * memory.
 *
 * Why our own decoder and not `unbzip2-stream` (what replays used before): that library decodes whole
 * blocks eagerly, into a JavaScript array one byte at a time, and at the end of its input decodes every
 * remaining block in one go. One 900 KB block stands for up to ~46 MB of output (bzip2's first run-length
 * stage turns 5 bytes into 259), and a small file holds many blocks, so a 402-byte file of 500 MB drove a
 * replay to 2.27 GB and a 7,994-byte one of 190 MB to 4.2 GB, with the event loop blocked throughout. No
 * maintained npm package offers a bounded streaming bzip2 decoder (seek-bzip, compressjs and node-bzip2
 * decode a whole buffer at once), and the format is small, so it is decoded here in three steps:
 *
 * 1. A block's symbols are read into `tt` (`Bzip2BlockReader`): Huffman, move-to-front and RUNA/RUNB
 *    decoding, bounded by the level: 100,000 × level 4-byte entries (3.6 MB at -9), allocated once. This
 *    is the largest synchronous step, once per 900 KB block (~10–15 ms, profiled in a replay).
 * 2. The Burrows-Wheeler transform is undone into `block` (at most 900 KB), `WALK_SLICE_ENTRIES` at a
 *    time, as the output needs them.
 * 3. The first run-length stage is undone lazily, into the caller's buffer: the place in `block` and the
 *    copies still owed are kept between calls, so even a block that stands for 46 MB comes out a buffer
 *    at a time.
 *
 * A block is decoded only once the bytes it could need are buffered (or the input has ended), because
 * the Huffman stage cannot stop midway; the compressed bytes held are therefore about one block
 * (`blockInputBytes`), and never more than a block can take (2.3 MB at -9; a longer one is refused).
 * Memory per decoder: 3.6 MB of `tt` + 0.9 MB of `block` + ~1 MB of input.
 *
 * Speed, measured on the replay bench's 200,000-line archive (72 MB; 6.7 MB as .bz2), on a busy 2-core
 * machine: 2.0–2.8 s to decode alone, where `bzip2 -d` takes 2.1–2.4 s of CPU and unbzip2-stream 19 s.
 * Most of it is step 2, a chain of dependent reads at random through `tt` (memory latency, as in bzip2's
 * own C). How much of it is done at once matters only inside a replay, where the pipeline evicts `tt`
 * from the cache between reads: walking a whole block at once took 8–25 % less CPU (16 % on average, 7
 * paired runs) than walking 64 KB per read, but the longest event-loop stall grew from 75–220 ms to
 * 270–670 ms (busy machine); slices of 128 Ki entries are the compromise (noisy figures: re-measure on a
 * quiet machine). A replay runs this decoder in a worker thread while the main thread parses
 * (`bzip2-thread.ts`, issue 15), where it walks whole blocks at once; on the main thread only where no
 * thread can be loaded.
 */
import { BitReader, NeedInput } from './bit-reader';
import { BLOCK_MAGIC, Bzip2BlockReader, Bzip2Error, END_MAGIC } from './bzip2-block';

/** Entries of `tt` per level: a level-n block holds at most n × 100,000 bytes before the last stage. */
const BLOCK_UNIT = 100_000;
/**
 * Compressed bytes buffered before a block is attempted, beyond a level's block size: a block of random
 * bytes compresses to a little over its size, so `level × 100,000 + 25,000` holds any block bzip2 writes.
 * A crafted block can be larger; then the attempt runs out, and the next waits for twice as many bytes.
 */
const BLOCK_INPUT_SLACK = 25_000;
/**
 * Most compressed bytes a block may take before it is refused, per 100,000 entries of its level: each of
 * its symbols (at most one per byte, plus end of block) takes at most 20 bits, 2.5 bytes. The format
 * itself sets no bound (a code length may be stepped up and down without end), so without this a crafted
 * block would be buffered for as long as the file goes on.
 */
const MAX_BLOCK_INPUT_PER_UNIT = 250_000;
/** What a block holds besides its symbols: headers, up to 32,767 selectors (~24 KB), six code tables. */
const MAX_BLOCK_INPUT_OVERHEAD = 64 * 1024;
const HEADER_BYTES = 4;
const BZH = 0x425a68; // "BZh"
/** What follows a stream and is not another: reported (`bzip2 -d` warns and ignores it), the lines before kept. */
const AFTER_STREAM = 'data after the end of the bzip2 stream';

/**
 * Entries of the Burrows-Wheeler walk done at once (a -9 block has up to 900,000): many at once while `tt`
 * is in the processor's cache costs less CPU, few at once keeps each synchronous step short. Measured: see
 * the comment at the top.
 */
const WALK_SLICE_ENTRIES = 131_072;

/** Where a decoder is in the stream. */
type Phase = 'header' | 'block' | 'output' | 'done';

/** bzip2's CRC-32: polynomial 0x04C11DB7, most significant bit first. */
const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let i = 0; i < 256; i += 1) {
    let c = i << 24;
    for (let k = 0; k < 8; k += 1) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[i] = c;
  }
  return table;
})();

export class Bzip2Decoder {
  private readonly bits = new BitReader();
  private readonly blocks = new Bzip2BlockReader();
  private phase: Phase = 'header';
  private level = 0;
  private tt = new Int32Array(0);
  /** The block's bytes in their original order, before the first run-length stage is undone. */
  private block = new Uint8Array(0);
  /** Compressed bytes to hold before the next attempt at a block. */
  private blockInputBytes = 0;
  private streamCrc = 0;
  private expectedBlockCrc = 0;
  private blockCrc = 0;
  /**
   * The output half: the block's length, the entries walked into `block` and the next link in `tt`, the
   * next byte of `block` to expand, the last byte and its run, copies still owed.
   */
  private length = 0;
  private walked = 0;
  private position = 0;
  private next = 0;
  private last = -1;
  private run = 0;
  private copies = 0;
  private decoded = 0;
  /**
   * Bad data found by a read that had already decoded bytes before it: those bytes are returned (blocks
   * whose CRCs matched, or the start of the one found bad, which earlier reads were handing out anyway), and
   * this is thrown by the next read. Thrown at once, a file's last good lines were lost with the buffer.
   */
  private held: Error | null = null;

  /**
   * `walkSliceEntries`: entries of the Burrows-Wheeler walk done at once; a decoder in a worker thread,
   * where a long synchronous step holds up no one, walks a whole block at once (`Infinity`).
   */
  constructor(private readonly walkSliceEntries = WALK_SLICE_ENTRIES) {}

  /** Gives the decoder more compressed bytes; it keeps them (not a copy) until they are read. */
  write(chunk: Buffer): void {
    this.bits.append(chunk);
  }

  /** No more input: what remains is decoded, and a stream cut short is reported by `read`. */
  end(): void {
    this.bits.end();
  }

  /** Decoded bytes handed out so far (for tests: what was decoded against what was taken). */
  get decodedBytes(): number {
    return this.decoded;
  }

  /** Compressed bytes given and not yet read. */
  get bufferedBytes(): number {
    return this.bits.bufferedBytes;
  }

  /** True once every stream in the input has been decoded and checked. */
  get done(): boolean {
    return this.phase === 'done';
  }

  /** The error the next `read` throws, found after the bytes the last one returned; null if none. */
  get failure(): Error | null {
    return this.held;
  }

  /**
   * Decodes into `out`, at most `out.length` bytes, and returns how many. Less than that means the decoder
   * needs more input, is done, or found bad data after those bytes (`failure`, thrown by the next call).
   * Throws `Bzip2Error` on bad data and `TruncatedInput` when it ends early.
   */
  read(out: Uint8Array): number {
    if (this.held !== null) throw this.held;
    let written = 0;
    try {
      while (written < out.length) {
        if (this.phase === 'output') {
          written = this.expand(out, written);
          if (this.next === this.length && this.copies === 0) this.endBlock();
        } else if (this.phase === 'done' || !this.attempt()) {
          break;
        }
      }
    } catch (error) {
      if (written === 0) throw error;
      this.held = error as Error;
    }
    this.decoded += written;
    return written;
  }

  /** Reads a stream header or a block once enough bytes are buffered; false when it has to wait. */
  private attempt(): boolean {
    const bits = this.bits;
    if (this.phase === 'header' && bits.inputEnded && bits.exhausted) {
      this.phase = 'done';
      return true;
    }
    const needed = this.phase === 'header' ? HEADER_BYTES : this.blockInputBytes;
    if (bits.bufferedBytes < needed && !bits.inputEnded) return false;
    bits.compact();
    bits.mark();
    try {
      if (this.phase === 'header') this.readHeader();
      else this.readBlock();
      return true;
    } catch (error) {
      if (!(error instanceof NeedInput)) throw error;
      bits.rewind();
      if (this.phase === 'block') this.blockInputBytes = this.nextBlockInputBytes();
      return false;
    }
  }

  /** A block ran out of input: wait for twice as much, up to the most any block can take. */
  private nextBlockInputBytes(): number {
    const limit = this.level * MAX_BLOCK_INPUT_PER_UNIT + MAX_BLOCK_INPUT_OVERHEAD;
    if (this.bits.bufferedBytes >= limit) throw new Bzip2Error('block larger than any bzip2 writes');
    return Math.min(2 * this.bits.bufferedBytes, limit);
  }

  private readHeader(): void {
    const bits = this.bits;
    const afterStream = this.level !== 0;
    // A byte or three after a stream (padding) are not a stream cut short.
    if (afterStream && bits.inputEnded && bits.bufferedBytes < HEADER_BYTES) throw new Bzip2Error(AFTER_STREAM);
    if (bits.read(24) !== BZH) throw new Bzip2Error(afterStream ? AFTER_STREAM : 'not bzip2 data');
    const level = bits.read(8) - 0x30;
    if (level < 1 || level > 9) throw new Bzip2Error('bad block size in the header');
    this.level = level;
    if (this.tt.length < level * BLOCK_UNIT) {
      this.tt = new Int32Array(level * BLOCK_UNIT);
      this.block = new Uint8Array(level * BLOCK_UNIT);
    }
    this.blockInputBytes = level * BLOCK_UNIT + BLOCK_INPUT_SLACK;
    this.streamCrc = 0;
    this.phase = 'block';
  }

  /** A block's symbols, ready to expand; or the stream's end marker, checked. */
  private readBlock(): void {
    const bits = this.bits;
    const high = bits.read(24);
    const low = bits.read(24);
    if (high === END_MAGIC[0] && low === END_MAGIC[1]) {
      const crc = ((bits.read(16) << 16) | bits.read(16)) >>> 0;
      if (crc !== this.streamCrc) throw new Bzip2Error('stream CRC mismatch');
      bits.align();
      this.phase = 'header';
      return;
    }
    if (high !== BLOCK_MAGIC[0] || low !== BLOCK_MAGIC[1]) throw new Bzip2Error('bad block header');
    const block = this.blocks.read(bits, this.tt, this.level * BLOCK_UNIT);
    this.startOutput(block.origPtr, block.length);
    this.expectedBlockCrc = block.crc;
    this.blockInputBytes = this.level * BLOCK_UNIT + BLOCK_INPUT_SLACK;
    this.phase = 'output';
  }

  /** Undoes the Burrows-Wheeler transform's sort: links each entry of `tt` to the next in the original order. */
  private startOutput(origPtr: number, length: number): void {
    const { tt } = this;
    const counts = this.blocks.byteCounts;
    const starts = new Int32Array(256);
    for (let value = 0, sum = 0; value < 256; value += 1) {
      starts[value] = sum;
      sum += counts[value];
    }
    // The low 8 bits hold the byte, the upper 24 the link (length ≤ 900,000 < 2^24).
    for (let i = 0; i < length; i += 1) tt[starts[tt[i] & 0xff]++] |= i << 8;
    this.position = tt[origPtr] >>> 8;
    this.length = length;
    this.walked = 0;
    this.next = 0;
    this.last = -1;
    this.run = 0;
    this.copies = 0;
    this.blockCrc = -1;
  }

  /** Follows the links of `tt` for the next `walkSliceEntries` bytes of the block, into `block`. */
  private walk(): void {
    const { tt, block } = this;
    const stop = Math.min(this.length, this.walked + this.walkSliceEntries);
    let position = this.position;
    for (let i = this.walked; i < stop; i += 1) {
      const entry = tt[position];
      block[i] = entry & 0xff;
      position = entry >>> 8;
    }
    this.position = position;
    this.walked = stop;
  }

  /**
   * Writes the block's bytes into `out` from `offset` until it is full or the block ends, undoing the first
   * run-length stage as it goes: after four equal bytes, the next is a count of further copies (0–255).
   * This is where one block can grow to ~46 MB, so it keeps its place and resumes on the next call.
   */
  private expand(out: Uint8Array, offset: number): number {
    const { block } = this;
    const end = out.length;
    let o = offset;
    if (this.copies > 0) {
      const n = Math.min(this.copies, end - o);
      out.fill(this.last, o, o + n);
      o += n;
      this.copies -= n;
      if (this.copies === 0) this.last = -1;
    }
    let { next, last, run } = this;
    while (o < end && this.copies === 0) {
      if (next === this.walked) {
        if (this.walked === this.length) break;
        this.walk();
      }
      const stop = this.walked;
      while (next < stop && o < end) {
        const value = block[next++];
        if (run === 4) {
          const n = Math.min(value, end - o);
          out.fill(last, o, o + n);
          o += n;
          run = 0;
          if (n < value) {
            this.copies = value - n;
            break;
          }
          last = -1;
        } else {
          out[o++] = value;
          if (value === last) run += 1;
          else {
            last = value;
            run = 1;
          }
        }
      }
    }
    this.next = next;
    this.last = last;
    this.run = run;
    let crc = this.blockCrc;
    for (let i = offset; i < o; i += 1) crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ out[i]) & 0xff];
    this.blockCrc = crc;
    return o;
  }

  private endBlock(): void {
    const crc = ~this.blockCrc >>> 0;
    if (crc !== this.expectedBlockCrc) throw new Bzip2Error('block CRC mismatch');
    this.streamCrc = (((this.streamCrc << 1) | (this.streamCrc >>> 31)) ^ crc) >>> 0;
    this.phase = 'block';
  }
}
