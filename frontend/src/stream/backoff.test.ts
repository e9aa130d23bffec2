import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles up to the cap and starts over after reset', () => {
    const backoff = new Backoff({ minMs: 1_000, maxMs: 5_000, random: () => 0.5 });
    expect([1, 2, 3, 4, 5].map(() => backoff.next())).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    backoff.reset();
    expect(backoff.next()).toBe(1_000);
  });

  it('jitters by a quarter either way', () => {
    expect(new Backoff({ minMs: 1_000, random: () => 0 }).next()).toBe(750);
    expect(new Backoff({ minMs: 1_000, random: () => 0.999_999 }).next()).toBe(1_250);
  });
});
