import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WORLD } from '../../../common/browser/api';
import { BUCKET_MS, RING_BUCKETS, WindowStore } from './window-store';
import { RegionSparks } from './region-sparks';

/** What a sparkline must equal: every bucket of the region over the slots' minutes, read afresh. */
function bruteForce(store: WindowStore, region: string, tagIds: number[], from: number, slotMinutes: number, slots: number): number[][] {
  const series = tagIds.map(() => new Array<number>(slots).fill(0));
  store.forEachBucket(region, from, from + slots * slotMinutes - 1, (minute, _posts, count) => {
    tagIds.forEach((id, i) => {
      series[i][Math.floor((minute - from) / slotMinutes)] += count(id);
    });
  });
  return series;
}

const step = fc.oneof(
  // A post: minutes relative to the newest so far (late ones included), a country, one or two tags.
  fc.record({
    kind: fc.constant('post' as const),
    back: fc.integer({ min: -3, max: 90 }),
    leaf: fc.constantFrom('FR', 'DE', '-'),
    tags: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 2 }),
  }),
  fc.record({
    kind: fc.constant('query' as const),
    region: fc.constantFrom(WORLD, 'FR', 'DE'),
    slotMinutes: fc.constantFrom(1, 2, 10),
    slots: fc.integer({ min: 1, max: 8 }),
    tags: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 4 }),
  }),
);

describe('RegionSparks', () => {
  it('always equals a fresh read of the buckets, however posts and queries interleave', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 120 }), fc.integer({ min: 1, max: 4 }), (steps, capacity) => {
        const store = new WindowStore({ rollup: (leaf) => (leaf === '-' ? [WORLD] : [leaf, WORLD]) });
        const sparks = new RegionSparks(store, capacity);
        let newest = 10_000;
        for (const s of steps) {
          if (s.kind === 'post') {
            const minute = newest - s.back;
            newest = Math.max(newest, minute);
            if (store.add(minute * BUCKET_MS, s.leaf, s.tags) === 'added') sparks.touch(minute, store.version);
          } else {
            const end = store.endMinute ?? newest;
            const from = end - s.slots * s.slotMinutes + 1;
            const got = sparks.sparks(s.region, s.tags, from, s.slotMinutes, s.slots).map((a) => Array.from(a));
            expect(got).toEqual(bruteForce(store, s.region, s.tags, from, s.slotMinutes, s.slots));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('survives the ring turning over: minutes a day apart never share a count', () => {
    const store = new WindowStore({ rollup: (leaf) => [leaf, WORLD] });
    const sparks = new RegionSparks(store);
    const add = (minute: number) => {
      store.add(minute * BUCKET_MS, 'FR', [1]);
      sparks.touch(minute, store.version);
    };
    const spark = (from: number, slots: number) => Array.from(sparks.sparks('FR', [1], from, 1, slots)[0]);
    add(100);
    expect(spark(100, 1)).toEqual([1]);
    add(100 + RING_BUCKETS);
    add(100 + RING_BUCKETS);
    expect(spark(100 + RING_BUCKETS, 1)).toEqual([2]);
    expect(spark(100 + RING_BUCKETS - 59, 59)).toEqual(new Array(59).fill(0));
  });
});
