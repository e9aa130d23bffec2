/**
 * Polygon rings of world-atlas are drawn for a sphere: a few (Russia, Fiji) step from 180° to -180° in the
 * middle, and Antarctica's goes around the pole. On a flat map or plane each such step is a line across the
 * whole world. Shared by the producer's country lookup and the frontend's border layer, which each finish
 * the job their own way (see `planarPolygons`, `unwrapAntimeridian`).
 */
import type { Position } from 'geojson';

/** A ring made continuous in longitude, and how far its end landed from its start. */
export interface UnwrappedRing {
  ring: Position[];
  /** Degrees: 0 for a ring that closes, ±360 for one that goes once around a pole. */
  offset: number;
}

/**
 * Takes every step of more than 180° in longitude as a crossing of the antimeridian and shifts the rest of
 * the ring by 360° to follow it, so that consecutive points are never more than 180° apart.
 */
export function unwrapRing(ring: readonly Position[]): UnwrappedRing {
  const out: Position[] = [];
  let offset = 0;
  for (let i = 0; i < ring.length; i++) {
    if (i > 0) {
      const step = ring[i][0] - ring[i - 1][0];
      if (step > 180) offset -= 360;
      else if (step < -180) offset += 360;
    }
    out.push([ring[i][0] + offset, ring[i][1]]);
  }
  return { ring: out, offset };
}
