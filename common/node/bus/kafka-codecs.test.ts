import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { zstdWritable } from './compressions';
import { installCodecs, lz4Codec, snappyBlocks, snappyCodec, zstdCodec, type Load } from './kafka-codecs';

const require = createRequire(import.meta.url);

/** A loader on which the native modules fail, as on a platform with no prebuilt binary. */
const withoutNative: Load = (name) => {
  if (name === 'snappy' || name === 'lz4-napi') throw new Error(`Cannot find module '@napi-rs/${name}-linux-x64-gnu'`);
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
    expect(fallback.fallbackReason).toMatch(/Cannot find module/);
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
