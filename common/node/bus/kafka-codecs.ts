/**
 * Kafka's compression codecs, for kafkajs, which brings gzip alone (snappy, lz4 and zstd throw "not
 * implemented" until a codec is registered). Every Kafka client of the process can then read a batch in any
 * of them, whatever it writes itself (`KAFKA_COMPRESSION`): a topic may hold batches of producers set
 * differently, or of Kafka's own tools.
 *
 * - snappy: `snappy` (napi-rs, prebuilt for each platform), else `snappyjs` (JavaScript). Written as a raw
 *   snappy block, as kafkajs's own `kafkajs-snappy` and librdkafka write it; read raw or in the xerial framing
 *   that Kafka's Java client writes.
 * - lz4: the LZ4 frame format that Kafka's record batches use (independent blocks), from `lz4-napi`
 *   (napi-rs), else written from `lz4js`'s blocks (lz4-frame.ts) and read with `lz4js`.
 * - zstd: Node's own `zlib` where it has zstd (Node 22.15 and later); elsewhere read with `fzstd`
 *   (JavaScript) and not written (the configuration refuses it: `zstdWritable`).
 *
 * A native module that cannot load (no prebuilt binary for the platform, a libc it was not built for), or that
 * loads but cannot round-trip a sample, leaves the JavaScript one in its place: slower, the same format on the
 * wire. `installCodecs` says which is used, and why.
 */
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from './kafkajs';
import { zstdWritable, type Compression } from './compressions';
import { writeLz4Frame, type Lz4Blocks } from './lz4-frame';

export type { Compression } from './compressions';

/** kafkajs's code for each compression. */
export const COMPRESSION_TYPES: Record<Compression, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/** One codec: what kafkajs calls with a batch's records (compress) or a fetched batch's bytes (decompress). */
export interface Codec {
  /** The implementation, for the log: a package's name, and whether it is the native one. */
  readonly name: string;
  compress(data: Buffer): Promise<Buffer>;
  decompress(data: Buffer): Promise<Buffer>;
}

/** Loads a package by name (a native one may throw); `require` unless a test says otherwise. */
export type Load = (name: string) => unknown;

/** What the process uses for each codec, and why a native one was passed over (null when it loaded). */
export interface CodecChoice {
  codec: Codec;
  /** The native module's load error, when the JavaScript codec stands in for it. */
  fallbackReason: string | null;
}

interface SnappyNative {
  compress(data: Buffer): Promise<Buffer>;
  uncompress(data: Buffer, options: { asBuffer: true }): Promise<Buffer>;
  compressSync(data: Buffer): Buffer;
  uncompressSync(data: Buffer, options: { asBuffer: true }): Buffer;
}
interface SnappyJs {
  compress(data: Buffer): Buffer;
  uncompress(data: Buffer): Buffer;
}
interface Lz4Native {
  compressFrame(data: Buffer): Promise<Buffer>;
  decompressFrame(data: Buffer): Promise<Buffer>;
  compressFrameSync(data: Buffer): Buffer;
  decompressFrameSync(data: Buffer): Buffer;
}
interface Lz4Js {
  decompress: (data: Uint8Array) => Uint8Array;
  compressBound: (length: number) => number;
  compressBlock: (src: Uint8Array, dst: Uint8Array, start: number, length: number, hashTable: Uint32Array) => number;
}
interface ZstdZlib {
  zstdCompress: (data: Buffer, callback: (error: Error | null, result: Buffer) => void) => void;
  zstdDecompress: (data: Buffer, callback: (error: Error | null, result: Buffer) => void) => void;
}
interface Fzstd {
  decompress(data: Uint8Array): Uint8Array;
}

const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/** An error's first line, with its causes' (napi-rs loaders put the real reason, a libc or a path, there). */
function reason(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined && parts.length < 4; e = (e as { cause?: unknown }).cause) {
    parts.push(String((e as Error)?.message ?? e).split('\n')[0]);
  }
  return parts.join(': ');
}

/** A sample every codec must give back as it was, before it is used: a module may load and still not work. */
const SAMPLE = Buffer.from('{"v":1,"tags":["worldcup","worldcup","worldcup"],"cc":"FR"}'.repeat(8));

/**
 * The first of `candidates` that loads and round-trips `SAMPLE`, with the first one's failure when another
 * stands in for it. When none does, a codec that fails when used, so that one broken codec costs only the
 * batches that need it.
 */
function firstWorking(
  load: Load,
  compression: string,
  candidates: Array<[string, (module: unknown) => Codec & { check: () => boolean }]>,
): CodecChoice {
  let firstError: string | null = null;
  for (const [name, build] of candidates) {
    try {
      const { check, ...codec } = build(load(name));
      if (!check()) throw new Error('it did not give back what it compressed');
      return { codec, fallbackReason: firstError };
    } catch (error) {
      firstError ??= `${name}: ${reason(error)}`;
    }
  }
  const failure = () => Promise.reject(new Error(`no ${compression} codec could be loaded (${firstError})`));
  return { codec: { name: `none (${firstError})`, compress: failure, decompress: failure }, fallbackReason: firstError };
}

/** The 8-byte magic that opens a snappy batch in the xerial framing (Kafka's Java client writes it). */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
/** Magic, then two 4-byte versions; then blocks, each a 4-byte big-endian length and a raw snappy block. */
const XERIAL_HEADER_BYTES = 16;

