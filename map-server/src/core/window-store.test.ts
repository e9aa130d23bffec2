import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BUCKET_MS, RING_BUCKETS, WindowStore } from './window-store';
import { WINDOWS, WINDOW_NAMES } from '../../../common/browser/windows';

const rollup = (leaf: string) => (leaf === '-' ? ['world'] : [leaf, 'world']);
const keyOf = (id: number) => `t${String(id).padStart(3, '0')}`;

type Op = { kind: 'add'; ts: number; leaf: string; tags: number[] } | { kind: 'advance'; ts: number };

/** The brute-force oracle: keeps every accepted event and counts by definition at query time. */
function oracle(ops: Op[]) {
  const accepted: { minute: number; leaf: string; tags: number[] }[] = [];
  let endMinute = Number.NEGATIVE_INFINITY;
  for (const op of ops) {
    const minute = Math.floor(op.ts / BUCKET_MS);
    endMinute = Math.max(endMinute, minute);
    if (op.kind === 'add' && minute > endMinute - RING_BUCKETS) accepted.push({ minute, leaf: op.leaf, tags: op.tags });
  }
  return (region: string, window: keyof typeof WINDOWS) => {
    const inWindow = accepted.filter((e) => e.minute > endMinute - WINDOWS[window] && rollup(e.leaf).includes(region));
    const tally = new Map<number, number>();
    for (const e of inWindow) for (const t of e.tags) tally.set(t, (tally.get(t) ?? 0) + 1);
    const ranked = [...tally].map(([id, count]) => ({ id, count }));
    ranked.sort((a, b) => b.count - a.count || (keyOf(a.id) < keyOf(b.id) ? -1 : 1));
    return { total: inWindow.length, ranked };
  };
}

/** What `forEachBucket` must visit: posts and tag counts per minute, from the same accepted events. */
function oracleBuckets(ops: Op[], region: string): Map<number, { posts: number; tags: Map<number, number> }> {
  const endMinute = Math.max(...ops.map((op) => Math.floor(op.ts / BUCKET_MS)));
  const buckets = new Map<number, { posts: number; tags: Map<number, number> }>();
  let end = Number.NEGATIVE_INFINITY;
  for (const op of ops) {
    const minute = Math.floor(op.ts / BUCKET_MS);
    end = Math.max(end, minute);
    if (op.kind !== 'add' || minute <= end - RING_BUCKETS || minute <= endMinute - RING_BUCKETS) continue;
    if (!rollup(op.leaf).includes(region)) continue;
    const bucket = buckets.get(minute) ?? { posts: 0, tags: new Map() };
    bucket.posts += 1;
    for (const t of op.tags) bucket.tags.set(t, (bucket.tags.get(t) ?? 0) + 1);
    buckets.set(minute, bucket);
  }
  return buckets;
}

/** What `forEachBucket` visits, summed over leaves per minute, reading tags 0-7 through `count`. */
function visitedBuckets(store: WindowStore, region: string): Map<number, { posts: number; tags: Map<number, number> }> {
  const buckets = new Map<number, { posts: number; tags: Map<number, number> }>();
  store.forEachBucket(region, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, (minute, posts, count) => {
    const bucket = buckets.get(minute) ?? { posts: 0, tags: new Map() };
    bucket.posts += posts;
    for (let t = 0; t <= 7; t += 1) if (count(t) > 0) bucket.tags.set(t, (bucket.tags.get(t) ?? 0) + count(t));
    buckets.set(minute, bucket);
  });
  return buckets;
}

const opArb = (spanMinutes: number): fc.Arbitrary<Op> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('add' as const),
        ts: fc.integer({ min: 0, max: spanMinutes * BUCKET_MS }),
        leaf: fc.constantFrom('FR', 'JP', '-'),
        tags: fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 3 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ts: fc.integer({ min: 0, max: spanMinutes * BUCKET_MS }) }) },
  );

function run(ops: Op[]): WindowStore {
  const store = new WindowStore({ rollup });
  for (const op of ops) {
    if (op.kind === 'add') store.add(op.ts, op.leaf, op.tags);
    else store.advanceTo(op.ts);
  }
  return store;
}

