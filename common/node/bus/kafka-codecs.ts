/**
 * Kafka's compression codecs, for kafkajs, which brings gzip alone (snappy, lz4 and zstd throw "not
 * implemented" until a codec is registered). Every Kafka client of the process can then read a batch in any
 * of them, whatever it writes itself (`KAFKA_COMPRESSION`): a topic may hold batches of producers set
 * differently, or of Kafka's own tools.
 *
 * - snappy: `snappy` (napi-rs, prebuilt for each platform), else `snappyjs` (JavaScript). Written as a raw
 *   snappy block, as kafkajs's own `kafkajs-snappy` and librdkafka write it; read raw or in the xerial framing
 *   that Kafka's Java client writes.
 * - lz4: the LZ4 frame format that Kafka's record batches use, from `lz4-napi` (napi-rs), else `lz4js`.
 * - zstd: Node's own `zlib` where it has zstd (Node 22.15 and later); elsewhere read with `fzstd`
 *   (JavaScript) and not written (the configuration refuses it: `zstdWritable`).
 *
 * A native module that cannot load (no prebuilt binary for the platform, a libc it was not built for) leaves
 * the JavaScript one in its place: slower, but the same bytes on the wire. `installCodecs` says which is used.
 *
 * `CompressionCodecs` is taken from the package's default export: Node's ESM loader does not find it among
 * kafkajs's named exports (it stops reading `module.exports` before it), so a named import fails at run time.
 */
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import kafkajs, { CompressionTypes } from 'kafkajs';
import { zstdWritable, type Compression } from './compressions';

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
}
interface SnappyJs {
  compress(data: Buffer): Buffer;
  uncompress(data: Buffer): Buffer;
}
interface Lz4Native {
  compressFrame(data: Buffer): Promise<Buffer>;
  decompressFrame(data: Buffer): Promise<Buffer>;
}
interface Lz4Js {
  compress(data: Uint8Array): Uint8Array;
  decompress(data: Uint8Array): Uint8Array;
}
interface ZstdZlib {
  zstdCompress: (data: Buffer, callback: (error: Error | null, result: Buffer) => void) => void;
  zstdDecompress: (data: Buffer, callback: (error: Error | null, result: Buffer) => void) => void;
}
interface Fzstd {
  decompress(data: Uint8Array): Uint8Array;
}

const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/** The first of `candidates` that loads, with the first one's error when another stands in for it. */
function firstLoaded<T>(load: Load, candidates: Array<[string, (module: unknown) => T]>): { value: T; fallbackReason: string | null } {
  let firstError: string | null = null;
  for (const [name, build] of candidates) {
    try {
      return { value: build(load(name)), fallbackReason: firstError };
    } catch (error) {
      firstError ??= `${name}: ${(error as Error).message.split('\n')[0]}`;
    }
  }
  throw new Error(`no codec could be loaded (${firstError})`);
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
  const { value, fallbackReason } = firstLoaded<{ name: string; compress: (d: Buffer) => Promise<Buffer>; block: (d: Buffer) => Promise<Buffer> }>(
    load,
    [
      [
        'snappy',
        (m) => {
          const native = m as SnappyNative;
          return { name: 'snappy (native)', compress: (d) => native.compress(d), block: (d) => native.uncompress(d, { asBuffer: true }) };
        },
      ],
      [
        'snappyjs',
        (m) => {
          const js = m as SnappyJs;
          return { name: 'snappyjs (JavaScript)', compress: async (d) => js.compress(d), block: async (d) => js.uncompress(d) };
        },
      ],
    ],
  );
  return {
    fallbackReason,
    codec: {
      name: value.name,
      compress: value.compress,
      async decompress(data) {
        const blocks = snappyBlocks(data);
        if (blocks.length === 1 && blocks[0] === data) return value.block(data);
        return Buffer.concat(await Promise.all(blocks.map((block) => value.block(block))));
      },
    },
  };
}

export function lz4Codec(load: Load): CodecChoice {
  const { value, fallbackReason } = firstLoaded<Codec>(load, [
    [
      'lz4-napi',
      (m) => {
        const native = m as Lz4Native;
        if (typeof native.compressFrame !== 'function') throw new Error('lz4-napi has no frame format');
        return { name: 'lz4-napi (native)', compress: (d) => native.compressFrame(d), decompress: (d) => native.decompressFrame(d) };
      },
    ],
    [
      'lz4js',
      (m) => {
        const js = m as Lz4Js;
        return { name: 'lz4js (JavaScript)', compress: async (d) => asBuffer(js.compress(d)), decompress: async (d) => asBuffer(js.decompress(d)) };
      },
    ],
  ]);
  return { codec: value, fallbackReason };
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

/**
 * Registers snappy, lz4 and zstd with kafkajs for every client of the process, once (later calls return the
 * first call's choices). kafkajs hands `compress` its record encoder and `decompress` the bytes.
 */
export function installCodecs(load: Load = createRequire(import.meta.url)): InstalledCodecs {
  if (installed) return installed;
  const choices: InstalledCodecs = { snappy: snappyCodec(load), lz4: lz4Codec(load), zstd: zstdCodec(load) };
  const register = (type: CompressionTypes, { codec }: CodecChoice) => {
    (kafkajs.CompressionCodecs as Record<number, () => unknown>)[type] = () => ({
      compress: (encoder: { buffer: Buffer }) => codec.compress(encoder.buffer),
      decompress: (buffer: Buffer) => codec.decompress(buffer),
    });
  };
  register(CompressionTypes.Snappy, choices.snappy);
  register(CompressionTypes.LZ4, choices.lz4);
  register(CompressionTypes.ZSTD, choices.zstd);
  installed = choices;
  return choices;
}
