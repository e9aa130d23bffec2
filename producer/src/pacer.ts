/**
 * Replays an archive at a multiple of its original pace: the first post is published at once, and each
 * later one when as much wall time has passed as event time did since the first, divided by the factor.
 * Posts out of order (earlier than one already paced) go out at once. Pure: time comes in as arguments.
 * `waitFor` makes the wait, however long.
 */
import { setTimeout as timerSleep } from 'node:timers/promises';

/** The longest one timer waits, in ms (Node's 32-bit limit, about 24.8 days): past it Node waits 1 ms, and warns. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Waits `ms` (a paced replay's wait for a post, which may be weeks when the archive has a gap), as timers of
 * at most `MAX_TIMER_MS` one after another; rejects as soon as `signal` aborts. `sleep` is Node's (tests give theirs).
 */
export async function waitFor(
  ms: number,
  signal: AbortSignal,
  sleep: (ms: number, value: undefined, options: { signal: AbortSignal }) => Promise<unknown> = timerSleep,
): Promise<void> {
  for (let left = ms; left > 0; left -= MAX_TIMER_MS) await sleep(Math.min(left, MAX_TIMER_MS), undefined, { signal });
}

export class Pacer {
  private anchor: { eventMs: number; wallMs: number } | null = null;

  constructor(private readonly factor: number) {
    if (!(factor > 0)) throw new RangeError(`pace factor must be positive, got ${factor}`);
  }

  /** How long to wait, in ms, before publishing a post created at `eventMs` when the clock reads `nowMs`. */
  delay(eventMs: number, nowMs: number): number {
    if (this.anchor === null) {
      this.anchor = { eventMs, wallMs: nowMs };
      return 0;
    }
    const due = this.anchor.wallMs + (eventMs - this.anchor.eventMs) / this.factor;
    return Math.max(0, due - nowMs);
  }
}