describe('WindowStore', () => {
  it('matches a brute-force oracle for every region and window, expiry included', () => {
    // Spans from a few minutes (nothing expires from 24h) to several days (everything can expire).
    for (const span of [30, 400, 3 * RING_BUCKETS]) {
      fc.assert(
        fc.property(fc.array(opArb(span), { maxLength: 120 }), (ops) => {
          const store = run(ops);
          const expected = oracle(ops);
          for (const region of ['world', 'FR', 'JP']) {
            for (const window of WINDOW_NAMES) {
              const want = expected(region, window);
              expect(store.total(region, window)).toBe(want.total);
              expect(store.top(region, window, 50, keyOf)).toEqual(want.ranked);
              expect(store.top(region, window, 3, keyOf)).toEqual(want.ranked.slice(0, 3));
            }
            if (ops.length > 0) expect(visitedBuckets(store, region)).toEqual(oracleBuckets(ops, region));
          }
        }),
        { numRuns: 150 },
      );
    }
  });

  it('events in time order expire exactly when they leave a window', () => {
    const store = new WindowStore({ rollup });
    const t0 = Date.UTC(2014, 6, 13, 19, 0, 30);
    store.add(t0, 'DE', [1]);
    expect(store.total('DE', '15m')).toBe(1);
    store.advanceTo(t0 + 14 * BUCKET_MS);
    expect(store.total('DE', '15m')).toBe(1);
    store.advanceTo(t0 + 15 * BUCKET_MS);
    expect(store.total('DE', '15m')).toBe(0);
    expect(store.total('world', '1h')).toBe(1);
    store.advanceTo(t0 + RING_BUCKETS * BUCKET_MS);
    expect(store.total('world', '24h')).toBe(0);
    expect(store.tally('world', '24h').size).toBe(0);
  });

  it('refuses an event older than the largest window, and never moves the end backwards', () => {
    const store = new WindowStore({ rollup });
    const now = Date.UTC(2026, 0, 1);
    store.add(now, 'FR', [1]);
    expect(store.add(now - RING_BUCKETS * BUCKET_MS, 'FR', [2])).toBe('stale');
    expect(store.add(now - (RING_BUCKETS - 1) * BUCKET_MS, 'FR', [2])).toBe('added');
    store.advanceTo(now - 10 * BUCKET_MS);
    expect(store.endMs).toBe(now);
    expect(store.total('FR', '24h')).toBe(2);
    expect(store.total('FR', '15m')).toBe(1);
  });

  it('a jump of more than a day clears everything at once', () => {
    const store = new WindowStore({ rollup });
    store.add(0, 'FR', [1, 2]);
    store.add(5 * RING_BUCKETS * BUCKET_MS, 'JP', [3]);
    expect(store.total('FR', '24h')).toBe(0);
    expect(store.total('world', '24h')).toBe(1);
    expect(store.top('world', '24h', 10, keyOf)).toEqual([{ id: 3, count: 1 }]);
  });

  it('restores from a snapshot a store that answers as the saved one, its totals summed again from the buckets', () => {
    /** Everything a store answers, for every region and window. */
    const answers = (store: WindowStore) => ({
      end: [store.endMs, store.endMinute, store.firstMinute, store.version],
      regions: store.regionNames(),
      windows: ['world', 'FR', 'JP'].map((region) => [
        WINDOW_NAMES.map((window) => [store.total(region, window), store.top(region, window, 50, keyOf)]),
        visitedBuckets(store, region),
      ]),
    });
    for (const span of [30, 400, 3 * RING_BUCKETS]) {
      fc.assert(
        fc.property(fc.array(opArb(span), { maxLength: 100 }), fc.array(opArb(span + 60), { maxLength: 40 }), (before, after) => {
          const saved = run(before);
          const restored = WindowStore.restore(structuredClone(saved.snapshot()), { rollup }, 8);
          expect(answers(restored)).toEqual(answers(saved));
          for (const store of [saved, restored]) {
            for (const op of after) {
              if (op.kind === 'add') store.add(op.ts, op.leaf, op.tags);
              else store.advanceTo(op.ts);
            }
          }
          expect(answers(restored)).toEqual(answers(saved));
        }),
        { numRuns: 100 },
      );
    }
  });

  it('refuses a snapshot whose buckets lie outside the ring or name unknown tags', () => {
    const store = run([{ kind: 'add', ts: RING_BUCKETS * BUCKET_MS, leaf: 'FR', tags: [1, 2] }]);
    const restore = (change: Partial<ReturnType<WindowStore['snapshot']>>) => () =>
      WindowStore.restore({ ...store.snapshot(), ...change }, { rollup }, 8);
    expect(restore({ bucketMinute: Float64Array.of(0) })).toThrow(/^store\.bucketMinute\[0\]: minute 0 is not in the ring ending at minute 1440$/);
    expect(restore({ pairs: Uint32Array.of(2, 1, 1, 1) })).toThrow(/^store\.pairs: the tags of minute 1440 are not in ascending order of id$/);
    expect(restore({ pairs: Uint32Array.of(1, 1, 8, 1) })).toThrow(/^store\.pairs: tag id 8 is not in the dictionary \(8 tags\)$/);
    expect(restore({ bucketPairs: Uint32Array.of(1) })).toThrow(/^store\.bucketPairs: add up to 2 entries, but the array they cut up holds 4$/);
    expect(restore({ ringBuckets: 60 })).toThrow(/^store\.ringBuckets: saved with 60, this build uses 1440$/);
  });
});
