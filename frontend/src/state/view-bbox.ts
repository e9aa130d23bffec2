/**
 * The map's viewport as the contract's bbox: `[west, south, east, north]`, longitudes in [-180, 180],
 * latitudes in [-90, 90], west > east when the view crosses the antimeridian. Leaflet reports longitudes
 * beyond ±180 when the view reaches past the edge of the world (this map allows 20° of slack), so they are
 * wrapped; a view wider than the whole world becomes the whole world.
 */
import type { Bbox } from '../../../common/src/api';
import { wrapLon } from '../../../common/src/bbox';

/** Decimal places kept (about 10 m), rounded outwards so the bbox always covers the whole view. */
const SCALE = 1e4;

export function viewBbox(west: number, south: number, east: number, north: number): Bbox {
  const s = Math.max(-90, Math.floor(Math.min(south, north) * SCALE) / SCALE);
  const n = Math.min(90, Math.ceil(Math.max(south, north) * SCALE) / SCALE);
  if (!(east > west) || east - west >= 360) return [-180, s, 180, n];
  let w = Math.max(-180, Math.floor(wrapLon(west) * SCALE) / SCALE);
  let e = Math.min(180, Math.ceil(wrapLon(east) * SCALE) / SCALE);
  // An edge exactly on the antimeridian: wrapping may put it on the wrong side (west 180, east -180).
  if (w === 180) w = -180;
  if (e === -180) e = 180;
  return [w, s, e, n];
}

/** True when two bboxes are the same (after the rounding above, equal views give equal numbers). */
export function sameBbox(a: Bbox | null, b: Bbox | null): boolean {
  if (a === null || b === null) return a === b;
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}
