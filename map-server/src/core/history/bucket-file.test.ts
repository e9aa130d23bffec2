import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SummaryFormatError, bucketIndex, decodeSummary, encodeSummary } from './bucket-file';
import { bucketOf, plainBucket, plainOf, sample } from '../../../test/history-buckets';

describe('bucket file', () => {
  it('comes back whole from its bytes', () => {
    fc.assert(
      fc.property(plainBucket, fc.integer({ min: 0, max: 600_000 }), fc.constantFrom(1 as const, 24 as const), (plain, startHour, hours) => {
        const summary = bucketOf(startHour, plain, hours);
        const back = decodeSummary(encodeSummary(summary));
        expect(back.startHour).toBe(startHour);
        expect(back.hours).toBe(hours);
        expect(back.regions).toEqual(summary.regions);
        for (const field of ['posts', 'rowStart', 'ids', 'counts', 'byCount'] as const) expect(back[field]).toEqual(summary[field]);
        expect(plainOf(back)).toEqual(plain);
      }),
    );
  });

  it('comes back from bytes that start anywhere inside a larger buffer', () => {
    const bytes = encodeSummary(sample());
    for (let offset = 1; offset <= 7; offset += 1) {
      const inside = new Uint8Array(new ArrayBuffer(bytes.length + 8), offset, bytes.length);
      inside.set(bytes);
      expect(plainOf(decodeSummary(inside))).toEqual(plainOf(sample()));
      const joined = Buffer.concat([Buffer.alloc(offset, 0xff), bytes]).subarray(offset);
      expect(plainOf(decodeSummary(joined))).toEqual(plainOf(sample()));
    }
    // A small Buffer.from is a slice of Node's shared pool, as a file read may be.
    const pooled = Buffer.from(bytes);
    expect(plainOf(decodeSummary(pooled))).toEqual(plainOf(sample()));
  });

  it('says why bytes are not a bucket', () => {
    const bytes = encodeSummary(sample());
    const fails = (b: Uint8Array) => () => decodeSummary(b);
    expect(fails(bytes.subarray(0, 5))).toThrow(new SummaryFormatError('is 5 bytes, shorter than a header'));
    const foreign = bytes.slice();
    foreign[0] = 0x50;
    expect(fails(foreign)).toThrow(new SummaryFormatError('is not a history bucket (its first bytes are not "TMH1" or "TMH2")'));
    const headerBytes = 8 + Math.ceil(new DataView(bytes.buffer).getUint32(4, true) / 4) * 4;
    expect(fails(bytes.subarray(0, 12))).toThrow(new SummaryFormatError('ends inside its header'));
    expect(fails(bytes.subarray(0, headerBytes - 1))).toThrow(new SummaryFormatError('ends inside its header'));
    expect(fails(bytes.subarray(0, bytes.length - 4))).toThrow(
      new SummaryFormatError(`is ${bytes.length - 4} bytes; its header says ${bytes.length}`),
    );
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    expect(fails(longer)).toThrow(new SummaryFormatError(`is ${bytes.length + 4} bytes; its header says ${bytes.length}`));
    const notJson = bytes.slice();
    notJson[8] = 0x7d;
    expect(fails(notJson)).toThrow(new SummaryFormatError('has a header that is not JSON'));
  });

  it('refuses a damaged bucket of the right length in one pass, rather than let a query loop on it', () => {
    const bytes = encodeSummary(sample());
    const headerBytes = 8 + Math.ceil(new DataView(bytes.buffer).getUint32(4, true) / 4) * 4;
    // Regions FR, c6/32/22, world: 3 posts, 4 row starts, then 6 ids, 6 counts, 6 ranks (u32 each).
    const word = (i: number, value: number) => {
      const damaged = bytes.slice();
      new DataView(damaged.buffer).setUint32(headerBytes + 4 * i, value, true);
      return () => decodeSummary(damaged);
    };
    expect(word(3, 1)).toThrow(new SummaryFormatError('has rows that do not start at 0'));
    expect(word(4, 0xffff_0000)).toThrow(new SummaryFormatError("has region 0's rows outside the bucket"));
    expect(word(5, 1)).toThrow(new SummaryFormatError("has region 1's rows outside the bucket"));
    expect(word(7, 99)).toThrow(new SummaryFormatError("has region 0's tags out of order"));
    expect(word(7 + 12, 5)).toThrow(new SummaryFormatError("has region 0's ranking pointing outside its rows"));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + new DataView(bytes.buffer).getUint32(4, true))));
    const renamed = encodeSummary(sample());
    const text = new TextEncoder().encode(JSON.stringify({ ...header, regions: ['world', 'FR', 'c6/32/22'] }));
    renamed.set(text, 8);
    expect(() => decodeSummary(renamed)).toThrow(new SummaryFormatError('has regions that are not names in order'));
  });

  it('refuses a count read by binary search from a file cut short after its index was read', () => {
    const bytes = encodeSummary(sample());
    const index = bucketIndex((offset, length) => bytes.subarray(offset, offset + length), bytes.length);
    const cut = bytes.subarray(0, bytes.length - 30);
    const world = index.regions.get('world') as number;
    expect(index.countOf((offset, length) => bytes.subarray(offset, offset + length), world, 7)).toBe(5);
    expect(() => index.countOf((offset, length) => cut.subarray(offset, offset + length), world, 7)).toThrow(
      new SummaryFormatError('ends inside its rows'),
    );
  });
});
