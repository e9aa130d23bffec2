import { beforeAll, describe, expect, it } from 'vitest';
import type { RawInput } from './source';
import { syntheticSource } from './synthetic';
import { SyntheticWorld, type XEnvelope } from './synthetic-world';

const T0 = Date.UTC(2025, 0, 15, 9);

/** A clock that moves `stepMs` forward each time it is read: batch sizes then depend on the rate alone. */
function steppingClock(stepMs: number, startMs = T0): () => number {
  let t = startMs - stepMs;
  return () => (t += stepMs);
}

/** Reads `source` until `batches` batches have arrived, then aborts it; returns them. */
async function readBatches(read: (signal: AbortSignal) => AsyncIterable<RawInput[]>, batches: number) {
  const controller = new AbortController();
  const seen: RawInput[][] = [];
  for await (const batch of read(controller.signal)) {
    seen.push(batch);
    if (seen.length === batches) controller.abort();
  }
  return seen;
}

describe('syntheticSource', () => {
  // Load the cities before anything is timed: the first world of a process pays for it.
  beforeAll(() => void new SyntheticWorld({ seed: 0 }));

  it('is a live source named "synthetic"', () => {
    const source = syntheticSource({ rate: 10, seed: 1 });
    expect(source.name).toBe('synthetic');
    expect(source.live).toBe(true);
  });

  it('yields the posts the rate calls for, carrying fractions, all created at the batch time', async () => {
    // 33 posts/s and a batch every 100 ms of (fake) time: 3.3 posts a batch, 33 over ten batches.
    const clock = steppingClock(100);
    const batches = await readBatches(syntheticSource({ rate: 33, seed: 1, now: clock }).read, 10);
    expect(batches).toHaveLength(10);
    for (const batch of batches) {
      expect(batch.length === 3 || batch.length === 4).toBe(true);
      const times = new Set((batch as XEnvelope[]).map((post) => post.data.created_at));
      expect(times.size).toBe(1);
    }
    const total = batches.reduce((sum, batch) => sum + batch.length, 0);
    expect(Math.abs(total - 33)).toBeLessThanOrEqual(1);
  });

  it('is deterministic for a seed and a clock', async () => {
    const read = () => readBatches(syntheticSource({ rate: 500, seed: 9, now: steppingClock(100) }).read, 3);
    expect(await read()).toEqual(await read());
  });

  it('does not burst after a stall: one batch makes up for at most a second', async () => {
    const clock = steppingClock(3_600_000);
    const [first] = await readBatches(syntheticSource({ rate: 100, seed: 1, now: clock }).read, 1);
    expect(first.length).toBe(100);
  });

  it('paces itself in real time: about rate × duration posts', async () => {
    const controller = new AbortController();
    const durationMs = 1_200;
    const rate = 200;
    setTimeout(() => controller.abort(), durationMs);
    let total = 0;
    for await (const batch of syntheticSource({ rate, seed: 1 }).read(controller.signal)) total += batch.length;
    // 240 expected; the last partial batch and timer slack lose a few, a slow machine more.
    expect(total).toBeGreaterThan(0.6 * rate * (durationMs / 1_000));
    expect(total).toBeLessThanOrEqual(rate * (durationMs / 1_000) + 1);
  });

  it('stops promptly on abort, leaving no timer behind', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    const controller = new AbortController();
    const iterator = syntheticSource({ rate: 50, seed: 1 }).read(controller.signal)[Symbol.asyncIterator]();
    const pending = iterator.next();
    controller.abort();
    const started = performance.now();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(timers()).toBe(before);
  });

  it('yields nothing when the signal is already aborted, and rejects a bad rate', async () => {
    const signal = AbortSignal.abort();
    const batches: RawInput[][] = [];
    for await (const batch of syntheticSource({ rate: 100, seed: 1 }).read(signal)) batches.push(batch);
    expect(batches).toEqual([]);
    expect(() => syntheticSource({ rate: -1, seed: 1 })).toThrow(RangeError);
    expect(() => syntheticSource({ rate: Number.NaN, seed: 1 })).toThrow(RangeError);
  });
});
