import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { compressRepeated, repeatStreams } from '../../../test/archive-bombs';
import { bzip2, libbz2 } from '../../../test/bzip2-reference';
import { TruncatedInput } from './bit-reader';
import { BLOCK_MAGIC, Bzip2Error } from './bzip2-block';
import { Bzip2Decoder } from './bzip2-decoder';

/** What the system's bzip2 writes for `data` at `level`. */

/** Decodes `input` fed in pieces of `inputChunk` bytes, reading into buffers of `outputChunk` bytes. */
function decode(input: Buffer, inputChunk = 64 * 1024, outputChunk = 64 * 1024): Buffer {
  const decoder = new Bzip2Decoder();
  const parts: Buffer[] = [];
  const drain = () => {
    for (;;) {
      const out = Buffer.alloc(outputChunk);
      const n = decoder.read(out);
      if (n === 0) return;
      parts.push(out.subarray(0, n));
    }
  };
  for (let at = 0; at < input.length; at += inputChunk) {
    decoder.write(input.subarray(at, at + inputChunk));
    drain();
  }
  decoder.end();
  drain();
  expect(decoder.done).toBe(true);
  return Buffer.concat(parts);
}

/** Runs of every length from 1 to 600, each followed by a few other bytes: every case of bzip2's first stage. */
function runs(): Buffer {
  const parts: Buffer[] = [];
  for (let n = 1; n <= 600; n += 1) parts.push(Buffer.alloc(n, n % 256), Buffer.alloc(n % 7, 0x41));
  return Buffer.concat(parts);
}

const text = Buffer.from(Array.from({ length: 40_000 }, (_, i) => `{"id":${i},"text":"#tag${i % 97} und #東京 ${i % 13}"}\n`).join(''));

