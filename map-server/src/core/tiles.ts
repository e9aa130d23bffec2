/**
 * Web Mercator tiles, the cells the tile counts are kept in (`TileCounts`): at level L the world is 2^L x
 * 2^L square tiles, as on every slippy map, numbered x from the antimeridian eastward and y from the north.
 *
 * Why tiles (measured against H3 and a latitude/longitude grid; docs/ARCHITECTURE.md, "Tile counts"):
 * - They nest exactly: a tile is exactly its four children, so a coarse level counts the same posts as the
 *   finer ones it is made of.
 * - A post's tile at every level is one projection and shifts (about 0.1 us); H3 took 3-6 us per post for
 *   the same levels, and covering Europe at its finest resolution took 4M cells and seconds.
 * - At map zoom Z a tile of level Z + 1 is 128 px and one of level Z + 2 is 64 px at every latitude: the
 *   label grid stays the same size on screen wherever the map looks.
 * Latitudes beyond Web Mercator's +-85.05 degrees fall in the top or bottom row. Pure arithmetic.
 */
import type { Bbox } from '../../../common/browser/api';
import { bboxSpans } from '../../../common/browser/bbox';
import { MAX_MERCATOR_LAT, tileLat, tileLon, tileX, tileY } from '../../../common/browser/web-mercator';

export { MAX_MERCATOR_LAT, tileLat, tileLon, tileX, tileY };

/** The levels counts are kept at: every other zoom, from continents (z2) to cities (z12, about 10 km). */
export const TILE_LEVELS = [2, 4, 6, 8, 10, 12] as const;
export type TileLevel = (typeof TILE_LEVELS)[number];
export const FINEST_LEVEL = 12;

/** A tile's number at its level: y * 2^level + x, below 2^24 at level 12. */
export function tileIndex(level: number, x: number, y: number): number {
  return y * 2 ** level + x;
}

/** The tile of `index` at `level` (its x and y). */
export function tileXY(level: number, index: number): { x: number; y: number } {
  const n = 2 ** level;
  return { x: index % n, y: Math.floor(index / n) };
}

/** The tiles a box touches at one level: its rows, and one or two runs of columns (two across the antimeridian). */
export interface TileRange {
  level: number;
  y0: number;
  y1: number;
  xs: readonly (readonly [x0: number, x1: number])[];
}

/** The tiles at `level` that a box touches, edges included: rounded outward to whole tiles. */
export function tileRange(bbox: Bbox, level: number): TileRange {
  const { lons, south, north } = bboxSpans(bbox);
  let xs = lons.map(([west, east]) => [tileX(west, level), tileX(east, level)] as const);
  // Across the antimeridian both halves may meet in one column: that is every column.
  if (xs.length === 2 && xs[1][1] >= xs[0][0] - 1) xs = [[0, 2 ** level - 1]];
  return { level, y0: tileY(north, level), y1: tileY(south, level), xs };
}

/** Whether `range` holds the tile `index` at its level. */
export function rangeHolds(range: TileRange, index: number): boolean {
  const { x, y } = tileXY(range.level, index);
  return y >= range.y0 && y <= range.y1 && range.xs.some(([x0, x1]) => x >= x0 && x <= x1);
}

/**
 * The level whose tiles the labels of map zoom `zoom` are counted in: the first kept level at least one
 * finer than the zoom's whole part, so a label's tile is 64 to 128 px on screen at a whole zoom and up to
 * 256 px between two (coarser past level 12).
 */
export function labelLevel(zoom: number): TileLevel {
  const wanted = Math.floor(zoom) + 1;
  return TILE_LEVELS.find((level) => level >= wanted) ?? FINEST_LEVEL;
}

/**
 * A box's tiles at one level, as a cover takes them: the tiles of the rectangle x0..x1, y0..y1 that are not
 * in `hole` (the tiles a coarser level of the cover already holds, at this level's numbering), or null.
 */
export interface CoverPart {
  level: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  hole: { x0: number; x1: number; y0: number; y1: number } | null;
}

/**
 * The tiles that add up to a box, each post of it counted once: the box rounded outward to whole tiles at
 * `FINEST_LEVEL` (as `tileRange`), taken at the coarsest level whose tiles fit inside it, and finer levels
 * only along its edges. A country-sized box is a few coarse tiles and a frame of fine ones; a query reads
 * the box's edge at the finest level and its inside at the coarsest, not every fine tile of it.
 */
export function boxCover(bbox: Bbox): CoverPart[] {
  const fine = tileRange(bbox, FINEST_LEVEL);
  const parts: CoverPart[] = [];
  for (const [fx0, fx1] of fine.xs) {
    // The tiles of the previous (coarser) level taken, at the finest level's numbering: a rectangle, or none.
    let taken: { x0: number; x1: number; y0: number; y1: number } | null = null;
    for (const level of TILE_LEVELS) {
      const scale = 2 ** (FINEST_LEVEL - level);
      // The tiles wholly inside the finest range at this level (at the finest level: all of it).
      const x0 = Math.ceil(fx0 / scale);
      const x1 = Math.floor((fx1 + 1) / scale) - 1;
      const y0 = Math.ceil(fine.y0 / scale);
      const y1 = Math.floor((fine.y1 + 1) / scale) - 1;
      if (x0 > x1 || y0 > y1) continue;
      const hole: CoverPart['hole'] =
        taken === null ? null : { x0: taken.x0 / scale, x1: (taken.x1 + 1) / scale - 1, y0: taken.y0 / scale, y1: (taken.y1 + 1) / scale - 1 };
      // A level whose tiles inside the box are all in the coarser part adds nothing: reading it would walk
      // every row of its blocks for no tile (the whole world's box, at every level but the coarsest).
      if (hole !== null && hole.x0 === x0 && hole.x1 === x1 && hole.y0 === y0 && hole.y1 === y1) continue;
      parts.push({ level, x0, x1, y0, y1, hole });
      taken = { x0: x0 * scale, x1: (x1 + 1) * scale - 1, y0: y0 * scale, y1: (y1 + 1) * scale - 1 };
    }
  }
  return parts;
}

/** Whether the part holds tile (`x`, `y`) of its level. */
export function partHolds(part: CoverPart, x: number, y: number): boolean {
  if (x < part.x0 || x > part.x1 || y < part.y0 || y > part.y1) return false;
  const hole = part.hole;
  return hole === null || x < hole.x0 || x > hole.x1 || y < hole.y0 || y > hole.y1;
}
