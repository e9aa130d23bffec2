import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CompressionCodecs, CompressionTypes } from './kafkajs';
import { zstdWritable } from './compressions';
import { installCodecs, lz4Codec, snappyBlocks, snappyCodec, zstdCodec, type Load } from './kafka-codecs';
import { KafkaPublisher } from './kafka-publisher';
import { FRAME_FLAGS } from './lz4-frame';

const require = createRequire(import.meta.url);

/** A loader on which the native modules fail as napi-rs's loaders do: the reason is the error's cause. */
const withoutNative: Load = (name) => {
  if (name === 'snappy' || name === 'lz4-napi') {
    throw new Error('Cannot find native binding. npm has a bug related to optional dependencies', {
      cause: new Error(`Cannot find module '@napi-rs/${name}-linux-x64-gnu'`),
    });
  }
  return require(name);
};

/** A batch's records as the producer writes them: repetitive JSON, as the events are. */
const records = Buffer.from(
  Array.from({ length: 400 }, (_, i) => `{"v":1,"id":"${1_600_000_000_000_000_000n + BigInt(i)}","tags":["worldcup","goal${i % 7}"],"cc":"FR"}`).join(
    '',
  ),
);

describe.each([
  ['snappy', snappyCodec],
  ['lz4', lz4Codec],
])('the %s codec', (_, codecOf) => {
  const native = codecOf(require);
  const fallback = codecOf(withoutNative);

  it('loads the native module where it can, and says why the JavaScript one stands in where it cannot', () => {
    expect(native.fallbackReason).toBeNull();
    expect(native.codec.name).toContain('(native)');
    expect(fallback.codec.name).toContain('(JavaScript)');
    expect(fallback.fallbackReason).toMatch(/Cannot find native binding.*: Cannot find module '@napi-rs/);
  });

  it('passes over a native module that loads but does not give back what it compressed', async () => {
    // It compresses something else: its own reader takes that back without complaint, but not the sample.
    const broken: Load = (name) => {
      const module = require(name) as Record<string, (data: Buffer) => Buffer>;
      if (name !== 'snappy' && name !== 'lz4-napi') return module;
      return {
        ...module,
        compressSync: () => module.compressSync(Buffer.from('something else')),
        compressFrameSync: () => module.compressFrameSync(Buffer.from('something else')),
      };
    };
    const choice = codecOf(broken);
    expect(choice.codec.name).toContain('(JavaScript)');
    expect(choice.fallbackReason).toMatch(/^(snappy|lz4-napi): it did not give back what it compressed$/);
    expect((await choice.codec.decompress(await choice.codec.compress(records))).equals(records)).toBe(true);
  });

  it('fails only when used, saying why, when no implementation loads', async () => {
    const none = codecOf(() => {
      throw new Error('no modules here');
    });
    await expect(none.codec.compress(records)).rejects.toThrow(/could be loaded .*no modules here/);
    await expect(none.codec.decompress(records)).rejects.toThrow(/could be loaded/);
  });

  it('compresses, and both implementations read what either wrote: the same format on the wire', async () => {
    const byNative = await native.codec.compress(records);
    const byFallback = await fallback.codec.compress(records);
    expect(byNative.length).toBeLessThan(records.length / 2);
    expect(byFallback.length).toBeLessThan(records.length / 2);
    for (const written of [byNative, byFallback]) {
      expect((await native.codec.decompress(written)).equals(records)).toBe(true);
      expect((await fallback.codec.decompress(written)).equals(records)).toBe(true);
    }
  });
});

describe('lz4 frames as Kafka takes them', () => {
  /** More than one 64 KB block, with repeats across the blocks that a dependent block would reference. */
  const large = Buffer.concat([records, records, records, records, records, records, records]);

  it('say their blocks are independent, from either writer (Kafka refuses a frame that does not)', async () => {
    for (const { codec } of [lz4Codec(require), lz4Codec(withoutNative)]) {
      const frame = await codec.compress(large);
      expect(frame.readUInt32LE(0)).toBe(0x184d2204);
      expect(frame[4] & 0x20).toBe(0x20);
    }
    expect(FRAME_FLAGS & 0x20).toBe(0x20);
  });

  it('written in JavaScript, are read block by block by the native reader and by lz4js', async () => {
    expect(large.length).toBeGreaterThan(3 * 64 * 1024);
    const frame = await lz4Codec(withoutNative).codec.compress(large);
    expect(frame.length).toBeLessThan(large.length / 2);
    expect((await lz4Codec(require).codec.decompress(frame)).equals(large)).toBe(true);
    expect((await lz4Codec(withoutNative).codec.decompress(frame)).equals(large)).toBe(true);
    // Incompressible input is stored: the size word's high bit, and the bytes as they are.
    const noise = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 2_654_435_761) >>> 24));
    const stored = await lz4Codec(withoutNative).codec.compress(noise);
    expect((await lz4Codec(require).codec.decompress(stored)).equals(noise)).toBe(true);
  });
});

