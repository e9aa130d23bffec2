/**
 * Exponential backoff with jitter for reopening the stream after the browser gave up on it. Doubling keeps
 * a long outage down to one request every `maxMs`; the jitter (±25 %) spreads the reconnects of many open
 * pages after a server restart so they do not arrive as one wave.
 */
export interface BackoffOptions {
  /** The first wait, in ms. */
  minMs: number;
  /** The longest wait, in ms. */
  maxMs: number;
  /** Random source in [0, 1); injectable for tests. */
  random: () => number;
}

const DEFAULTS: BackoffOptions = { minMs: 1_000, maxMs: 30_000, random: Math.random };

export class Backoff {
  private readonly options: BackoffOptions;
  private nextMs: number;

  constructor(options: Partial<BackoffOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.nextMs = this.options.minMs;
  }

  /** The wait before the next attempt, in ms; each call doubles the one after (up to `maxMs`). */
  next(): number {
    const base = this.nextMs;
    this.nextMs = Math.min(this.nextMs * 2, this.options.maxMs);
    return Math.round(base * (0.75 + this.options.random() * 0.5));
  }

  /** Back to the first wait, after a success. */
  reset(): void {
    this.nextMs = this.options.minMs;
  }
}
