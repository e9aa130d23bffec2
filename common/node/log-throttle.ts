/**
 * Keeps a flood of one condition (every junk message on the topic, kafkajs repeating the same connection
 * error) from flooding the log: the first occurrence is logged, and later ones are counted and reported as
 * a count at most once per `intervalMs`. Pure: time is an argument, so its tests need no clock.
 *
 * Memory: one small entry per condition key; past `maxKeys` keys the table starts afresh (a condition is
 * then logged once more), so keys made from varying text cannot grow it without bound.
 */

interface Condition {
  /** When a line for it was last let through, ms. */
  lastMs: number;
  /** Occurrences held back since then. */
  held: number;
}

/** A condition's held-back occurrences, due to be logged as a count. */
export interface HeldCount {
  key: string;
  held: number;
}

export class LogThrottle {
  private readonly conditions = new Map<string, Condition>();

  constructor(
    /** Least time between two lines of one condition, in ms. */
    private readonly intervalMs: number,
    private readonly maxKeys = 100,
  ) {}

  /**
   * One occurrence of `key` at `nowMs`: null to hold it back (it is counted), or, to log it now, how many
   * were held back since the last line (0 the first time).
   */
  admit(key: string, nowMs: number): number | null {
    const condition = this.conditions.get(key);
    if (condition !== undefined && nowMs - condition.lastMs < this.intervalMs) {
      condition.held += 1;
      return null;
    }
    if (condition === undefined && this.conditions.size >= this.maxKeys) this.conditions.clear();
    const held = condition?.held ?? 0;
    this.conditions.set(key, { lastMs: nowMs, held: 0 });
    return held;
  }

  /**
   * The counts held back for at least `intervalMs` since their condition's last line, to log now (a flood
   * that stopped still has its count reported). Each returned condition counts as logged at `nowMs`.
   */
  due(nowMs: number): HeldCount[] {
    const out: HeldCount[] = [];
    for (const [key, condition] of this.conditions) {
      if (condition.held === 0 || nowMs - condition.lastMs < this.intervalMs) continue;
      out.push({ key, held: condition.held });
      condition.lastMs = nowMs;
      condition.held = 0;
    }
    return out;
  }
}
