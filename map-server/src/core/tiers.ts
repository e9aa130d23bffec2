/**
 * The time buckets every count is kept in, by age, as a monitoring system keeps its samples: minutes for the
 * newest hour, 10 minutes to 6 h, hours to 24 h. The region windows (window-store.ts) and the tile counts
 * (tile-counts.ts) file each minute alike, so a region and a box over the same window read the same minutes.
 *
 * A minute is in exactly one bucket. Buckets sit on their tier's grid (a 10-minute bucket starts on a
 * multiple of 10, an hour bucket on a multiple of 60), and a group of buckets moves to the coarser tier at
 * once, when all of it is older than its tier: so the minute tier reaches back between 60 and 69 minutes,
 * the 10-minute tier between 6 h and 6 h 59. A window is answered from whole buckets: up to 1 h it is exact
 * to the minute, at 6 h its start is rounded back to 10 minutes, at 24 h to the hour. Pure arithmetic on
 * minute numbers (`floor(ms / 60_000)`).
 */
import { modulo } from '../../../common/browser/modulo';
import { WINDOWS, type WindowName } from '../../../common/browser/windows';

/** Minutes the minute buckets reach back at least (the newest hour). */
export const MINUTE_TIER = 60;
/** Minutes the 10-minute buckets reach back at least. */
export const TEN_MINUTE_TIER = 360;
/** How far back posts are counted, in minutes: the largest window. */
export const HORIZON_MINUTES = Math.max(...Object.values(WINDOWS));

/** Where a minute is filed: its tier (0 minutes, 1 ten minutes, 2 hours), and its bucket's start and length. */
export interface Place {
  tier: 0 | 1 | 2;
  start: number;
  minutes: 1 | 10 | 60;
}

/** Where `minute` is filed while the newest minute is `newest`, by its age. */
export function placeOf(minute: number, newest: number): Place {
  const ten = minute - modulo(minute, 10);
  const hour = minute - modulo(minute, 60);
  if (ten + 9 > newest - MINUTE_TIER) return { tier: 0, start: minute, minutes: 1 };
  if (hour + 59 > newest - TEN_MINUTE_TIER) return { tier: 1, start: ten, minutes: 10 };
  return { tier: 2, start: hour, minutes: 60 };
}

/**
 * Whether the bucket starting at `start` has fallen out of the horizon ending at `newest`: by whole hours, as
 * the hour bucket it would roll into, so a jump forward drops what advancing minute by minute would.
 */
export function isDropped(start: number, newest: number): boolean {
  return start - modulo(start, 60) + 59 < newest - HORIZON_MINUTES + 1;
}

/** The tier a bucket of `minutes` rolls into, and when: the group's length and the age its tier keeps (null: the last tier). */
export const ROLL_UPS = [
  { size: 10, reach: MINUTE_TIER },
  { size: 60, reach: TEN_MINUTE_TIER },
] as const;

/** Whether a bucket starting at `start` must roll into its `size`-minute group, the newest minute being `newest`. */
export function rollsUp(start: number, size: number, reach: number, newest: number): boolean {
  return start - modulo(start, size) + size - 1 <= newest - reach;
}

/** The bucket length a live window's start is rounded to (`resolution` in the answers): its oldest tier's. */
export function resolutionOf(window: WindowName): '1m' | '10m' | '1h' {
  const minutes = WINDOWS[window];
  return minutes <= MINUTE_TIER ? '1m' : minutes <= TEN_MINUTE_TIER ? '10m' : '1h';
}
