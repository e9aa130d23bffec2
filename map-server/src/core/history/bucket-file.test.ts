import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SummaryFormatError, bucketIndex, decodeSummary, encodeSummary, readRegions, readTops } from './bucket-file';
import { bucketOf, plainBucket, plainOf, rankedRows, sample } from '../../../test/history-buckets';

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

  it('reads only the regions picked, the same as the whole bucket holds them, ranked as it ranks them', () => {
    fc.assert(
      fc.property(plainBucket, fc.func(fc.boolean()), (plain, picks) => {
        const summary = bucketOf(7, plain);
        const bytes = encodeSummary(summary);
        const reads: number[] = [];
        const read = (offset: number, length: number) => {
          reads.push(length);
          return bytes.subarray(offset, offset + length);
        };
        const index = bucketIndex(read, bytes.length);
        reads.length = 0;
        const part = readRegions(read, index, (region) => picks(region));
        const picked = summary.regions.filter((region) => picks(region));
        expect(part.regions).toEqual(picked);
        expect(plainOf(part)).toEqual(Object.fromEntries(picked.map((region) => [region, plain[region]])));
        for (const region of picked) expect(rankedRows(part, part.regionIndex(region))).toEqual(rankedRows(summary, summary.regionIndex(region)));
        // Three reads (ids, counts, ranks) per run of neighbouring regions, and only the rows of the regions picked.
        let runs = 0;
        summary.regions.forEach((region, r) => {
          if (picks(region) && (r === 0 || !picks(summary.regions[r - 1]))) runs += 1;
        });
        expect(reads.length).toBe(3 * runs);
        expect(reads.reduce((a, b) => a + b, 0)).toBe(12 * part.rows);
      }),
    );
  });

  it('refuses picked rows that are damaged, or cut short', () => {
    const bytes = encodeSummary(sample());
    const headerBytes = 8 + Math.ceil(new DataView(bytes.buffer).getUint32(4, true) / 4) * 4;
    const pickFR =
      (b: Uint8Array, size = b.length) =>
      () => {
        const read = (offset: number, length: number) => b.subarray(offset, offset + length);
        return readRegions(read, bucketIndex(read, size), (region) => region === 'FR');
      };
    expect(pickFR(bytes)().regions).toEqual(['FR']);
    // FR's rows are 0 and 1: its ids out of order, then its ranking pointing at world's rows.
    const damaged = (i: number, value: number) => {
      const copy = bytes.slice();
      new DataView(copy.buffer).setUint32(headerBytes + 4 * i, value, true);
      return copy;
    };
    expect(pickFR(damaged(7, 99))).toThrow(new SummaryFormatError("has region 0's tags out of order"));
    expect(pickFR(damaged(7 + 12, 5))).toThrow(new SummaryFormatError("has region 0's ranking pointing outside its rows"));
    // A file that shrank after its index was read.
    expect(pickFR(bytes.subarray(0, headerBytes + 4 * (7 + 12 + 1)), bytes.length)).toThrow(new SummaryFormatError('ends inside its rows'));
  });
});

describe('bucket tops', () => {
  /** Reads through bytes in memory, counting the reads. */
  const reader = (bytes: Uint8Array) => {
    const reader = { reads: 0, read: (offset: number, length: number) => (reader.reads++, bytes.subarray(offset, offset + length)) };
    return reader;
  };
  const topsOf = (bytes: Uint8Array, pick: (region: string) => boolean = () => true) => {
    const { read } = reader(bytes);
    const index = bucketIndex(read, bytes.length);
    return readTops(read, index, pick, (r, id) => index.countOf(read, r, id));
  };

  it('gives a big region its busiest rows only, and every count exact, reading the rest from the file', () => {
    fc.assert(
      fc.property(plainBucket, fc.integer({ min: 1, max: 4 }), (plain, topRows) => {
        const summary = bucketOf(11, plain);
        const bytes = encodeSummary(summary, topRows);
        expect(plainOf(decodeSummary(bytes))).toEqual(plain);
        const tops = topsOf(bytes);
        expect(tops.regions).toEqual(summary.regions);
        // Exact counts, posts included, whatever the rows held.
        expect(plainOf(tops)).toEqual(plain);
        summary.regions.forEach((_, r) => {
          const rows = summary.rowStart[r + 1] - summary.rowStart[r];
          expect(tops.isPartial(r)).toBe(rows > topRows);
          // Its rows are the whole bucket's busiest, ranked the same.
          expect(rankedRows(tops, r)).toEqual(rankedRows(summary, r).slice(0, rows > topRows ? topRows : rows));
          if (tops.isPartial(r)) expect(() => tops.addTagsTo(r, new Map())).toThrow(/holds only its busiest rows/);
        });
        expect(tops.partial).toBe(summary.regions.some((_, r) => tops.isPartial(r)));
      }),
    );
  });

  it('reads a big region in one read of its tops', () => {
    const summary = sample();
    const bytes = encodeSummary(summary, 2);
    const counting = reader(bytes);
    const index = bucketIndex(counting.read, bytes.length);
    counting.reads = 0;
    // The world has 4 rows: its tops are 2; FR has 2: read whole (three reads).
    readTops(
      counting.read,
      index,
      (region) => region === 'world',
      () => 0,
    );
    expect(counting.reads).toBe(1);
    counting.reads = 0;
    readTops(
      counting.read,
      index,
      (region) => region === 'FR',
      () => 0,
    );
    expect(counting.reads).toBe(3);
  });

  it('reads a bucket of format 1 (no tops) whole, and writes format 2', () => {
    const summary = sample();
    const two = encodeSummary(summary);
    expect(new TextDecoder().decode(two.subarray(0, 4))).toBe('TMH2');
    const jsonLength = new DataView(two.buffer).getUint32(4, true);
    const header = JSON.parse(new TextDecoder().decode(two.subarray(8, 8 + jsonLength)));
    delete header.topRows;
    delete header.tops;
    const json = new TextEncoder().encode(JSON.stringify(header));
    const headerBytes = 8 + Math.ceil(json.length / 4) * 4;
    const body = two.subarray(8 + Math.ceil(jsonLength / 4) * 4);
    const one = new Uint8Array(headerBytes + body.length);
    one.set(new TextEncoder().encode('TMH1'));
    new DataView(one.buffer).setUint32(4, json.length, true);
    one.set(json, 8);
    one.set(body, headerBytes);
    expect(plainOf(decodeSummary(one))).toEqual(plainOf(summary));
    const tops = topsOf(one);
    expect(tops.partial).toBe(false);
    expect(plainOf(tops)).toEqual(plainOf(summary));
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

  it('refuses tops out of order, or that do not match the regions', () => {
    const bytes = encodeSummary(sample(), 2);
    // The world's two tops are the last 4 words: (7, 5), (1, 3). Swapped, they are out of order.
    const swapped = bytes.slice();
    const view = new DataView(swapped.buffer);
    const at = swapped.length - 16;
    view.setUint32(at, 1, true);
    view.setUint32(at + 4, 3, true);
    view.setUint32(at + 8, 7, true);
    view.setUint32(at + 12, 5, true);
    expect(() => topsOf(swapped)).toThrow(new SummaryFormatError("has region 2's tops out of order"));
    // A header saying tops of 3 rows where 2 were written.
    const jsonLength = new DataView(bytes.buffer).getUint32(4, true);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + jsonLength)).replace('"topRows":2', '"topRows":3');
    const renumbered = bytes.slice();
    renumbered.set(new TextEncoder().encode(text), 8);
    expect(() => topsOf(renumbered)).toThrow(new SummaryFormatError('has tops that do not match its regions'));
  });
});
