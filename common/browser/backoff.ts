/**
 * Exponential back-off, the one rule for everything in trendmap that tries a connection again: the Kafka
 * adapters' first connection, the X filtered stream, and the page's live stream. Pure and browser-safe: no
 * timers, no Node APIs, the random source is a parameter.
 *
 * The ceiling doubles per failed attempt from `initialMs` up to `maxMs`, so a long outage costs one try every
 * `maxMs` rather than a tight loop. Each wait is then drawn from `jitter` (fractions of the ceiling), so that
 * many clients failing together (every open page after a server restart, several producers) do not come back
 * as one wave: [1, 1] is no jitter, [0, 1] "full jitter", [0.75, 1.25] a quarter either way.
 */

export interface BackoffPolicy {
  /** The first ceiling, in ms. */
  initialMs: number;
  /** The largest ceiling, in ms. */
  maxMs: number;
  /** The range a wait is drawn from, as fractions of the ceiling: [low, high], low <= high. */
  jitter: readonly [low: number, high: number];
}

/** Doublings past this change nothing (2^30 times any sane `initialMs` is past any `maxMs`) and keep 2^n finite. */
const MAX_DOUBLINGS = 30;

/** The ceiling for attempt `attempt` (0 for the first retry), in ms: initialMs x 2^attempt, at most maxMs. */
export function backoffCeiling(attempt: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, MAX_DOUBLINGS));
}

/**
 * The wait before attempt `attempt` (0 for the first retry), in whole ms: uniform in [low, high) x the
 * ceiling for `random()` in [0, 1). Rounded down, so full jitter never reaches `maxMs`.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const [low, high] = policy.jitter;
  return Math.floor(backoffCeiling(attempt, policy) * (low + random() * (high - low)));
}

/** Counts the attempts for a caller that retries in a loop: `next()` after a failure, `reset()` after a success. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  /** The wait before the next attempt, in ms; each call doubles the ceiling of the one after (up to `maxMs`). */
  next(): number {
    return backoffDelay(this.attempt++, this.policy, this.random);
  }

  /** Back to the first wait, after a success (or a connection that stayed up long enough to count as one). */
  reset(): void {
    this.attempt = 0;
  }
}
