/**
 * The rising score (defined in `RISING`, common/browser/api.ts): a tag's count over a recent window against what
 * its rate over the period before predicts, in Poisson standard deviations. Pure arithmetic on counts, so
 * the region path (window totals) and the view path (the tile counts) score alike.
 */
import { RISING } from '../../../common/browser/api';
import { WINDOWS, type WindowName } from '../../../common/browser/windows';

/** What a window's rising score compares, in minutes. */
export interface RisingPlan {
  window: WindowName;
  /** The window whose growth is scored: the window itself, or its last 6 h at 24h. */
  recent: WindowName;
  /** The longer window; the reference period is its part before `recent`. */
  outer: WindowName;
  windowMinutes: number;
  recentMinutes: number;
  referenceMinutes: number;
  /**
   * The part of the reference period the store has history for: all of it, except within a day of a start
   * (or of an archive's first post), when the period reaches back before the first post. Rates are taken
   * over this part only, so an empty stretch before the start does not pass for a quiet one.
   */
  coveredMinutes: number;
  /**
   * True when the window is the recent part (15m, 1h, 6h); false when it is recent + reference (24h). The
   * view path counts only those two periods, so a window must be one or the other.
   */
  windowIsRecent: boolean;
}

export function risingPlan(window: WindowName): RisingPlan {
  const { recent, outer } = RISING.basis[window];
  const recentMinutes = WINDOWS[recent];
  const referenceMinutes = WINDOWS[outer] - recentMinutes;
  const windowMinutes = WINDOWS[window];
  const windowIsRecent = windowMinutes === recentMinutes;
  if (!windowIsRecent && windowMinutes !== recentMinutes + referenceMinutes) {
    throw new Error(`window ${window} is neither its rising recent period nor recent + reference`);
  }
  return { window, recent, outer, windowMinutes, recentMinutes, referenceMinutes, coveredMinutes: referenceMinutes, windowIsRecent };
}

/**
 * The plan of periods counted from whole buckets (tiers.ts), ending in `endMinute`: the recent period counted
 * from `splitMinute` and the reference period from `fromMinute` (each its asked start rounded back to a
 * bucket's). The rates are taken over the minutes the periods really span, and the reference only from the
 * first minute with a post on (`firstPostMinute`; null: none), so an empty stretch before a start does not
 * pass for a quiet one. `firstPostMinute` is the store's first post however long ago: the buckets may reach
 * back before the day.
 */
export function countedPlan(
  plan: RisingPlan,
  endMinute: number,
  fromMinute: number,
  splitMinute: number,
  firstPostMinute: number | null,
): RisingPlan {
  const recentMinutes = endMinute - splitMinute + 1;
  const referenceMinutes = splitMinute - fromMinute;
  const coveredFrom = firstPostMinute === null ? splitMinute : Math.max(fromMinute, firstPostMinute);
  return { ...plan, recentMinutes, referenceMinutes, coveredMinutes: Math.min(referenceMinutes, Math.max(0, splitMinute - coveredFrom)) };
}

export interface RisingScore {
  /** What the reference rate predicts for the recent window. */
  expected: number;
  score: number;
}

/**
 * expected = reference x recent length / covered reference length; score = (recent - expected) /
 * sqrt(expected + 1). With no reference history at all there is nothing to compare with: expected and
 * score are 0, and nothing is rising (`isRising`).
 */
export function risingScore(recentCount: number, referenceCount: number, plan: RisingPlan): RisingScore {
  if (plan.coveredMinutes === 0) return { expected: 0, score: 0 };
  const expected = (referenceCount * plan.recentMinutes) / plan.coveredMinutes;
  return { expected, score: (recentCount - expected) / Math.sqrt(expected + 1) };
}

/** Whether a tag may be listed under `sort=rising`. */
export function isRising(recentCount: number, score: number, plan: RisingPlan): boolean {
  return plan.coveredMinutes > 0 && recentCount >= RISING.minCount && score > 0;
}
