/**
 * How long the X stream waits before it tries again. Pure: the random source is a parameter.
 */

/**
 * Full-jitter exponential backoff: a uniformly random wait in [0, min(max, base * 2^attempt)] ms. The
 * jitter keeps many clients (or restarts) from reconnecting in lock-step; the cap keeps a long outage
 * from turning into hour-long waits.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/**
 * The wait after HTTP 429 (another connection holds the stream, or too many connects): until the
 * `x-rate-limit-reset` time (seconds since the epoch) when the answer had one, but never less than `minMs`
 * (a held connection takes that long to be released) nor more than `maxMs`.
 */
export function rateLimitWait(resetSeconds: number | null, nowMs: number, minMs: number, maxMs: number): number {
  const untilReset = resetSeconds === null ? 0 : resetSeconds * 1_000 - nowMs;
  return Math.min(maxMs, Math.max(minMs, untilReset));
}
