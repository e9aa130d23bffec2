import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WORLD } from '../../../common/browser/api';
import { BUCKET_MS, RING_BUCKETS, WindowStore } from './window-store';
import { RegionSparks } from './region-sparks';
import { spread } from './tile-box';

/**
 * What a sparkline must equal: every bucket of the region over the slots' minutes, read afresh, each
 * minute of a bucket a share of its count (the slots' sums are then `spread`'s, rounded alike).
 */
function bruteForce(store: WindowStore, region: string, tagIds: number[], from: number, slotMinutes: number, slots: number): number[][] {
  const series = tagIds.map(() => new Int32Array(slots));
  store.forEachBucket(region, from, from + slots * slotMinutes - 1, (bucket) => {
    tagIds.forEach((id, i) => spread(bucket.count(id), bucket.start, bucket.minutes, from, slotMinutes, series[i]));
  });
  return series.map((s) => Array.from(s));
}

/** The posts with `tagId` in `region` over the buckets holding minutes `from` to `to`. */
function total(store: WindowStore, region: string, tagId: number, from: number, to: number): number {
  let sum = 0;
  store.forEachBucket(region, from, to, (bucket) => (sum += bucket.count(tagId)));
  return sum;
}

const step = fc.oneof(
  // A post: minutes relative to the newest so far (late ones included), a country, one or two tags.
  fc.record({
    kind: fc.constant('post' as const),
    back: fc.integer({ min: -30, max: 500 }),
    leaf: fc.constantFrom('FR', 'DE', '-'),
    tags: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 2 }),
  }),
  fc.record({
    kind: fc.constant('query' as const),
    region: fc.constantFrom(WORLD, 'FR', 'DE'),
    slotMinutes: fc.constantFrom(1, 2, 10, 30),
    slots: fc.integer({ min: 1, max: 8 }),
    tags: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 4 }),
  }),
);

describe('RegionSparks', () => {
  it('always equals a fresh read of the buckets, however posts, queries and summaries interleave', () => {
    fc.assert(
      // With a budget too, so that summaries change buckets under the series that read them.
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(undefined, 0, 200, 1_000),
        (steps, capacity, budgetBytes) => {
          const store = new WindowStore({ rollup: (leaf) => (leaf === '-' ? [WORLD] : [leaf, WORLD]), budgetBytes });
          const sparks = new RegionSparks(store, capacity);
          let newest = 10_000;
          for (const s of steps) {
            if (s.kind === 'post') {
              const minute = newest - s.back;
              newest = Math.max(newest, minute);
              store.add(minute * BUCKET_MS, s.leaf, s.tags);
            } else {
              const end = store.endMinute ?? newest;
              const from = end - s.slots * s.slotMinutes + 1;
              const got = sparks.sparks(s.region, s.tags, from, s.slotMinutes, s.slots).map((a) => Array.from(a));
              expect(got).toEqual(bruteForce(store, s.region, s.tags, from, s.slotMinutes, s.slots));
              // Nothing lost or made up in the spreading: the slots add up to the buckets' counts.
              s.tags.forEach((id, i) => expect(got[i].reduce((a, b) => a + b, 0)).toBe(total(store, s.region, id, from, end)));
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rereads a bucket whose posts changed, and not one rolled up or a day old', () => {
    const store = new WindowStore({ rollup: (leaf) => [leaf, WORLD] });
    const sparks = new RegionSparks(store);
    const add = (minute: number) => store.add(minute * BUCKET_MS, 'FR', [1]);
    const spark = (from: number, slots: number, slotMinutes = 1) => Array.from(sparks.sparks('FR', [1], from, slotMinutes, slots)[0]);
    add(100);
    expect(spark(100, 1)).toEqual([1]);
    add(100);
    expect(spark(100, 1)).toEqual([2]);
    // An hour later, minute 100 is in the 10-minute bucket from 100: read as one bucket, its 2 posts spread over its 10 minutes.
    add(100 + 70);
    expect(spark(100, 10)).toEqual([0, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
    expect(spark(100, 1, 10)).toEqual([2]);
    // A day later, minute 100's bucket is gone.
    add(100 + 60 + RING_BUCKETS);
    add(100 + 60 + RING_BUCKETS);
    expect(spark(100 + 60 + RING_BUCKETS, 1)).toEqual([2]);
    expect(spark(100, 20, 1)).toEqual(new Array(20).fill(0));
  });

  it('rereads a bucket once it is summarised past the budget', () => {
    const store = new WindowStore({ rollup: (leaf) => [leaf, WORLD], budgetBytes: 200 });
    const sparks = new RegionSparks(store);
    for (let minute = 0; minute < 5; minute += 1) store.add(minute * BUCKET_MS, 'FR', [1, 2, 3]);
    // Minutes 3 and 4 are the newest two, still whole; 0 to 2 are summarised away (all tags equal).
    expect(Array.from(sparks.sparks('FR', [1], 0, 1, 5)[0])).toEqual([0, 0, 0, 1, 1]);
    store.add(6 * BUCKET_MS, 'FR', [1]);
    const fresh = new RegionSparks(store).sparks('FR', [1], 0, 1, 7)[0];
    expect(Array.from(sparks.sparks('FR', [1], 0, 1, 7)[0])).toEqual(Array.from(fresh));
    expect(Array.from(fresh)).toEqual([0, 0, 0, 0, 0, 0, 1]);
  });
});
