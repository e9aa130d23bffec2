import { beforeAll, describe, expect, it } from 'vitest';
import type { RawInput, Source } from './source';
import { syntheticSource } from './synthetic';
import { SyntheticWorld, type XEnvelope } from './synthetic-world';

const T0 = Date.UTC(2025, 0, 15, 9);

/** A clock that moves `stepMs` forward each time it is read: batch sizes then depend on the rate alone. */
function steppingClock(stepMs: number, startMs = T0): () => number {
  let t = startMs - stepMs;
  return () => (t += stepMs);
}

/** Reads `source` until `batches` batches have arrived, then aborts it; returns them. */
async function readBatches(source: Pick<Source, 'read'>, batches: number) {
  const controller = new AbortController();
  const seen: RawInput[][] = [];
  for await (const batch of source.read(controller.signal)) {
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
    const batches = await readBatches(syntheticSource({ rate: 33, seed: 1, now: clock }), 10);
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
    const read = () => readBatches(syntheticSource({ rate: 500, seed: 9, now: steppingClock(100) }), 3);
    expect(await read()).toEqual(await read());
  });

  it('does not burst after a stall: one batch makes up for at most a second', async () => {
    const clock = steppingClock(3_600_000);
    const [first] = await readBatches(syntheticSource({ rate: 100, seed: 1, now: clock }), 1);
    expect(first.length).toBe(100);
  });

  it('paces itself in real time: never faster than the rate', async () => {
    // On the machine's clock: read until `target` posts came, and see that at least target / rate seconds
    // passed. A busy machine only makes that longer (a stall drops posts, it never adds any), so this holds
    // under any load; the exact count per batch is checked on a test clock above.
    const rate = 200;
    const target = 240;
    const controller = new AbortController();
    const started = Date.now();
    let total = 0;
    for await (const batch of syntheticSource({ rate, seed: 1 }).read(controller.signal)) {
      total += batch.length;
      if (total >= target) controller.abort();
    }
    const elapsedMs = Date.now() - started;
    expect(total).toBeGreaterThanOrEqual(target);
    expect(total).toBeLessThanOrEqual((rate * elapsedMs) / 1_000 + 1);
  });

  it("writes its past at the start beside the live posts: each tick's live batch first, then history", async () => {
    // A clock that moves 100 ms a read: every tick owes 5 live posts at 50/s. Ten minutes of history at
    // 50/s is 30,000 posts, written in the time each tick leaves (on the machine's clock).
    const clock = steppingClock(100);
    const source = syntheticSource({ rate: 50, seed: 4, now: clock, historyMs: 600_000 });
    const controller = new AbortController();
    const startMs = T0; // the clock's first reading: where the history ends
    let live = 0;
    let history = 0;
    let sawLiveAfterHistory = false;
    let liveDuringHistory = 0;
    const historyTimes: number[] = [];
    for await (const batch of source.read(controller.signal)) {
      const times = (batch as XEnvelope[]).map((post) => Date.parse(post.data.created_at));
      if (times.every((t) => t >= startMs)) {
        live += batch.length;
        if (history > 0) sawLiveAfterHistory = true;
        if (history > 0 && history < 30_000) liveDuringHistory += 1;
      } else {
        expect(times.every((t) => t < startMs && t >= startMs - 600_000)).toBe(true);
        history += batch.length;
        historyTimes.push(times[0]);
      }
      if (history >= 30_000 && sawLiveAfterHistory) controller.abort();
    }
    expect(history).toBe(30_000);
    expect(live).toBeGreaterThan(0);
    // The history took several ticks (30,000 posts are far more than 60 ms of work), and live batches kept
    // coming between its batches.
    expect(liveDuringHistory).toBeGreaterThan(0);
    // Newest ten minutes first: the whole span is the last ten minutes here, so the first batch starts at its start.
    expect(historyTimes[0]).toBe(startMs - 600_000);
  });

  it('writes only the past a saved state does not hold, and none when told 0', async () => {
    // Read until two ticks after the history's last batch (or four ticks with none): a batch of the past is one
    // that holds a post made before the start.
    const posts = async (options: { historyMs: number; historyFromMs?: number | null }) => {
      const controller = new AbortController();
      let history = 0;
      let liveSince = 0;
      for await (const batch of syntheticSource({ rate: 10, seed: 4, now: steppingClock(100), ...options }).read(controller.signal)) {
        const past = (batch as XEnvelope[]).filter((post) => Date.parse(post.data.created_at) < T0).length;
        history += past;
        liveSince = past > 0 ? 0 : liveSince + 1;
        if (liveSince >= 4) controller.abort();
      }
      return history;
    };
    // 24 h at 10/s asked, but posts up to 90 s ago are held: 90 s of history, 900 posts.
    expect(await posts({ historyMs: 86_400_000, historyFromMs: T0 - 90_000 })).toBe(900);
    expect(await posts({ historyMs: 0 })).toBe(0);
    expect(await posts({ historyMs: 86_400_000, historyFromMs: T0 + 5_000 })).toBe(0);
  });

  it('stops at once on abort, leaving no timer behind', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    const controller = new AbortController();
    const iterator = syntheticSource({ rate: 50, seed: 1 }).read(controller.signal)[Symbol.asyncIterator]();
    const pending = iterator.next(); // now waiting for the next batch
    controller.abort();
    // Stopping takes promise callbacks only, which all run before the event loop's next turn: a source
    // that waited for its timer instead would still be pending then, however fast or slow the machine.
    const nextTurn = new Promise((resolve) => setImmediate(() => resolve('still waiting')));
    expect(await Promise.race([pending, nextTurn])).toEqual({ done: true, value: undefined });
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
