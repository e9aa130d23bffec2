/**
 * Boxes in degrees on a map that is cut at the antimeridian, and their unions. A box may reach past ±180°
 * (Russia's runs to 190°, Fiji's to 180.2°): Leaflet draws such longitudes beside the world rather than
 * across it, so a box that crosses the antimeridian is one narrow box, not two halves at the map's edges.
 * Pure, without Leaflet, so it is unit-tested in Node.
 */

/** A box in degrees, `west <= east`; the longitudes may lie beyond ±180 (see above). */
export interface GeoBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** How far east and west a box may be placed: the map's `maxBounds` (this app's: ±200°). */
export interface LonLimits {
  west: number;
  east: number;
}

/** The world as one copy, for a map without wider bounds. */
export const WORLD_LIMITS: LonLimits = { west: -180, east: 180 };

/** `box` moved by `shift` degrees of longitude (a multiple of 360 puts it on another copy of the world). */
export function shiftBox(box: GeoBox, shift: number): GeoBox {
  return shift === 0 ? box : { ...box, west: box.west + shift, east: box.east + shift };
}

/** The smallest box holding both. */
export function joinBoxes(a: GeoBox, b: GeoBox): GeoBox {
  return { west: Math.min(a.west, b.west), south: Math.min(a.south, b.south), east: Math.max(a.east, b.east), north: Math.max(a.north, b.north) };
}

/**
 * The gap between two boxes in degrees (0 when they touch or overlap), the larger of the east-west and the
 * north-south gaps. Longitudes as given: use `nearestCopy` first to measure across the antimeridian.
 */
export function boxGap(a: GeoBox, b: GeoBox): number {
  const lonGap = Math.max(0, b.west - a.east, a.west - b.east);
  const latGap = Math.max(0, b.south - a.north, a.south - b.north);
  return Math.max(lonGap, latGap);
}

/** `box` on the copy of the world (shifted by -360, 0 or 360) nearest to `to`: Fiji's eastern island beside its western one. */
export function nearestCopy(box: GeoBox, to: GeoBox): GeoBox {
  let best = box;
  for (const shift of [-360, 360]) {
    const shifted = shiftBox(box, shift);
    if (boxGap(shifted, to) < boxGap(best, to)) best = shifted;
  }
  return best;
}

/**
 * `box` on the copy of the world where least of it lies outside [-180, 180]: Russia stays at 27°..190°
 * (10° outside) rather than at -333°..-170°.
 */
export function homeCopy(box: GeoBox): GeoBox {
  const outside = (b: GeoBox) => Math.max(0, -180 - b.west) + Math.max(0, b.east - 180);
  let best = box;
  for (const shift of [-360, 360]) {
    const shifted = shiftBox(box, shift);
    if (outside(shifted) < outside(best)) best = shifted;
  }
  return best;
}

/**
 * The narrowest box holding all of `boxes` that the map can show within `limits`, or null for none.
 *
 * Every box may be taken on another copy of the world, so the union is an arc of the circle of longitudes:
 * starting it at each box's west edge in turn and taking the others at or east of it finds the narrowest
 * (n² for n boxes; a union is of at most a few dozen). An arc that no copy fits within `limits` (Japan and
 * the USA: 164° across the Pacific, but it would run past 200°) is not drawable on this one-copy map; the
 * boxes where they are then are, as the map shows them.
 */
export function unionBox(boxes: readonly GeoBox[], limits: LonLimits = WORLD_LIMITS): GeoBox | null {
  if (boxes.length === 0) return null;
  let best = boxes.reduce(joinBoxes);
  for (const start of boxes) {
    let arc = start;
    for (const box of boxes) {
      // Shifted to start at or east of `start`, and less than a turn from it.
      const turns = Math.floor((box.west - start.west) / 360);
      arc = joinBoxes(arc, shiftBox(box, -360 * turns));
    }
    const placed = homeCopy(arc);
    if (placed.west >= limits.west && placed.east <= limits.east && placed.east - placed.west < best.east - best.west) best = placed;
  }
  return best;
}