/** The raw snappy blocks of a batch: the batch itself, or the blocks of its xerial framing. */
export function snappyBlocks(data: Buffer): Buffer[] {
  if (data.length < XERIAL_HEADER_BYTES || !data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) return [data];
  const blocks: Buffer[] = [];
  for (let at = XERIAL_HEADER_BYTES; at < data.length;) {
    if (at + 4 > data.length) throw new Error('snappy: a xerial block length is cut short');
    const length = data.readUInt32BE(at);
    if (at + 4 + length > data.length) throw new Error('snappy: a xerial block is cut short');
    blocks.push(data.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return blocks;
}

export function snappyCodec(load: Load): CodecChoice {
  /** A codec from a raw block compressor and decompressor; it reads xerial framing too. */
  const framed = (name: string, compress: (d: Buffer) => Promise<Buffer>, block: (d: Buffer) => Promise<Buffer>, check: () => boolean) => ({
    name,
    check,
    compress,
    async decompress(data: Buffer) {
      const blocks = snappyBlocks(data);
      if (blocks.length === 1 && blocks[0] === data) return block(data);
      return Buffer.concat(await Promise.all(blocks.map(block)));
    },
  });
  return firstWorking(load, 'snappy', [
    [
      'snappy',
      (m) => {
        const native = m as SnappyNative;
        return framed(
          'snappy (native)',
          (d) => native.compress(d),
          (d) => native.uncompress(d, { asBuffer: true }),
          () => native.uncompressSync(native.compressSync(SAMPLE), { asBuffer: true }).equals(SAMPLE),
        );
      },
    ],
    [
      'snappyjs',
      (m) => {
        const js = m as SnappyJs;
        return framed(
          'snappyjs (JavaScript)',
          async (d) => js.compress(d),
          async (d) => js.uncompress(d),
          () => js.uncompress(js.compress(SAMPLE)).equals(SAMPLE),
        );
      },
    ],
  ]);
}

export function lz4Codec(load: Load): CodecChoice {
  return firstWorking(load, 'lz4', [
    [
      'lz4-napi',
      (m) => {
        const native = m as Lz4Native;
        return {
          name: 'lz4-napi (native)',
          compress: (d) => native.compressFrame(d),
          decompress: (d) => native.decompressFrame(d),
          check: () => native.decompressFrameSync(native.compressFrameSync(SAMPLE)).equals(SAMPLE),
        };
      },
    ],
    [
      'lz4js',
      (m) => {
        const js = m as Lz4Js;
        const { hash } = load('lz4js/xxh32') as { hash: Lz4Blocks['xxh32'] };
        const blocks: Lz4Blocks = { compressBound: js.compressBound, compressBlock: js.compressBlock, xxh32: hash };
        const compress = (d: Uint8Array) => writeLz4Frame(d, blocks);
        return {
          name: 'lz4js (JavaScript)',
          compress: async (d) => compress(d),
          decompress: async (d) => asBuffer(js.decompress(d)),
          check: () => asBuffer(js.decompress(compress(SAMPLE))).equals(SAMPLE),
        };
      },
    ],
  ]);
}

export function zstdCodec(load: Load): CodecChoice {
  if (zstdWritable()) {
    const z = zlib as unknown as ZstdZlib;
    const compress = promisify(z.zstdCompress);
    const decompress = promisify(z.zstdDecompress);
    return { codec: { name: 'node:zlib zstd (native)', compress: (d) => compress(d), decompress: (d) => decompress(d) }, fallbackReason: null };
  }
  const js = load('fzstd') as Fzstd;
  return {
    fallbackReason: `node:zlib has no zstd before Node 22.15 (this is ${process.version})`,
    codec: {
      name: 'fzstd (JavaScript, reads only)',
      compress: () => Promise.reject(new Error(`zstd cannot be written on Node ${process.version}; Node 22.15 or later can`)),
      decompress: async (d) => asBuffer(js.decompress(d)),
    },
  };
}

/** What `installCodecs` put in place, by compression. */
export type InstalledCodecs = Record<'snappy' | 'lz4' | 'zstd', CodecChoice>;

let installed: InstalledCodecs | undefined;
const requirePackage: Load = createRequire(import.meta.url);

/**
 * Registers snappy, lz4 and zstd with kafkajs for every client of the process, once (later calls return the
 * first call's choices). kafkajs hands `compress` its record encoder and `decompress` the bytes.
 */
export function installCodecs(load: Load = requirePackage): InstalledCodecs {
  installed ??= registerCodecs({ snappy: snappyCodec(load), lz4: lz4Codec(load), zstd: zstdCodec(load) });
  return installed;
}

/** Puts `choices` in kafkajs's place for each compression (`installCodecs`; a test may register others). */
export function registerCodecs(choices: InstalledCodecs): InstalledCodecs {
  const register = (type: CompressionTypes, { codec }: CodecChoice) => {
    (CompressionCodecs as Record<number, () => unknown>)[type] = () => ({
      compress: (encoder: { buffer: Buffer }) => codec.compress(encoder.buffer),
      decompress: (buffer: Buffer) => codec.decompress(buffer),
    });
  };
  register(CompressionTypes.Snappy, choices.snappy);
  register(CompressionTypes.LZ4, choices.lz4);
  register(CompressionTypes.ZSTD, choices.zstd);
  return choices;
}
