import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OpenHashes, PackedHashes } from './hash-sets';
import { hashId } from './seen-ids';

/** 53-bit hashes: the edges of the range, and values anywhere in it. */
const hash = fc.oneof(
  fc.constantFrom(0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 52),
  fc.integer({ min: 0, max: 2 ** 31 - 1 }).map((n) => n * 2 ** 22 + (n % 4_194_304)),
  fc.maxSafeNat(),
);

describe('OpenHashes', () => {
  it('holds what a Set holds, through its growth, and lists it ascending', () => {
    fc.assert(
      fc.property(fc.array(hash, { maxLength: 300 }), fc.array(hash, { maxLength: 50 }), (added, probes) => {
        const open = new OpenHashes();
        const truth = new Set<number>();
        for (const h of added) expect(open.add(h)).toBe(!truth.has(h) && truth.add(h) !== undefined);
        expect(open.size).toBe(truth.size);
        for (const h of [...added, ...probes]) expect(open.has(h)).toBe(truth.has(h));
        expect([...open.sorted()]).toEqual([...truth].sort((a, b) => a - b));
      }),
    );
  });

  it('keeps 35 to 70 % of its slots full: 11 to 23 bytes an id', () => {
    const open = new OpenHashes();
    for (let i = 0; i < 100_000; i += 1) open.add(hashId(String(1e15 + i)));
    expect(open.size).toBe(100_000);
    expect(open.bytes / open.size).toBeGreaterThanOrEqual(8 / 0.7);
    expect(open.bytes / open.size).toBeLessThanOrEqual(8 / 0.35);
  });
});

describe('PackedHashes', () => {
  it('gives back exactly the hashes packed, finds each of them and nothing else', () => {
    fc.assert(
      fc.property(fc.uniqueArray(hash, { maxLength: 400 }), fc.array(hash, { maxLength: 50 }), (hashes, probes) => {
        const sorted = Float64Array.from(hashes).sort();
        const packed = PackedHashes.from(sorted);
        expect(packed.length).toBe(sorted.length);
        expect([...packed.values()]).toEqual([...sorted]);
        const truth = new Set(hashes);
        for (const h of [...hashes, ...probes]) expect(packed.has(h)).toBe(truth.has(h));
      }),
    );
  });

  it('refuses what is not a 53-bit hash, rather than pack it wrong', () => {
    for (const bad of [-1, 2 ** 53, 1.5, Number.NaN]) {
      expect(() => PackedHashes.from(Float64Array.of(0, bad))).toThrow(RangeError);
    }
    expect(() => PackedHashes.from(Float64Array.of(2 ** 53 - 1))).not.toThrow();
  });

  it.each([1_000, 70_000, 360_000])('packs %i real hashes exactly, in at most 6.5 bytes each', (n) => {
    const sorted = Float64Array.from({ length: n }, (_, i) => hashId(String(1_850_006_781_237_000_000n + BigInt(i)))).sort();
    const packed = PackedHashes.from(sorted);
    expect(packed.values()).toEqual(sorted);
    for (let i = 0; i < n; i += 97) expect(packed.has(sorted[i])).toBe(true);
    expect(packed.has(hashId('not one of them'))).toBe(false);
    expect(packed.bytes / n).toBeLessThanOrEqual(n >= 65_536 ? 6 : 6.5);
  });
});
