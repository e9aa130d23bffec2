/**
 * Which borders the border layer draws at a zoom, and whether it should start loading the fine ones: the
 * layer's rules in one pure function, so they can be tested without a map.
 *
 * - Below `fineFromZoom`, 1:110m, and nothing is loaded.
 * - From `fineFromZoom` on, 1:50m once it is there; until then (loading, or after a failed load) 1:110m
 *   stays. A load starts when none is under way and the file is not there yet: the first time the map gets
 *   there, and again on a later zoom after a failure.
 */
import type { BorderDetail } from './load-countries';

/** Where the fine (1:50m) borders are: not loaded (never, or the last load failed), on their way, or there. */
export type FineBorders = 'absent' | 'loading' | 'ready';

export interface BorderPlan {
  /** The detail to draw. */
  draw: BorderDetail;
  /** Whether to start loading the fine borders now. */
  load: boolean;
}

/** What to draw at `zoom` and whether to load, given where the fine borders are. */
export function borderDetail(zoom: number, fineFromZoom: number, fine: FineBorders): BorderPlan {
  const wanted = zoom >= fineFromZoom;
  return { draw: wanted && fine === 'ready' ? '50m' : '110m', load: wanted && fine === 'absent' };
}
