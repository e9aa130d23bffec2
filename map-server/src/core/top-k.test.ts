import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { topK } from './top-k';

describe('topK', () => {
  const keys = ['zeta', 'alpha', 'mike', 'bravo', 'echo'];
  const keyOf = (id: number) => keys[id];

  it('orders by count descending, then key ascending', () => {
    const tally = new Map([
      [0, 5],
      [1, 3],
      [2, 5],
      [3, 3],
      [4, 1],
    ]);
    expect(topK(tally, 10, keyOf)).toEqual([
      { id: 2, count: 5 }, // mike
      { id: 0, count: 5 }, // zeta
      { id: 1, count: 3 }, // alpha
      { id: 3, count: 3 }, // bravo
      { id: 4, count: 1 },
    ]);
  });

  it('breaks a tie at the cut-off by key', () => {
    const tally = new Map([
      [0, 2],
      [1, 2],
      [2, 2],
    ]);
    expect(topK(tally, 2, keyOf).map((r) => keyOf(r.id))).toEqual(['alpha', 'mike']);
  });

  it('returns nothing for k = 0 and everything when k exceeds the tally', () => {
    expect(topK(new Map([[0, 1]]), 0, keyOf)).toEqual([]);
    expect(topK(new Map(), 5, keyOf)).toEqual([]);
  });

  it('equals a full sort truncated, for any tally', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.integer({ min: 0, max: 500 }).map(String), fc.integer({ min: 1, max: 6 })),
        fc.integer({ min: 1, max: 20 }),
        (dict, k) => {
          const tally = new Map(Object.entries(dict).map(([id, c]) => [Number(id), c]));
          const key = (id: number) => `k${id}`;
          const sorted = [...tally].map(([id, count]) => ({ id, count })).sort((a, b) => b.count - a.count || (key(a.id) < key(b.id) ? -1 : 1));
          expect(topK(tally, k, key)).toEqual(sorted.slice(0, k));
        },
      ),
    );
  });
});
