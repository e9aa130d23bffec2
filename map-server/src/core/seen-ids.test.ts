import { describe, expect, it } from 'vitest';
import { SeenIds, hashId } from './seen-ids';
import { BUCKET_MS, RING_BUCKETS } from './window-store';

describe('SeenIds', () => {
  const t0 = Date.UTC(2020, 1, 2, 3, 4, 5);

  it('reports a repeated id at the same time as seen, and 64-bit ids that differ only past 2^53 as distinct', () => {
    const seen = new SeenIds();
    expect(seen.add('1850006781237256193', t0)).toBe(true);
    expect(seen.add('1850006781237256193', t0)).toBe(false);
    // Equal as JS numbers, different as ids.
    expect(Number('1850006781237256192')).toBe(Number('1850006781237256193'));
    expect(seen.add('1850006781237256192', t0)).toBe(true);
  });

  it('still finds ids after their minute is sealed, and accepts stragglers into a sealed minute', () => {
    const seen = new SeenIds();
    for (let i = 0; i < 1000; i += 1) seen.add(String(1e15 + i), t0);
    seen.add('1', t0 + 10 * BUCKET_MS); // seals t0's minute
    expect(seen.add(String(1e15 + 500), t0)).toBe(false);
    expect(seen.add('42', t0)).toBe(true);
    expect(seen.add('42', t0)).toBe(false);
    seen.add('2', t0 + 20 * BUCKET_MS); // seals again, merging the straggler
    expect(seen.add('42', t0)).toBe(false);
    expect(seen.add(String(1e15 + 999), t0)).toBe(false);
  });

  it('forgets ids once their minute is older than the largest window', () => {
    const seen = new SeenIds();
    seen.add('7', t0);
    seen.add('8', t0 + RING_BUCKETS * BUCKET_MS);
    expect(seen.size).toBe(1);
  });

  it('hashes to a 53-bit integer, differently for close ids', () => {
    const a = hashId('1850006781237256193');
    expect(Number.isSafeInteger(a)).toBe(true);
    expect(a).not.toBe(hashId('1850006781237256192'));
    const hashes = new Set(Array.from({ length: 100_000 }, (_, i) => hashId(String(1_850_006_781_237_000_000n + BigInt(i)))));
    expect(hashes.size).toBe(100_000);
  });
});
