import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PairCounts } from './pair-counts';

describe('pair counts', () => {
  it('adds up counts by pair, in the order first added, as a Map of the pairs would (through the table growing)', () => {
    const pair = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 3 }));
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 300 }), (adds) => {
        const counts = new PairCounts();
        const model = new Map<string, [number, number, number]>();
        for (const [a, b, by] of adds) {
          counts.add(a, b, by);
          const held = model.get(`${a},${b}`);
          if (held === undefined) model.set(`${a},${b}`, [a, b, by]);
          else held[2] += by;
        }
        const seen: [number, number, number][] = [];
        counts.forEach((a, b, count) => seen.push([a, b, count]));
        expect(seen).toEqual([...model.values()]);
        expect(counts.size).toBe(model.size);
        for (const [a, b, count] of model.values()) expect(counts.count(a, b)).toBe(count);
        expect(counts.count(41, 0)).toBe(0);
      }),
    );
  });

  it('counts 100,000 pairs, each found again', () => {
    const counts = new PairCounts();
    for (let i = 0; i < 100_000; i += 1) counts.add(i % 500, Math.floor(i / 500), 1);
    for (let i = 0; i < 100_000; i += 7) counts.add(i % 500, Math.floor(i / 500), 2);
    expect(counts.size).toBe(100_000);
    expect([counts.count(0, 0), counts.count(1, 0), counts.count(7, 0), counts.count(499, 199)]).toEqual([3, 1, 3, 1]);
  });

  it('forgets every pair when cleared, and counts afresh', () => {
    const counts = new PairCounts();
    for (let i = 0; i < 100; i += 1) counts.add(i, i, 1);
    counts.clear();
    expect([counts.size, counts.count(5, 5)]).toEqual([0, 0]);
    counts.add(5, 5, 2);
    counts.add(1, 2, 1);
    const seen: number[][] = [];
    counts.forEach((a, b, count) => seen.push([a, b, count]));
    expect(seen).toEqual([
      [5, 5, 2],
      [1, 2, 1],
    ]);
  });
});
