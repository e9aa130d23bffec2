import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SummaryFormatError, decodeSummary, encodeSummary, mergeSummaries, type HourSummary } from './hour-summary';
import { bucketOf, plainBucket, sumOf, type PlainBucket } from '../../../test/history-buckets';

/** A bucket's counts back as a plain object, read through `regionIndex`, `postsOf` and `countOf` (ids 0-11). */
function plainOf(summary: HourSummary): PlainBucket {
  const plain: PlainBucket = {};
  for (const region of summary.regions) {
    const r = summary.regionIndex(region);
    const tags: Record<number, number> = {};
    for (let id = 0; id <= 11; id += 1) if (summary.countOf(r, id) > 0) tags[id] = summary.countOf(r, id);
    plain[region] = { posts: summary.postsOf(r), tags };
  }
  return plain;
}

/** Region r's rows in `byCount` order, as [id, count]. */
function rankedRows(summary: HourSummary, r: number): [number, number][] {
  const rows: [number, number][] = [];
  for (let row = summary.rowStart[r]; row < summary.rowStart[r + 1]; row += 1) {
    const at = summary.byCount[row];
    rows.push([summary.ids[at], summary.counts[at]]);
  }
  return rows;
}

const sample = () =>
  bucketOf(491_000, {
    world: { posts: 9, tags: { 4: 3, 1: 3, 7: 5, 2: 1 } },
    FR: { posts: 4, tags: { 1: 3, 9: 1 } },
    'c6/32/22': { posts: 2, tags: {} },
  });

describe('hour summary', () => {
  it('reads a tag count by binary search, 0 for a tag or region it lacks', () => {
    const summary = sample();
    const world = summary.regionIndex('world');
    expect([1, 2, 4, 7].map((id) => summary.countOf(world, id))).toEqual([3, 1, 3, 5]);
    expect(summary.countOf(world, 0)).toBe(0);
    expect(summary.countOf(world, 9)).toBe(0);
    expect(summary.countOf(summary.regionIndex('FR'), 9)).toBe(1);
    expect(summary.regionIndex('JP')).toBe(-1);
    expect(summary.countOf(-1, 1)).toBe(0);
    expect(summary.postsOf(-1)).toBe(0);
    expect(summary.postsOf(summary.regionIndex('c6/32/22'))).toBe(2);
    expect(summary.endHour).toBe(491_001);
  });

  it('ranks each region by count descending, then id ascending', () => {
    const summary = sample();
    expect(rankedRows(summary, summary.regionIndex('world'))).toEqual([
      [7, 5],
      [1, 3],
      [4, 3],
      [2, 1],
    ]);
    expect(rankedRows(summary, summary.regionIndex('c6/32/22'))).toEqual([]);
  });

  it('holds what it was made from, and ranks it, for any counts', () => {
    fc.assert(
      fc.property(plainBucket, (plain) => {
        const summary = bucketOf(10, plain);
        expect(plainOf(summary)).toEqual(plain);
        summary.regions.forEach((_, r) => {
          const rows = rankedRows(summary, r);
          const sorted = [...rows].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
          expect(rows).toEqual(sorted);
        });
      }),
    );
  });

  it('adds parts up when merged', () => {
    fc.assert(
      fc.property(fc.array(plainBucket, { maxLength: 4 }), (plains) => {
        const merged = mergeSummaries(
          24,
          24,
          plains.map((plain, i) => bucketOf(24 + i, plain)),
        );
        expect(merged.startHour).toBe(24);
        expect(merged.hours).toBe(24);
        const regions = [...new Set(plains.flatMap((plain) => Object.keys(plain)))].sort();
        expect(merged.regions).toEqual(regions);
        for (const region of regions) {
          const r = merged.regionIndex(region);
          expect(merged.postsOf(r)).toBe(plains.reduce((sum, plain) => sum + (plain[region]?.posts ?? 0), 0));
          for (const [id, count] of sumOf(plains, [region])) expect(merged.countOf(r, id)).toBe(count);
          expect(merged.rowStart[r + 1] - merged.rowStart[r]).toBe(sumOf(plains, [region]).size);
        }
      }),
    );
  });

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
    expect(fails(foreign)).toThrow(new SummaryFormatError('is not a history bucket (its first bytes are not "TMH1")'));
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
});
