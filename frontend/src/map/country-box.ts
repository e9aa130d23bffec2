/**
 * The box to fit the map to for a country: its main land and what lies near it, not every far island.
 * France without French Guiana (7,000 km away, which would make a fit of France a fit of the Atlantic);
 * Russia from Kaliningrad to Chukotka as one box across the antimeridian, not the width of the world.
 * Pure, on the country's GeoJSON polygons, so it is unit-tested in Node on the real borders.
 */
import type { Geometry, Position } from 'geojson';
import { unwrapRing } from '../../../common/browser/unwrap-ring';
import { boxGap, homeCopy, joinBoxes, nearestCopy, type GeoBox } from './geo-box';

/**
 * A part this close (degrees, east-west or north-south) to the parts taken is taken too: Corsica, Crete,
 * Sakhalin, Canada's Arctic islands, and Alaska (5.3° from the lower 48 across British Columbia; Hawaii is
 * then 3° south of that box). French Guiana (50° from France) is not.
 */
export const NEAR_DEG = 6;

/** A part at least this share of the largest one's area is a main part wherever it lies (Borneo, Sumatra, New Guinea). */
export const MAJOR_SHARE = 0.25;

interface Part {
  box: GeoBox;
  /** Relative area: square degrees narrowed by cos(latitude), enough to compare parts of one country. */
  area: number;
}

/** A geometry's polygons (each an outer ring and holes); none for points or lines. */
export function polygonsOf(geometry: Geometry | null): Position[][][] {
  if (geometry === null) return [];
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates;
  return [];
}

/**
 * The country's box from its polygons (from one or several features), on the copy of the world where it
 * mostly lies, or null without any. Starts from the largest part and adds, until none is left to add, every
 * part that is near the box so far (taken on its nearest copy of the world) or a major part.
 */
export function countryBox(polygons: readonly Position[][][]): GeoBox | null {
  const parts = polygons.map(partOf).filter((part): part is Part => part !== null);
  if (parts.length === 0) return null;
  parts.sort((a, b) => b.area - a.area);
  let box = parts[0].box;
  const rest = parts.slice(1);
  for (let added = true; added;) {
    added = false;
    for (let i = 0; i < rest.length; i++) {
      const near = nearestCopy(rest[i].box, box);
      if (boxGap(near, box) > NEAR_DEG && rest[i].area < MAJOR_SHARE * parts[0].area) continue;
      box = joinBoxes(box, near);
      rest.splice(i--, 1);
      added = true;
    }
  }
  return homeCopy(box);
}

/** A polygon's box and area from its outer ring, made continuous across the antimeridian first. */
function partOf(polygon: Position[][]): Part | null {
  const outer = polygon[0];
  if (!outer || outer.length < 3) return null;
  // A ring around a pole (Antarctica) is not continuous whatever is done: it spans every longitude.
  const { ring, offset } = unwrapRing(outer);
  let west = Infinity;
  let east = -Infinity;
  let south = Infinity;
  let north = -Infinity;
  let twiceArea = 0;
  for (let i = 0; i < ring.length; i++) {
    const [lon, lat] = ring[i];
    west = Math.min(west, lon);
    east = Math.max(east, lon);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
    const [nextLon, nextLat] = ring[(i + 1) % ring.length];
    twiceArea += lon * nextLat - nextLon * lat;
  }
  if (offset !== 0) return { box: { west: -180, south, east: 180, north }, area: Infinity };
  const midLat = ((south + north) / 2) * (Math.PI / 180);
  return { box: { west, south, east, north }, area: (Math.abs(twiceArea) / 2) * Math.cos(midLat) };
}