describe('Bzip2Decoder', () => {
  it('decodes what bzip2 wrote, at the smallest and largest block size, however the input is cut', () => {
    const random = randomBytes(250_000);
    for (const level of [1, 9]) {
      for (const data of [text, random, runs(), Buffer.alloc(0)]) {
        const compressed = bzip2(data, level);
        expect(decode(compressed).equals(data)).toBe(true);
        expect(decode(compressed, 7_001, 4_099).equals(data)).toBe(true);
      }
    }
    // One byte in and a few bytes out at a time: every resumable state of the decoder is crossed.
    const small = runs().subarray(0, 20_000);
    expect(decode(bzip2(small), 1, 3).equals(small)).toBe(true);
  });

  it('reads concatenated streams (pbzip2, or files joined with cat) as one', () => {
    const joined = Buffer.concat([bzip2(text, 1), bzip2(runs()), bzip2(Buffer.alloc(0))]);
    expect(decode(joined).equals(Buffer.concat([text, runs()]))).toBe(true);
  });

  it('decodes nothing until asked, and never more than the buffer it is given', async () => {
    // 45 MB of one byte in one block, the most one block can stand for, ten times over: ~450 MB in ~1 KB.
    const one = await compressRepeated('bzip2', 'a', 45_000_000);
    const bomb = repeatStreams(one, 10);
    expect(bomb.length).toBeLessThan(2_000);
    const decoder = new Bzip2Decoder();
    decoder.write(bomb);
    decoder.end();
    expect(decoder.decodedBytes).toBe(0);
    const out = Buffer.alloc(1_000);
    for (let i = 1; i <= 1_000; i += 1) {
      expect(decoder.read(out)).toBe(1_000);
      expect(decoder.decodedBytes).toBe(i * 1_000);
    }
    expect(out.every((byte) => byte === 0x61)).toBe(true);
  });

  it('streams: output comes before the input has ended, holding about one block of input', () => {
    const random = randomBytes(1_000_000);
    const compressed = bzip2(random, 1); // ten blocks of 100 KB
    const decoder = new Bzip2Decoder();
    const out = Buffer.alloc(64 * 1024);
    let fed = 0;
    let decoded = 0;
    while (decoded === 0) {
      decoder.write(compressed.subarray(fed, fed + 10_000));
      fed += 10_000;
      for (let n = decoder.read(out); n > 0; n = decoder.read(out)) decoded += n;
    }
    // The first block (~100 KB) came out once its worst-case size (125 KB) was in.
    expect(fed).toBeLessThanOrEqual(130_000);
    expect(decoded).toBeGreaterThan(99_000); // a block holds 19 bytes short of 100 KB
  });

  it('reports damaged data, a stream cut short, and what follows a stream without being bzip2', () => {
    const good = bzip2(text);
    const flipped = Buffer.from(good);
    flipped[Math.floor(good.length / 2)] ^= 0x10;
    expect(() => decode(flipped)).toThrow(Bzip2Error);
    // The CRCs as written: the first block's (bytes 10-13, after "BZh9" and the block magic) and the stream's
    // (the last 32 bits before the padding, so all of the second-last byte).
    for (const [at, message] of [
      [10, 'block CRC mismatch'],
      [good.length - 2, 'stream CRC mismatch'],
    ] as const) {
      const badCrc = Buffer.from(good);
      badCrc[at] ^= 0x01;
      expect(() => decode(badCrc)).toThrow(new Bzip2Error(message));
    }
    expect(() => decode(good.subarray(0, good.length - 20))).toThrow(TruncatedInput);
    expect(() => decode(Buffer.from('{"not":"bzip2"}\n'))).toThrow(/not bzip2 data/);
    expect(() => decode(Buffer.concat([good, Buffer.from('junk')]))).toThrow(/data after the end of the bzip2 stream/);
    expect(() => decode(Buffer.concat([good, Buffer.from([0])]))).toThrow(/data after the end of the bzip2 stream/);
  });

  it('hands over every byte decoded before the damage, then reports it', () => {
    /** What `decode` gave before it threw, read into buffers of `outputChunk` bytes, and what it threw. */
    const beforeDamage = (input: Buffer, outputChunk: number): { output: Buffer; error: unknown } => {
      const decoder = new Bzip2Decoder();
      const parts: Buffer[] = [];
      decoder.write(input);
      decoder.end();
      try {
        for (;;) {
          const out = Buffer.alloc(outputChunk);
          const n = decoder.read(out);
          if (n === 0) return { output: Buffer.concat(parts), error: null };
          parts.push(out.subarray(0, n));
        }
      } catch (error) {
        return { output: Buffer.concat(parts), error };
      }
    };
    // 3,000 lines and a line of junk: the reviewer's file, whose last 218 lines were lost with the buffer.
    const lines = Buffer.from(Array.from({ length: 3_000 }, (_, i) => `{"id":${i},"text":"#tag${i % 97}"}\n`).join(''));
    const trailing = Buffer.concat([bzip2(lines), Buffer.from('garbage\n')]);
    // A -1 file of ~25 blocks without its last 3,000 bytes: the blocks before the cut, as libbz2 gives them.
    const level1 = bzip2(text, 1);
    const cut = level1.subarray(0, level1.length - 3_000);
    const fromLibbz2 = libbz2(cut);
    expect(fromLibbz2.length).toBeGreaterThan(text.length / 2);
    for (const outputChunk of [64 * 1024, 4_099]) {
      const afterJunk = beforeDamage(trailing, outputChunk);
      expect(afterJunk.output.equals(lines)).toBe(true);
      expect(afterJunk.error).toEqual(new Bzip2Error('data after the end of the bzip2 stream'));
      const cutShort = beforeDamage(cut, outputChunk);
      expect(cutShort.output.equals(fromLibbz2)).toBe(true);
      expect(cutShort.error).toBeInstanceOf(TruncatedInput);
    }
  });

  it('refuses a block longer than any bzip2 writes before holding more than 2.4 MB of it', () => {
    // A valid start of a -9 block whose first code length then steps up and down (bits 10, 11) forever: the
    // format sets no end to that, so only a limit on a block's size stops the decoder buffering the file.
    const fields: [number, number][] = [
      [BLOCK_MAGIC[0], 24],
      [BLOCK_MAGIC[1], 24],
      [0, 32],
      [0, 1],
      [0, 24],
    ];
    fields.push([0x8000, 16], [0x8000, 16], [2, 3], [8, 15], [0, 8], [5, 5]); // byte 0 only; 2 tables; 8 selectors
    const bits = fields.map(([value, width]) => value.toString(2).padStart(width, '0')).join('');
    const start = Buffer.concat([Buffer.from('BZh9'), Buffer.from(bits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)))]);
    expect(bits.length % 8).toBe(0);
    const decoder = new Bzip2Decoder();
    decoder.write(start);
    const out = Buffer.alloc(64 * 1024);
    let fed = start.length;
    const feed = () => {
      while (fed < 16_000_000) {
        decoder.write(Buffer.alloc(64 * 1024, 0b1011_1011));
        fed += 64 * 1024;
        decoder.read(out);
      }
    };
    expect(feed).toThrow(new Bzip2Error('block larger than any bzip2 writes'));
    expect(fed).toBeLessThan(2_400_000);
  });

  it('ends, with its data or an error of its own, whatever bytes of a file are damaged', () => {
    const data = runs().subarray(0, 5_000);
    const good = bzip2(data);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
        const damaged = Buffer.from(good);
        for (const [at, mask] of flips) damaged[at] ^= mask;
        let decoded: Buffer;
        try {
          decoded = decode(damaged);
        } catch (error) {
          expect(error instanceof Bzip2Error || error instanceof TruncatedInput, String(error)).toBe(true);
          return;
        }
        // Damage the CRCs do not catch can only be in bits that carry nothing (the padding after the end).
        expect(decoded.equals(data)).toBe(true);
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});
