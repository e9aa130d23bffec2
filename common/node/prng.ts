/**
 * A tiny seeded pseudo-random generator (mulberry32) and the sampling helpers the synthetic world needs.
 * Not cryptographic: it exists so that a seed reproduces the same synthetic posts, run after run.
 */

/** A seeded stream of pseudo-random numbers. Its functions are closures: each may be passed on alone. */
export interface Prng {
  /** A float in [0, 1). */
  readonly next: () => number;
  /** An integer in [0, n). */
  readonly int: (n: number) => number;
  /** One element of a non-empty array, uniformly. */
  readonly pick: <T>(items: readonly T[]) => T;
  /** True with probability `p`. */
  readonly chance: (p: number) => boolean;
}

/** 2^32, to turn a 32-bit unsigned integer into a float in [0, 1). */
const UINT32_RANGE = 4_294_967_296;

/** A mulberry32 generator: 32 bits of state, period 2^32, good enough for simulation and very fast. */
export function prng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / UINT32_RANGE;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
  };
}

/**
 * Hashes a few integers into one 32-bit unsigned integer (murmur3's finaliser over each value), so that a
 * derived stream (`prng(mix32(seed, slot))`) depends only on its inputs and not on what was drawn before.
 */
export function mix32(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    h ^= Math.imul((value | 0) ^ Math.floor(value / UINT32_RANGE), 0xcc9e2d51);
    h = fmix32(Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64);
  }
  return h;
}

/** murmur3's finaliser: every bit of `h` spread over all 32 (unsigned). */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Running totals of `weights`, for `pickWeighted`. */
export function cumulativeWeights(weights: ArrayLike<number>): Float64Array {
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) cumulative[i] = total += weights[i];
  return cumulative;
}

/** Zipf weights `1 / rank^exponent` for ranks 1..n, as running totals. */
export function zipfCumulative(n: number, exponent: number): Float64Array {
  return cumulativeWeights(Array.from({ length: n }, (_, i) => (i + 1) ** -exponent));
}

/** The index drawn by `u` in [0, 1) from running totals, by binary search: O(log n). */
export function pickWeighted(cumulative: Float64Array, u: number): number {
  const target = u * cumulative[cumulative.length - 1];
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
