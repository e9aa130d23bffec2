import { describe, expect, it } from 'vitest';
import { Backoff, backoffCeiling, backoffDelay, type BackoffPolicy } from './backoff';

const NONE: BackoffPolicy = { initialMs: 500, maxMs: 10_000, jitter: [1, 1] };
const FULL: BackoffPolicy = { initialMs: 1_000, maxMs: 60_000, jitter: [0, 1] };
const QUARTER: BackoffPolicy = { initialMs: 1_000, maxMs: 5_000, jitter: [0.75, 1.25] };
const top = () => 0.999_999;

describe('backoffCeiling', () => {
  it('doubles per attempt up to the cap, and stays finite for any attempt', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => backoffCeiling(a, NONE))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect(backoffCeiling(1e9, NONE)).toBe(10_000);
  });
});

describe('backoffDelay', () => {
  it('waits exactly the ceiling without jitter', () => {
    expect([0, 1, 5].map((a) => backoffDelay(a, NONE, Math.random))).toEqual([500, 1_000, 10_000]);
  });

  it('draws from [0, ceiling) with full jitter, never reaching the cap', () => {
    expect([0, 1, 2, 3, 6, 7, 20].map((a) => backoffDelay(a, FULL, top))).toEqual([999, 1_999, 3_999, 7_999, 59_999, 59_999, 59_999]);
    expect(backoffDelay(5, FULL, () => 0)).toBe(0);
    expect(backoffDelay(1_000, FULL, Math.random)).toBeLessThan(60_000);
  });

  it('jitters by the given fractions either way', () => {
    expect(backoffDelay(0, QUARTER, () => 0)).toBe(750);
    expect(backoffDelay(0, QUARTER, () => 0.5)).toBe(1_000);
    expect(backoffDelay(0, QUARTER, top)).toBe(1_249);
  });
});

describe('Backoff', () => {
  it('doubles up to the cap and starts over after reset', () => {
    const backoff = new Backoff(QUARTER, () => 0.5);
    expect([1, 2, 3, 4, 5].map(() => backoff.next())).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    backoff.reset();
    expect(backoff.next()).toBe(1_000);
  });
});
