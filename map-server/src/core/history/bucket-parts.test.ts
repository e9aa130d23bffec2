import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SummaryFormatError, bucketIndex, decodeSummary, encodeSummary } from './bucket-file';
import { readRegions, readTag, readTops } from './bucket-parts';
import { bucketOf, plainBucket, plainOf, rankedRows, sample } from '../../../test/history-buckets';

describe('bucket regions', () => {
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

describe('bucket tag rows', () => {
  it('reads one tag in the regions picked: its count and their posts exact, another tag from the file', () => {
    fc.assert(
      fc.property(plainBucket, fc.integer({ min: 0, max: 11 }), fc.func(fc.boolean()), (plain, id, picks) => {
        const summary = bucketOf(5, plain);
        const bytes = encodeSummary(summary);
        const lengths: number[] = [];
        const read = (offset: number, length: number) => {
          lengths.push(length);
          return bytes.subarray(offset, offset + length);
        };
        const index = bucketIndex(read, bytes.length);
        lengths.length = 0;
        let rest = 0;
        const tagged = readTag(
          read,
          index,
          (region) => picks(region),
          id,
          (r, other) => {
            rest += 1;
            return index.countOf((o, l) => bytes.subarray(o, o + l), r, other);
          },
        );
        const picked = summary.regions.filter((region) => picks(region));
        expect(tagged.regions).toEqual(picked);
        expect(plainOf(tagged)).toEqual(Object.fromEntries(picked.map((region) => [region, plain[region]])));
        picked.forEach((region, r) => {
          expect(tagged.rowStart[r + 1] - tagged.rowStart[r]).toBe(plain[region].tags[id] === undefined ? 0 : 1);
          expect(tagged.isPartial(r)).toBe(true);
        });
        // Only other tags were looked up in the file; the tag itself was found (or not) in what was read.
        const lookups = rest;
        for (let r = 0; r < picked.length; r += 1) tagged.countOf(r, id);
        expect(rest).toBe(lookups);
        // Reads: a region's ids per run of neighbours, and a count per region holding the tag.
        const found = picked.filter((region) => plain[region].tags[id] !== undefined).length;
        expect(lengths.filter((length) => length === 4).length).toBeGreaterThanOrEqual(found);
        expect(lengths.reduce((a, b) => a + b, 0)).toBe(
          4 * picked.reduce((rows, region) => rows + Object.keys(plain[region].tags).length, 0) + 4 * found,
        );
      }),
    );
  });

  it('refuses a region whose tags are out of order rather than search it', () => {
    const bytes = encodeSummary(sample());
    const headerBytes = 8 + Math.ceil(new DataView(bytes.buffer).getUint32(4, true) / 4) * 4;
    const damaged = bytes.slice();
    // FR's ids are words 7 and 8 (tags 1, 9): made 99, 9.
    new DataView(damaged.buffer).setUint32(headerBytes + 4 * 7, 99, true);
    const read = (offset: number, length: number) => damaged.subarray(offset, offset + length);
    expect(() =>
      readTag(
        read,
        bucketIndex(read, damaged.length),
        (region) => region === 'FR',
        9,
        () => 0,
      ),
    ).toThrow(new SummaryFormatError("has region 0's tags out of order"));
  });
});
