import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BUCKET_MS, RING_BUCKETS, WindowStore } from './window-store';
import { minuteSave } from '../../test/helpers';
import { isDropped, placeOf } from './tiers';
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
    if (op.kind === 'add' && !isDropped(placeOf(minute, endMinute).start, endMinute)) accepted.push({ minute, leaf: op.leaf, tags: op.tags });
  }
  // A window holds the buckets any of whose minutes are its own (tiers.ts): a post is in it when its bucket is.
  const lastOf = (minute: number) => {
    const { start, minutes } = placeOf(minute, endMinute);
    return start + minutes - 1;
  };
  return (region: string, window: keyof typeof WINDOWS) => {
    const inWindow = accepted.filter((e) => lastOf(e.minute) > endMinute - WINDOWS[window] && rollup(e.leaf).includes(region));
    const tally = new Map<number, number>();
    for (const e of inWindow) for (const t of e.tags) tally.set(t, (tally.get(t) ?? 0) + 1);
    const ranked = [...tally].map(([id, count]) => ({ id, count }));
    ranked.sort((a, b) => b.count - a.count || (keyOf(a.id) < keyOf(b.id) ? -1 : 1));
    return { total: inWindow.length, ranked };
  };
}

type Buckets = Map<string, { posts: number; tags: Map<number, number> }>;

/** What `forEachBucket` must visit: posts and tag counts per bucket (`start|minutes`, where tiers.ts files each minute), from the same accepted events. */
function oracleBuckets(ops: Op[], region: string): Buckets {
  const endMinute = Math.max(...ops.map((op) => Math.floor(op.ts / BUCKET_MS)));
  const buckets: Buckets = new Map();
  let end = Number.NEGATIVE_INFINITY;
  for (const op of ops) {
    const minute = Math.floor(op.ts / BUCKET_MS);
    end = Math.max(end, minute);
    if (op.kind !== 'add' || isDropped(placeOf(minute, end).start, end) || !rollup(op.leaf).includes(region)) continue;
    const { start, minutes } = placeOf(minute, endMinute);
    if (isDropped(start, endMinute)) continue;
    const key = `${start}|${minutes}`;
    const bucket = buckets.get(key) ?? { posts: 0, tags: new Map() };
    bucket.posts += 1;
    for (const t of op.tags) bucket.tags.set(t, (bucket.tags.get(t) ?? 0) + 1);
    buckets.set(key, bucket);
  }
  return buckets;
}

