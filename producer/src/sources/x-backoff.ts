/**
 * How long the X stream waits after HTTP 429. Pure: the time is a parameter. Other failures back off as
 * `common/browser/backoff.ts` says (full jitter, see `x-stream.ts`).
 */

/**
 * The wait after HTTP 429 (another connection holds the stream, or too many connects): until the
 * `x-rate-limit-reset` time (seconds since the epoch) when the answer had one, but never less than `minMs`
 * (a held connection takes that long to be released) nor more than `maxMs`.
 */
export function rateLimitWait(resetSeconds: number | null, nowMs: number, minMs: number, maxMs: number): number {
  const untilReset = resetSeconds === null ? 0 : resetSeconds * 1_000 - nowMs;
  return Math.min(maxMs, Math.max(minMs, untilReset));
}
