/**
 * The synthetic world's past: the posts it would have made from `fromMs` to `toMs` at `rate` a second, so that
 * a map started a moment ago already has a day behind it (every window full, Rising with its reference
 * period, sparklines with a shape). Handed out in batches, newest ten minutes first: the short windows (15m,
 * 1h) and the panel's first answers fill within seconds, the 24 h window as the rest arrives. Within ten
 * minutes posts go forward in time, evenly spaced, from their own world (`HISTORY_SALT`), so that the live
 * posts of a seed stay what they were. Slices of ten minutes, not hours: while one is being written, the
 * span with posts already reaches back to its start, and Rising takes its rates over that span (rising.ts,
 * `coveredMinutes`), so a slice half written makes the reference rate look lower than it is, by at most
 * ten minutes' worth. Pure: no clock, no I/O.
 */
import { SyntheticWorld, type XEnvelope } from './synthetic-world';

/** Ten-minute slices are written newest first; within one, posts go forward. */
export const HISTORY_SLICE_MS = 600_000;

/** Mixed into the seed of the history's world, so that it does not replay the live world's draws. */
const HISTORY_SALT = 0x5eed_4157;

export class SyntheticHistory {
  /** Posts in the whole span: post k (0 to total - 1) is made at `timeOf(k)`, `k / rate` seconds in. */
  readonly total: number;
  private readonly world: SyntheticWorld;
  /** Posts handed out so far. */
  private written = 0;
  /** The slice being written, as posts `next` to `end` - 1, and where it starts in time. */
  private next: number;
  private end: number;
  private sliceStartMs: number;

  constructor(
    seed: number,
    readonly fromMs: number,
    readonly toMs: number,
    private readonly rate: number,
  ) {
    if (!(toMs >= fromMs) || !(rate > 0)) throw new RangeError(`a history needs fromMs <= toMs and a rate above 0; got ${fromMs}, ${toMs}, ${rate}`);
    this.world = new SyntheticWorld({ seed: (seed ^ HISTORY_SALT) >>> 0 });
    this.total = Math.ceil(((toMs - fromMs) * rate) / 1_000);
    this.end = this.total;
    this.sliceStartMs = toMs - HISTORY_SLICE_MS;
    this.next = this.firstAtOrAfter(this.sliceStartMs);
  }

  /** Posts handed out so far. */
  get done(): number {
    return this.written;
  }

  get finished(): boolean {
    return this.written >= this.total;
  }

  /** Up to `count` more posts: the rest of the current slice, then the one before. */
  take(count: number): XEnvelope[] {
    const batch: XEnvelope[] = [];
    while (batch.length < count && !this.finished) {
      if (this.next >= this.end) {
        this.end = this.firstAtOrAfter(this.sliceStartMs);
        this.sliceStartMs -= HISTORY_SLICE_MS;
        this.next = this.firstAtOrAfter(this.sliceStartMs);
        continue;
      }
      batch.push(this.world.next(this.timeOf(this.next)));
      this.next += 1;
      this.written += 1;
    }
    return batch;
  }

  /** When post `k` is made: whole ms, as `created_at` holds them. */
  private timeOf(k: number): number {
    return this.fromMs + Math.floor((k * 1_000) / this.rate);
  }

  /** The first post made at or after `ms` (0 before the span, `total` after it). */
  private firstAtOrAfter(ms: number): number {
    // The quotient, then a step either way where floating point put it one off.
    let k = Math.min(this.total, Math.max(0, Math.ceil(((ms - this.fromMs) * this.rate) / 1_000)));
    while (k > 0 && this.timeOf(k - 1) >= ms) k -= 1;
    while (k < this.total && this.timeOf(k) < ms) k += 1;
    return k;
  }
}
