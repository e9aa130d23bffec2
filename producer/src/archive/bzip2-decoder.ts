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
 * decode a whole buffer at once), and the format is small, so it is decoded here in two halves:
 *
 * 1. A block's symbols are read into `tt` (`Bzip2BlockReader`): Huffman, move-to-front and RUNA/RUNB
 *    decoding, bounded by the level: 100,000 × level 4-byte entries (3.6 MB at -9), allocated once. This
 *    is the largest synchronous step, once per 900 KB block (~10–30 ms).
 * 2. The Burrows-Wheeler transform is undone and the first run-length stage expanded lazily, into the
 *    caller's buffer: the state (place in `tt`, the run, copies still owed) is kept between calls, so even
 *    a block that stands for 46 MB comes out a buffer at a time.
 *
 * A block is decoded only once the bytes it could need are buffered (or the input has ended), because
 * the Huffman stage cannot stop midway; the compressed bytes held are therefore at most about one block
 * (`blockInputBytes`). Memory per decoder: 3.6 MB of `tt` + ~1 MB of input.
 *
 * Speed, measured on the replay bench's 200,000-line archive (72 MB; 6.7 MB as .bz2), on a busy 2-core
 * machine: 2.1–2.8 s to decode, where `bzip2 -d` takes 2.1–2.4 s of CPU and unbzip2-stream 19 s. Most of
 * it is step 2's walk through `tt`, a chain of dependent reads at random (memory latency, as in bzip2's
 * own C). Walking a whole block in one go, while `tt` might still be in cache, was tried and measured no
 * faster (in CPU time alone, or in a replay), and it made the largest step longer, so the walk stays lazy.
 * Faster than this takes a second core: decoding in a worker thread while the main thread parses (issue
 * 15); `ArchiveFormat.decode` hides which thread decodes.
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
const HEADER_BYTES = 4;
const BZH = 0x425a68; // "BZh"

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
  /** Compressed bytes to hold before the next attempt at a block. */
  private blockInputBytes = 0;
  private streamCrc = 0;
  private expectedBlockCrc = 0;
  private blockCrc = 0;
  /** The output half: symbols left, position in `tt`, the last byte and its run, copies still owed. */
  private left = 0;
  private position = 0;
  private current = 0;
  private run = 0;
  private copies = 0;
  private copyByte = 0;
  private decoded = 0;

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

  /** True once every stream in the input has been decoded and checked. */
  get done(): boolean {
    return this.phase === 'done';
  }

  /**
   * Decodes into `out`, at most `out.length` bytes, and returns how many. Less than that means the decoder
   * needs more input (or is done). Throws `Bzip2Error` on bad data and `TruncatedInput` when it ends early.
   */
  read(out: Uint8Array): number {
    let written = 0;
    while (written < out.length) {
      if (this.phase === 'output') {
        written = this.expand(out, written);
        if (this.left === 0 && this.copies === 0) this.endBlock();
      } else if (this.phase === 'done' || !this.attempt()) {
        break;
      }
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
      if (this.phase === 'block') this.blockInputBytes = 2 * bits.bufferedBytes;
      return false;
    }
  }

  private readHeader(): void {
    if (this.bits.read(24) !== BZH) throw new Bzip2Error(this.level === 0 ? 'not bzip2 data' : 'data after the end of the bzip2 stream');
    const level = this.bits.read(8) - 0x30;
    if (level < 1 || level > 9) throw new Bzip2Error('bad block size in the header');
    this.level = level;
    if (this.tt.length < level * BLOCK_UNIT) this.tt = new Int32Array(level * BLOCK_UNIT);
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

  /** Undoes the Burrows-Wheeler transform's sort: links each entry to the next in the original order. */
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
    this.current = tt[origPtr] & 0xff;
    this.run = -1;
    this.left = length;
    this.copies = 0;
    this.blockCrc = -1;
  }

  /**
   * Writes the block's bytes into `out` from `offset` until it is full or the block ends, undoing the first
   * run-length stage: after four equal bytes, the next symbol is a count of further copies (0–255).
   */
  private expand(out: Uint8Array, offset: number): number {
    const { tt } = this;
    const end = out.length;
    let o = offset;
    if (this.copies > 0) {
      const n = Math.min(this.copies, end - o);
      out.fill(this.copyByte, o, o + n);
      o += n;
      this.copies -= n;
    }
    let { left, position, current, run } = this;
    while (left > 0 && o < end) {
      left -= 1;
      const previous = current;
      const entry = tt[position];
      current = entry & 0xff;
      position = entry >>> 8;
      if (run++ === 3) {
        const n = Math.min(current, end - o);
        out.fill(previous, o, o + n);
        o += n;
        this.copies = current - n;
        this.copyByte = previous;
        current = -1;
      } else {
        out[o++] = current;
      }
      if (current !== previous) run = 0;
    }
    this.left = left;
    this.position = position;
    this.current = current;
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