describe('snappy in the xerial framing (what Kafka’s Java client writes)', () => {
  /** A xerial-framed batch of the raw snappy `blocks`. */
  const xerial = (blocks: Buffer[]) =>
    Buffer.concat([
      Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]),
      ...blocks.flatMap((block) => {
        const length = Buffer.alloc(4);
        length.writeUInt32BE(block.length);
        return [length, block];
      }),
    ]);

  it('is read block by block, with either implementation', async () => {
    const halves = [records.subarray(0, 5_000), records.subarray(5_000)];
    const raw = await Promise.all(halves.map((half) => snappyCodec(require).codec.compress(half)));
    const framed = xerial(raw);
    expect(snappyBlocks(framed)).toHaveLength(2);
    expect((await snappyCodec(require).codec.decompress(framed)).equals(records)).toBe(true);
    expect((await snappyCodec(withoutNative).codec.decompress(framed)).equals(records)).toBe(true);
  });

  it('refuses a framing cut short rather than reading past it', async () => {
    const framed = xerial([await snappyCodec(require).codec.compress(records)]);
    expect(() => snappyBlocks(framed.subarray(0, framed.length - 3))).toThrow(/cut short/);
    expect(() => snappyBlocks(framed.subarray(0, 18))).toThrow(/length is cut short/);
  });

  it('takes a raw block that merely starts like the magic as a raw block when it is too short to be framed', () => {
    const short = Buffer.from([0x82, 0x53, 0x4e]);
    expect(snappyBlocks(short)).toEqual([short]);
  });
});

describe('the zstd codec', () => {
  /** "trendmap zstd frame: #worldcup #worldcup #worldcup", compressed by Node 24's zlib. */
  const frame = Buffer.from('KLUv/SAyJQEA8HRyZW5kbWFwIHpzdGQgZnJhbWU6ICN3b3JsZGN1cAEAli5O', 'base64');

  it('reads a zstd frame on any Node: with zlib where it has zstd, else with fzstd', async () => {
    const { codec, fallbackReason } = zstdCodec(require);
    expect((await codec.decompress(frame)).toString()).toBe('trendmap zstd frame: #worldcup #worldcup #worldcup');
    expect(fallbackReason === null).toBe(zstdWritable());
  });

  it.runIf(zstdWritable())('writes with zlib what fzstd reads too', async () => {
    const written = await zstdCodec(require).codec.compress(records);
    expect(written.length).toBeLessThan(records.length / 4);
    const fzstd = require('fzstd') as { decompress(data: Uint8Array): Uint8Array };
    expect(Buffer.from(fzstd.decompress(written)).equals(records)).toBe(true);
  });

  it.runIf(!zstdWritable())('refuses to write where zlib has no zstd, saying which Node can', async () => {
    await expect(zstdCodec(require).codec.compress(records)).rejects.toThrow(/Node 22.15 or later/);
    // The publisher says so before it connects, as a mistake in the configuration (exit 2, no stack trace).
    const settings = { brokers: ['127.0.0.1:1'], topic: 't', clientId: 'c', partitions: 1, retentionHours: 48, compression: 'zstd' as const };
    const silent = { info: () => {}, warn: () => {}, error: () => {} };
    expect(() => KafkaPublisher.start(settings, silent)).toThrow(/^KAFKA_COMPRESSION=zstd needs Node 22.15 or later/);
  });
});

describe('installCodecs', () => {
  it('registers snappy, lz4 and zstd with kafkajs, which calls compress with its record encoder', async () => {
    const installed = installCodecs();
    expect(installCodecs()).toBe(installed);
    const codecs = CompressionCodecs as Record<
      number,
      () => { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> }
    >;
    for (const type of [CompressionTypes.Snappy, CompressionTypes.LZ4]) {
      const codec = codecs[type]();
      const written = await codec.compress({ buffer: records });
      expect((await codec.decompress(written)).equals(records)).toBe(true);
    }
    const zstd = codecs[CompressionTypes.ZSTD]();
    expect((await zstd.decompress(Buffer.from('KLUv/SAyJQEA8HRyZW5kbWFwIHpzdGQgZnJhbWU6ICN3b3JsZGN1cAEAli5O', 'base64'))).toString()).toMatch(
      /^trendmap/,
    );
  });
});
