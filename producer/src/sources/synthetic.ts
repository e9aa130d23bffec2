/**
 * The default source: the synthetic world, paced in real time. Every `BATCH_PERIOD_MS` it yields as many
 * posts as `rate` calls for since the previous batch, carrying the fractional remainder so that the
 * long-run rate is exact, all created at the moment of the batch.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RawInput, Source } from './source';
import { SyntheticWorld } from './synthetic-world';

export interface SyntheticSourceOptions {
  /** Posts per second; 0 yields nothing until aborted. */
  rate: number;
  /** Seeds the world: one seed, one sequence of posts (for one sequence of batch times). */
  seed: number;
  /** The clock, in ms since the epoch; `Date.now` unless a test drives time. */
  now?: () => number;
}

/** Time between batches: 10 Hz is smooth on the map and cheap in async hops. */
const BATCH_PERIOD_MS = 100;
/**
 * The most time one batch makes up for. After a stall longer than this (a paused process, a blocked
 * event loop) the missed posts are dropped rather than flushed in one burst: a live source speaks of now.
 */
const MAX_CATCH_UP_MS = 1_000;

/** A live source of synthetic X posts at `rate` posts per second. */
export function syntheticSource(options: SyntheticSourceOptions): Source {
  const { rate, seed, now = Date.now } = options;
  if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`rate must be a finite number ≥ 0, not ${rate}`);
  return {
    name: 'synthetic',
    live: true,
    async *read(signal: AbortSignal): AsyncIterable<RawInput[]> {
      if (signal.aborted) return;
      // Built here, not above: loading the cities is only paid for by a source that is read.
      const world = new SyntheticWorld({ seed });
      let last = now();
      let owed = 0;
      while (!signal.aborted) {
        try {
          await sleep(BATCH_PERIOD_MS, undefined, { signal });
        } catch (error) {
          if ((error as Error).name === 'AbortError') return;
          throw error;
        }
        const at = now();
        owed += (Math.min(Math.max(at - last, 0), MAX_CATCH_UP_MS) / 1_000) * rate;
        last = at;
        const count = Math.floor(owed);
        owed -= count;
        if (count === 0) continue;
        const batch = new Array<RawInput>(count);
        for (let i = 0; i < count; i++) batch[i] = world.next(at);
        yield batch;
      }
    },
  };
}
