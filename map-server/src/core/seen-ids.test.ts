import { describe, expect, it } from 'vitest';
import { DEDUPE_HORIZON_MS, SeenIds, hashId } from './seen-ids';
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

  it('counts a redelivery within the horizon of the newest post once, and one older than it again', () => {
    const seen = new SeenIds();
    expect(DEDUPE_HORIZON_MS).toBe(60 * BUCKET_MS);
    expect(seen.add('7', t0)).toBe(true);
    expect(seen.add('8', t0 + DEDUPE_HORIZON_MS)).toBe(true); // t0 is exactly one horizon behind: still held
    expect(seen.add('7', t0)).toBe(false);
    expect(seen.add('9', t0 + DEDUPE_HORIZON_MS + BUCKET_MS)).toBe(true); // t0's minute is now past the horizon
    expect(seen.add('7', t0)).toBe(true); // its minute was dropped: it counts again...
    expect(seen.add('7', t0)).toBe(false); // ...and is held, late, until the newest post moves on by a minute
    expect(seen.add('8', t0 + DEDUPE_HORIZON_MS)).toBe(false);
    expect(seen.add('10', t0 + DEDUPE_HORIZON_MS + 2 * BUCKET_MS)).toBe(true);
    expect(seen.add('7', t0)).toBe(true);
  });

  it('recognises a redelivery hours behind the newest post, as a slow partition of a Kafka rebuild brings it', () => {
    const seen = new SeenIds();
    expect(seen.add('now', t0 + 3 * 3_600_000)).toBe(true); // a fast partition has reached the present
    expect(seen.add('behind', t0)).toBe(true); // a slow one is still three hours back...
    expect(seen.add('behind', t0)).toBe(false); // ...and carries the same post twice, one right after the other
  });

  it('holds only the ids of the horizon: the size falls as the newest post moves on', () => {
    const seen = new SeenIds(10 * BUCKET_MS);
    for (let minute = 0; minute < 100; minute += 1) {
      for (let i = 0; i < 50; i += 1) seen.add(`${minute}-${i}`, t0 + minute * BUCKET_MS);
    }
    expect(seen.size).toBe(11 * 50); // the newest minute and the ten before it
    seen.add('later', t0 + 200 * BUCKET_MS);
    expect(seen.size).toBe(1);
  });

  it('holds ids for at most the windows, whatever the horizon, and takes none below 0 ms', () => {
    const seen = new SeenIds(Number.POSITIVE_INFINITY);
    seen.add('7', t0);
    seen.add('8', t0 + (RING_BUCKETS - 1) * BUCKET_MS);
    expect(seen.size).toBe(2);
    seen.add('9', t0 + RING_BUCKETS * BUCKET_MS);
    expect(seen.size).toBe(2);
    expect(() => new SeenIds(-1)).toThrow(RangeError);
  });

  it('restores from a snapshot the ids it held, open and sealed, and keeps deduplicating', () => {
    const seen = new SeenIds();
    for (let i = 0; i < 100; i += 1) seen.add(String(1e15 + i), t0 + (i % 10) * BUCKET_MS);
    const restored = SeenIds.restore(structuredClone(seen.snapshot()));
    expect(restored.size).toBe(100);
    for (let i = 0; i < 100; i += 1) expect(restored.add(String(1e15 + i), t0 + (i % 10) * BUCKET_MS)).toBe(false);
    expect(restored.add('new', t0 + 9 * BUCKET_MS)).toBe(true);
    expect(restored.snapshot()).toEqual(SeenIds.restore(restored.snapshot()).snapshot());
    // A shorter horizon than the saved one keeps only what it would hold, once the newest post moves on.
    const shorter = SeenIds.restore(seen.snapshot(), 5 * BUCKET_MS);
    expect(shorter.size).toBe(100);
    shorter.add('next minute', t0 + 10 * BUCKET_MS);
    expect(shorter.size).toBe(5 * 10 + 1); // minutes 5 to 9, and the new one
    expect(() => SeenIds.restore({ ...seen.snapshot(), sizes: new Uint32Array(3) })).toThrow(/^seen\.sizes: expected 10 entries, got 3$/);
    const outOfRange = seen.snapshot();
    outOfRange.hashes[0] = -1;
    expect(() => SeenIds.restore(outOfRange)).toThrow(/^seen\.hashes: the ids of minute \d+ are not all 53-bit hashes$/);
  });

  it('hashes to a 53-bit integer, differently for close ids', () => {
    const a = hashId('1850006781237256193');
    expect(Number.isSafeInteger(a)).toBe(true);
    expect(a).not.toBe(hashId('1850006781237256192'));
    const hashes = new Set(Array.from({ length: 100_000 }, (_, i) => hashId(String(1_850_006_781_237_000_000n + BigInt(i)))));
    expect(hashes.size).toBe(100_000);
  });
});
