/**
 * The LZ4 frame that Kafka's record batches take, written in JavaScript for the fallback lz4 codec
 * (kafka-codecs.ts): blocks of at most 64 KB, each compressed on its own (the frame says so), no checksums
 * but the header's. Kafka's brokers read every compressed batch to check it and refuse a frame whose blocks
 * may depend on one another, which is what `lz4js`'s own `compress` writes (it keeps one hash table for the
 * whole frame and leaves the flag unset); so the blocks come from its `compressBlock`, each with a fresh table.
 */

/** What this needs of `lz4js` (`lz4.js`, and `xxh32.js` for the header's checksum). */
export interface Lz4Blocks {
  compressBound(length: number): number;
  /** Compresses `src[start, start + length)` into `dst` from 0; returns the bytes written (0: it did not). */
  compressBlock(src: Uint8Array, dst: Uint8Array, start: number, length: number, hashTable: Uint32Array): number;
  /** xxHash32 of `src[start, start + length)`. */
  xxh32(seed: number, src: Uint8Array, start: number, length: number): number;
}

const MAGIC = 0x184d2204;
/** Version 01, blocks independent; no block checksums, content size or content checksum. */
export const FRAME_FLAGS = 0x60;
/** Blocks of at most 64 KB (Kafka's Java client writes these too). */
const BLOCK_DESCRIPTOR = 0x40;
const BLOCK_BYTES = 64 * 1024;
/** A block's size word says "stored, not compressed" with this bit. */
const STORED = 0x80000000;
/** Entries of lz4js's hash table, which maps 16-bit hashes to positions. */
const HASH_ENTRIES = 1 << 16;

export function writeLz4Frame(data: Uint8Array, lz4: Lz4Blocks): Buffer {
  const blocks = Math.ceil(data.length / BLOCK_BYTES);
  const out = Buffer.allocUnsafe(7 + blocks * (4 + Math.max(BLOCK_BYTES, lz4.compressBound(BLOCK_BYTES))) + 4);
  out.writeUInt32LE(MAGIC, 0);
  out[4] = FRAME_FLAGS;
  out[5] = BLOCK_DESCRIPTOR;
  out[6] = (lz4.xxh32(0, out, 4, 2) >> 8) & 0xff;
  let at = 7;
  const packed = new Uint8Array(lz4.compressBound(BLOCK_BYTES));
  for (let start = 0; start < data.length; start += BLOCK_BYTES) {
    const length = Math.min(BLOCK_BYTES, data.length - start);
    const size = lz4.compressBlock(data, packed, start, length, new Uint32Array(HASH_ENTRIES));
    if (size === 0 || size >= length) {
      out.writeUInt32LE((STORED | length) >>> 0, at);
      out.set(data.subarray(start, start + length), at + 4);
      at += 4 + length;
    } else {
      out.writeUInt32LE(size, at);
      out.set(packed.subarray(0, size), at + 4);
      at += 4 + size;
    }
  }
  out.writeUInt32LE(0, at); // the end mark
  return out.subarray(0, at + 4);
}
