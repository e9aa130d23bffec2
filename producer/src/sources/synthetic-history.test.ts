import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HISTORY_SLICE_MS, SyntheticHistory } from './synthetic-history';
import { SyntheticWorld } from './synthetic-world';

const T0 = Date.UTC(2025, 0, 15, 9, 17, 30);
const HOUR = 3_600_000;

/** Every post of a history, in the order handed out, as creation times (ms), taking `batch` at a time. */
function drain(history: SyntheticHistory, batch: number): number[] {
  const times: number[] = [];
  for (let guard = 0; !history.finished && guard < 1e6; guard += 1) {
    const posts = history.take(batch);
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.length).toBeLessThanOrEqual(batch);
    for (const post of posts) times.push(Date.parse(post.data.created_at));
  }
  return times;
}

describe('SyntheticHistory', () => {
  beforeAll(() => void new SyntheticWorld({ seed: 0 }));

  it('writes each post of the span once, at the rate, newest ten minutes first and forward within each ten', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 * HOUR + 1_234 }),
        fc.constantFrom(0.5, 1, 3),
        fc.integer({ min: 1, max: 700 }),
        (spanMs, rate, batch) => {
          const history = new SyntheticHistory(7, T0 - spanMs, T0, rate);
          const times = drain(history, batch);
          expect(history.total).toBe(Math.ceil((spanMs * rate) / 1_000));
          expect(times).toHaveLength(history.total);
          expect(history.done).toBe(history.total);
          // The posts of a plain, evenly spaced run: k / rate seconds after the start (created_at holds whole ms).
          const expected = Array.from({ length: history.total }, (_, k) => T0 - spanMs + Math.floor((k * 1_000) / rate));
          expect([...times].sort((a, b) => a - b)).toEqual(expected);
          expect(times.every((t) => t >= T0 - spanMs && t < T0)).toBe(true);
          // Ten-minute slices ending at T0: each slice's posts in a run, going forward, the slices newest first.
          const sliceOf = (t: number) => Math.floor((T0 - 1 - t) / HISTORY_SLICE_MS);
          for (let i = 1; i < times.length; i += 1) {
            const [a, b] = [sliceOf(times[i - 1]), sliceOf(times[i])];
            expect(b === a ? times[i] >= times[i - 1] : b === a + 1).toBe(true);
          }
          expect(history.take(5)).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("is the same for a seed, and not the live world's posts", () => {
    const take = (seed: number) => new SyntheticHistory(seed, T0 - 60_000, T0, 2).take(50);
    expect(take(3)).toEqual(take(3));
    const live = new SyntheticWorld({ seed: 3 });
    const first = take(3)[0];
    expect(first.data.id).not.toBe(live.next(Date.parse(first.data.created_at)).data.id);
  });

  it('refuses a span that ends before it starts, and a rate of 0', () => {
    expect(() => new SyntheticHistory(1, T0, T0 - 1, 1)).toThrow(RangeError);
    expect(() => new SyntheticHistory(1, T0 - 1, T0, 0)).toThrow(RangeError);
  });
});
