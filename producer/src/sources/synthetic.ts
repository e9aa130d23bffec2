/**
 * The default source: the synthetic world, paced in real time. Every `BATCH_PERIOD_MS` it yields as many
 * posts as `rate` calls for since the previous batch, carrying the fractional remainder so that the
 * long-run rate is exact, all created at the moment of the batch.
 *
 * With a history (`historyMs`), it first writes the world's recent past as well (`SyntheticHistory`: the
 * posts of the last `historyMs` at the same rate, newest ten minutes first), in the time each tick leaves after
 * its live batch (`HISTORY_SHARE` of it), so that the live map keeps flowing while the windows fill.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { BusLog } from '../../../common/node/bus/bus-log';
import { formatDuration } from '../../../common/node/config-values';
import type { RawInput, Source } from './source';
import { SyntheticHistory } from './synthetic-history';
import { SyntheticWorld } from './synthetic-world';

export interface SyntheticSourceOptions {
  /** Posts per second; 0 yields nothing until aborted. */
  rate: number;
  /** Seeds the world: one seed, one sequence of posts (for one sequence of batch times). */
  seed: number;
  /** The clock, in ms since the epoch; `Date.now` unless a test drives time. */
  now?: () => number;
  /** How much of the past to write at the start, in ms (0: none). */
  historyMs?: number;
  /** Posts already held up to this event time (a saved state): the history starts there, if later. */
  historyFromMs?: number | null;
  /** Where the history's progress is told. */
  log?: BusLog;
}

/** Time between batches: 10 Hz is smooth on the map and cheap in async hops. */
const BATCH_PERIOD_MS = 100;
/**
 * The most time one batch makes up for. After a stall longer than this (a paused process, a blocked
 * event loop) the missed posts are dropped rather than flushed in one burst: a live source speaks of now.
 */
const MAX_CATCH_UP_MS = 1_000;
/**
 * The share of each tick the history may take (its posts normalised, published and counted downstream, as
 * the next batch is only asked for when the last is through): the rest is left to the live posts, the
 * server's answers and the browsers' streams.
 */
const HISTORY_SHARE = 0.6;
/** Posts of history handed on at once: big enough to amortise a batch, small enough to stop on time. */
const HISTORY_BATCH = 500;
/** The history's progress is told in the log this often. */
const HISTORY_LOG_MS = 15_000;

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
      const past = historyOf(options, last);
      let owed = 0;
      while (!signal.aborted) {
        try {
          await sleep(BATCH_PERIOD_MS, undefined, { signal });
        } catch (error) {
          if ((error as Error).name === 'AbortError') return;
          throw error;
        }
        const tickStarted = performance.now();
        const at = now();
        owed += (Math.min(Math.max(at - last, 0), MAX_CATCH_UP_MS) / 1_000) * rate;
        last = at;
        const count = Math.floor(owed);
        owed -= count;
        if (count > 0) {
          const batch = new Array<RawInput>(count);
          for (let i = 0; i < count; i++) batch[i] = world.next(at);
          yield batch;
        }
        if (past !== null && !past.history.finished) {
          const until = tickStarted + BATCH_PERIOD_MS * HISTORY_SHARE;
          while (!past.history.finished && !signal.aborted && performance.now() < until) yield past.history.take(HISTORY_BATCH);
          past.report();
        }
      }
    },
  };
}

/** The history a source with `options` writes when started at `startMs`, with its progress report; null for none. */
function historyOf(options: SyntheticSourceOptions, startMs: number): { history: SyntheticHistory; report(): void } | null {
  const { historyMs = 0, historyFromMs = null, rate, seed, log } = options;
  const fromMs = Math.max(startMs - historyMs, historyFromMs ?? Number.NEGATIVE_INFINITY);
  if (!(historyMs > 0) || !(rate > 0) || fromMs >= startMs) return null;
  const history = new SyntheticHistory(seed, fromMs, startMs, rate);
  // "24h" rather than "1d": the span is read against the windows (15m, 1h, 6h, 24h).
  const spanMs = Math.max(1_000, Math.round((startMs - fromMs) / 1_000) * 1_000);
  const span = spanMs % 3_600_000 === 0 ? `${spanMs / 3_600_000}h` : formatDuration(spanMs);
  const posts = history.total.toLocaleString('en');
  log?.info(`synthetic world: writing its last ${span} (${posts} posts), newest ten minutes first`);
  const started = performance.now();
  let toldAt = started;
  let told = false;
  return {
    history,
    report(): void {
      const t = performance.now();
      if (told) return;
      if (history.finished) {
        told = true;
        log?.info(`synthetic world: its last ${span} written (${posts} posts in ${((t - started) / 1_000).toFixed(0)} s)`);
      } else if (t - toldAt >= HISTORY_LOG_MS) {
        toldAt = t;
        log?.info(`synthetic world: ${Math.floor((100 * history.done) / history.total)} % of its last ${span} written`);
      }
    },
  };
}