/** What `forEachBucket` visits, reading tags 0-7 through `count`. */
function visitedBuckets(store: WindowStore, region: string): Buckets {
  const buckets: Buckets = new Map();
  store.forEachBucket(region, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, (bucket) => {
    const tags = new Map<number, number>();
    for (let t = 0; t <= 7; t += 1) if (bucket.count(t) > 0) tags.set(t, bucket.count(t));
    buckets.set(`${bucket.start}|${bucket.minutes}`, { posts: bucket.posts, tags });
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

function run(ops: Op[], budgetBytes?: number): WindowStore {
  const store = new WindowStore({ rollup, budgetBytes });
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

  it('answers alike whether read after every post or only at the end, totals in the same order (its pending counts, issue 14)', () => {
    // Read after every op, a store adds each post to its totals at once, as it did before it kept pending counts.
    const totals = (store: WindowStore) =>
      ['world', 'FR', 'JP', '-'].flatMap((region) =>
        WINDOW_NAMES.map((window) => [store.total(region, window), store.error(region, window), [...store.tally(region, window)]]),
      );
    for (const span of [20, 400]) {
      fc.assert(
        fc.property(fc.array(opArb(span), { maxLength: 120 }), fc.integer({ min: 0, max: 2_000 }), (ops, budgetBytes) => {
          const readEachTime = new WindowStore({ rollup, budgetBytes });
          const readAtEnd = new WindowStore({ rollup, budgetBytes });
          ops.forEach((op, i) => {
            for (const store of [readEachTime, readAtEnd]) {
              if (op.kind === 'add') store.add(op.ts, op.leaf, op.tags);
              else store.advanceTo(op.ts);
            }
            const answers = totals(readEachTime);
            // Now and then the other is read too: its bytes first (what the budget sees), then its answers.
            if (i % 7 === 3) {
              expect(readAtEnd.bytes()).toBe(readEachTime.bytes());
              expect(totals(readAtEnd)).toEqual(answers);
            }
          });
          expect(totals(readAtEnd)).toEqual(totals(readEachTime));
          expect(readAtEnd.snapshot()).toEqual(readEachTime.snapshot());
        }),
        { numRuns: 150 },
      );
    }
  });

  it('events expire when their bucket leaves a window: to the minute up to 1h, with their 10 minutes at 6h, their hour at 24h', () => {
    const store = new WindowStore({ rollup });
    const t0 = Date.UTC(2014, 6, 13, 19, 0, 30);
    const m0 = Math.floor(t0 / BUCKET_MS);
    const at = (minutes: number) => store.advanceTo(t0 + minutes * BUCKET_MS);
    store.add(t0, 'DE', [1]);
    expect(store.total('DE', '15m')).toBe(1);
    at(14);
    expect(store.total('DE', '15m')).toBe(1);
    at(15);
    expect(store.total('DE', '15m')).toBe(0);
    expect(store.total('world', '1h')).toBe(1);
    at(59);
    expect(store.total('world', '1h')).toBe(1);
    at(60);
    expect([store.total('world', '1h'), store.windowFrom('1h')]).toEqual([0, m0 + 1]);
    at(368);
    expect([store.total('world', '6h'), store.windowFrom('6h')]).toEqual([1, m0]);
    at(369);
    expect([store.total('world', '6h'), store.windowFrom('6h')]).toEqual([0, m0 + 10]);
    at(RING_BUCKETS + 58);
    expect([store.total('world', '24h'), store.windowFrom('24h')]).toEqual([1, m0]);
    at(RING_BUCKETS + 59);
    expect([store.total('world', '24h'), store.windowFrom('24h')]).toEqual([0, m0 + 60]);
    expect(store.tally('world', '24h').size).toBe(0);
    expect(store.stats().tallies).toBe(0);
  });

  it('refuses an event whose bucket is out of the largest window, in any order of arrival, and never moves the end backwards', () => {
    const store = new WindowStore({ rollup });
    const now = Date.UTC(2026, 0, 1, 0, 30);
    store.add(now, 'FR', [1]);
    // 24 h 30 min back is the first minute of an hour bucket whose last minute is still in the 24h window...
    expect(store.add(now - (RING_BUCKETS + 30) * BUCKET_MS, 'FR', [2])).toBe('added');
    // ...and the minute before it is in the hour before: out.
    expect(store.add(now - (RING_BUCKETS + 31) * BUCKET_MS, 'FR', [2])).toBe('stale');
    store.advanceTo(now - 10 * BUCKET_MS);
    expect(store.endMs).toBe(now);
    expect(store.total('FR', '24h')).toBe(2);
    expect(store.total('FR', '15m')).toBe(1);
    // The same posts the other way round: counted alike.
    const reversed = new WindowStore({ rollup });
    expect(reversed.add(now - (RING_BUCKETS + 30) * BUCKET_MS, 'FR', [2])).toBe('added');
    reversed.add(now, 'FR', [1]);
    expect(reversed.total('FR', '24h')).toBe(2);
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
      end: [store.endMs, store.endMinute, store.firstPostMinute, store.version],
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

  it('past its budget, summarises the long tail: counts fall short by at most the error the window reports, posts stay exact', () => {
    for (const span of [400, 3 * RING_BUCKETS]) {
      fc.assert(
        fc.property(fc.array(opArb(span), { maxLength: 150 }), fc.integer({ min: 0, max: 600 }), (ops, budgetBytes) => {
          const store = run(ops, budgetBytes);
          const expected = oracle(ops);
          for (const region of ['world', 'FR', 'JP']) {
            for (const window of WINDOW_NAMES) {
              const want = expected(region, window);
              const got = new Map(store.tally(region, window));
              const error = store.error(region, window);
              expect(store.total(region, window)).toBe(want.total);
              for (const { id, count } of want.ranked) {
                expect(got.get(id) ?? 0).toBeLessThanOrEqual(count);
                expect(count - (got.get(id) ?? 0)).toBeLessThanOrEqual(error);
              }
              for (const id of got.keys()) expect(want.ranked.some((tag) => tag.id === id)).toBe(true);
              // The store's own error never overstates what a summary can lose: at most the posts' tags.
              expect(error).toBeLessThanOrEqual(want.ranked.reduce((sum, tag) => sum + tag.count, 0));
            }
          }
          // Each window's error is exactly the sum of the errors of the tallies it holds, in the regions they roll up into.
          const saved = store.snapshot();
          const endMinute = store.endMinute ?? 0;
          for (const region of ['world', 'FR', 'JP']) {
            for (const window of WINDOW_NAMES) {
              let sum = 0;
              saved.bucketLeaf.forEach((leaf, i) => {
                const held = saved.bucketMinute[i] + saved.bucketLength![i] - 1 > endMinute - WINDOWS[window];
                if (held && rollup(saved.leaves[leaf]).includes(region)) sum += saved.bucketError![i];
              });
              expect(store.error(region, window)).toBe(sum);
            }
          }
          const restored = WindowStore.restore(structuredClone(saved), { rollup, budgetBytes }, 8);
          for (const window of WINDOW_NAMES) {
            expect([restored.error('world', window), restored.top('world', window, 50, keyOf)]).toEqual([
              store.error('world', window),
              store.top('world', window, 50, keyOf),
            ]);
          }
        }),
        { numRuns: 150 },
      );
    }
  });

  it('stays exact within its budget, and summarises the oldest buckets first past it', () => {
    const store = new WindowStore({ rollup, budgetBytes: 10_000 });
    // 8 hours of a minute each with 8 tags in FR: 8 x 60 minutes... rolled into 8 hour buckets of 8 tags.
    for (let minute = 0; minute < 8 * 60; minute += 1) store.add(minute * BUCKET_MS, 'FR', [0, 1, 2, 3, 4, 5, 6, 7].slice(0, 1 + (minute % 8)));
    expect(WINDOW_NAMES.map((window) => store.error('world', window))).toEqual([0, 0, 0, 0]);
    const exact = store.top('world', '24h', 8, keyOf);
    const small = WindowStore.restore(store.snapshot(), { rollup, budgetBytes: store.bytes() - 1 }, 8);
    small.advanceTo(8 * 60 * BUCKET_MS);
    store.advanceTo(8 * 60 * BUCKET_MS);
    expect(small.bytes()).toBeLessThan(store.bytes());
    expect(small.error('world', '24h')).toBeGreaterThan(0);
    // The newest hour (in minutes and 10 minutes) is untouched while older tallies can give.
    expect([small.error('world', '15m'), small.error('world', '1h')]).toEqual([0, 0]);
    expect(small.top('world', '24h', 8, keyOf).map((tag) => tag.id)).toEqual(exact.map((tag) => tag.id));
  });

  it('never summarises the newest two minutes, which still take late posts: the newest minute closed is left whole', () => {
    const store = new WindowStore({ rollup, budgetBytes: 0 });
    for (let minute = 0; minute < 4; minute += 1) store.add(minute * BUCKET_MS, 'FR', [0, 1, 2, 3, 4]);
    store.advanceTo(4 * BUCKET_MS);
    const tags = new Map<number, number>();
    store.forEachBucket('FR', 0, 3, (bucket) => tags.set(bucket.start, [0, 1, 2, 3, 4].filter((id) => bucket.count(id) > 0).length));
    expect([...tags]).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 5],
    ]);
    expect(store.error('FR', '15m')).toBe(3);
  });

  it('reads a save of minutes only (formats before 4) into the buckets its minutes are filed in now', () => {
    fc.assert(
      // In time order, with no jump past a day: what a minute ring of before held is then every post of the day.
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_400 * BUCKET_MS }), { minLength: 1, maxLength: 80 }),
        fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 80, maxLength: 80 }),
        (times, tags) => {
          const ops: Op[] = [...times].sort((a, b) => a - b).map((ts, i) => ({ kind: 'add', ts, leaf: ['FR', 'JP', '-'][i % 3], tags: [tags[i]] }));
          const live = run(ops);
          const posts = ops.flatMap((op) => (op.kind === 'add' ? [{ ts: op.ts, leaf: op.leaf, tagIds: op.tags }] : []));
          const upgraded = WindowStore.restore(minuteSave(posts, Math.max(...times)), { rollup }, 8);
          for (const region of ['world', 'FR', 'JP']) {
            for (const window of WINDOW_NAMES) expect(upgraded.top(region, window, 50, keyOf)).toEqual(live.top(region, window, 50, keyOf));
            expect(visitedBuckets(upgraded, region)).toEqual(visitedBuckets(live, region));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses a snapshot whose buckets lie outside the day or off their tier, or name unknown tags', () => {
    const store = run([{ kind: 'add', ts: RING_BUCKETS * BUCKET_MS, leaf: 'FR', tags: [1, 2] }]);
    const restore = (change: Partial<ReturnType<WindowStore['snapshot']>>) => () =>
      WindowStore.restore({ ...store.snapshot(), ...change }, { rollup }, 8);
    // Minute 0 is in the hour bucket that the 24h window ending at minute 1440 still holds; the hour before is not.
    expect(restore({ bucketMinute: Float64Array.of(-1) })).toThrow(
      /^store\.bucketMinute\[0\]: a bucket of 1 minute\(s\) from minute -1 is not in the day ending at minute 1440$/,
    );
    expect(restore({ bucketLength: Uint32Array.of(10) })).toThrow(
      /^store\.bucketMinute\[0\]: a bucket of 10 minute\(s\) from minute 1440 is not in the day ending at minute 1440$/,
    );
    expect(restore({ pairs: Uint32Array.of(2, 1, 1, 1) })).toThrow(/^store\.pairs: tags are not in ascending order of id$/);
    expect(restore({ pairs: Uint32Array.of(1, 1, 8, 1) })).toThrow(/^store\.pairs: tag id 8 is not in the dictionary \(8 tags\)$/);
    expect(restore({ bucketPairs: Uint32Array.of(1) })).toThrow(/^store\.bucketPairs: add up to 2 entries, but the array they cut up holds 4$/);
    expect(restore({ ringBuckets: 60 })).toThrow(/^store\.ringBuckets: saved with 60, this build uses 1440$/);
  });
});
