import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PAIR_BYTES, Tally } from './tally';

/** A tally of `adds` (tag ids, each one post's tag), packed. */
function packed(adds: readonly number[]): Tally {
  const tally = new Tally();
  for (const id of adds) tally.add(id);
  tally.pack();
  return tally;
}

/** What a tally holds, as [id, count] pairs in its order. */
const pairsOf = (tally: Tally) => {
  const out: [number, number][] = [];
  tally.forEach((id, count) => out.push([id, count]));
  return out;
};

/** The brute force: each id's adds, ids ascending. */
const counted = (adds: readonly number[]) => {
  const counts = new Map<number, number>();
  for (const id of adds) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0] - b[0]);
};

const ids = fc.array(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(65_535, 65_536, 2 ** 26 - 1)), { maxLength: 60 });

describe('Tally', () => {
  it('packs its pairs in 16 bits while every id and count fits, else in 32, and reads them back as counted', () => {
    fc.assert(
      fc.property(ids, ids, (a, b) => {
        for (const adds of [a, b, [...a, ...b]]) {
          const tally = packed(adds);
          expect(pairsOf(tally)).toEqual(counted(adds));
          for (const [id, count] of counted(adds)) expect(tally.count(id)).toBe(count);
          const wide = adds.some((id) => id >= 65_536);
          expect(tally.bytes).toBe(counted(adds).length * (wide ? 8 : 4));
        }
        // Merged (a linear merge of packed pairs) as if counted together, and packed as narrow as that allows.
        const merged = Tally.merged(packed(a), packed(b));
        expect(pairsOf(merged)).toEqual(counted([...a, ...b]));
        expect(merged.bytes).toBe(packed([...a, ...b]).bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('widens to 32 bits for a count past 16 bits, and counts an open tally at PAIR_BYTES a tag', () => {
    const tally = new Tally();
    for (let i = 0; i < 65_535; i += 1) tally.add(7);
    tally.add(8);
    expect(tally.bytes).toBe(2 * PAIR_BYTES);
    tally.pack();
    expect(tally.bytes).toBe(2 * 4);
    tally.add(7);
    tally.pack();
    expect([tally.count(7), tally.count(8), tally.bytes]).toEqual([65_536, 1, 2 * 8]);
  });
});
