import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeSummaries, renumbered } from './hour-summary';
import { bucketOf, plainBucket, plainOf, rankedRows, sample, sumOf, type PlainBucket } from '../../../test/history-buckets';

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

  it('numbered again, holds each count under its new id, two old ids made one added up, and ranks them, for any numbering', () => {
    const newIds = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 5_000_000 }));
    fc.assert(
      fc.property(plainBucket, fc.array(newIds, { minLength: 12, maxLength: 12 }), fc.boolean(), (plain, numbering, big) => {
        // Big counts rank by sorting, small ones by placing; sparse new ids order by sorting, dense ones by placing.
        const scaled: PlainBucket = Object.fromEntries(
          Object.entries(plain).map(([region, { posts, tags }]) => [
            region,
            { posts: big ? posts * 100_000 : posts, tags: Object.fromEntries(Object.entries(tags).map(([id, n]) => [id, big ? n * 100_000 : n])) },
          ]),
        );
        const summary = renumbered(bucketOf(7, scaled, 24), Uint32Array.from(numbering));
        expect([summary.startHour, summary.hours, summary.regions]).toEqual([7, 24, Object.keys(scaled).sort()]);
        summary.regions.forEach((region, r) => {
          const expected = new Map<number, number>();
          for (const [id, n] of Object.entries(scaled[region].tags))
            expected.set(numbering[Number(id)], (expected.get(numbering[Number(id)]) ?? 0) + n);
          const rows: [number, number][] = [];
          for (let row = summary.rowStart[r]; row < summary.rowStart[r + 1]; row += 1) rows.push([summary.ids[row], summary.counts[row]]);
          expect(rows).toEqual([...expected].sort((a, b) => a[0] - b[0]));
          expect(summary.postsOf(r)).toBe(scaled[region].posts);
          expect(rankedRows(summary, r)).toEqual([...rows].sort((a, b) => b[1] - a[1] || a[0] - b[0]));
        });
      }),
    );
  });
});
