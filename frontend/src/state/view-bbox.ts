/**
 * The map's viewport as the contract's bbox: `[west, south, east, north]`, longitudes in [-180, 180],
 * latitudes in [-90, 90], west > east when the view crosses the antimeridian. Leaflet reports longitudes
 * beyond ±180 when the view reaches past the edge of the world (this map allows 20° of slack); the folding
 * is `normalizeBbox`'s, and a view wider than the whole world becomes the whole world.
 */
import type { Bbox } from '../../../common/browser/api';
import { normalizeBbox } from '../../../common/browser/bbox';

/** Decimal places kept (about 10 m), rounded outwards so the bbox always covers the whole view. */
const SCALE = 1e4;

export function viewBbox(west: number, south: number, east: number, north: number): Bbox {
  const low = Math.min(south, north);
  const high = Math.max(south, north);
  // Leaflet's bounds run west to east; a view without width (or with NaN) is taken as the whole world.
  const [w, s, e, n] = normalizeBbox(east > west ? [west, low, east, high] : [-180, low, 180, high]);
  return [Math.floor(w * SCALE) / SCALE, Math.floor(s * SCALE) / SCALE, Math.ceil(e * SCALE) / SCALE, Math.ceil(n * SCALE) / SCALE];
}

/** True when two bboxes are the same (after the rounding above, equal views give equal numbers). */
export function sameBbox(a: Bbox | null, b: Bbox | null): boolean {
  if (a === null || b === null) return a === b;
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}
