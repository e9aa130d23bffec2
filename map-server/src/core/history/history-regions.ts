/**
 * The regions history keeps: the world, each country, and coarse cells (Web Mercator tiles of level
 * `CELL_LEVEL`, about 625 km at the equator) for boxes on the map and labels. A post counts once in each of
 * its regions: the world, its country (none at sea) and its cell. A box is answered from the cells it
 * touches, rounded outward to whole cells (the answer says the box counted). Pure arithmetic.
 */
import { WORLD, type Bbox } from '../../../../common/browser/api';
import { hashId } from '../seen-ids';
import { tileLat, tileLon, tileRange, tileX, tileY } from '../tiles';

/** The tile level of history's cells: the level the world and continent views' labels are counted at. */
export const CELL_LEVEL = 6;

/** Cells a side at `CELL_LEVEL`. */
const CELLS_A_SIDE = 2 ** CELL_LEVEL;

/**
 * Every cell's name, made once when first asked (4,096 short strings): a post names its cell, and the same
 * string each time is not built again, and hashes and compares at once as a Map key (issue 14).
 */
const cellNames: (string | undefined)[] = new Array<string | undefined>(CELLS_A_SIDE * CELLS_A_SIDE);

/** A cell's region name: `c6/x/y`. */
export function cellRegion(x: number, y: number): string {
  const inside = Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < CELLS_A_SIDE && y < CELLS_A_SIDE;
  if (!inside) return `c${CELL_LEVEL}/${x}/${y}`;
  return (cellNames[y * CELLS_A_SIDE + x] ??= `c${CELL_LEVEL}/${x}/${y}`);
}

/** The regions a post at (`lat`, `lon`) in country `cc` (null: none) counts in. */
export function regionsOf(cc: string | null, lat: number, lon: number): string[] {
  const cell = cellRegion(tileX(lon, CELL_LEVEL), tileY(lat, CELL_LEVEL));
  return cc === null ? [WORLD, cell] : [WORLD, cc, cell];
}

/** The cells a box touches (its rounding outward to whole cells). */
export function cellsOf(bbox: Bbox): string[] {
  const range = tileRange(bbox, CELL_LEVEL);
  const cells: string[] = [];
  for (let y = range.y0; y <= range.y1; y += 1) for (const [x0, x1] of range.xs) for (let x = x0; x <= x1; x += 1) cells.push(cellRegion(x, y));
  return cells;
}

/** The box the cells a box touches cover: west, south, east, north in degrees (crossing the antimeridian as the box does). */
export function cellsBox(bbox: Bbox): Bbox {
  const range = tileRange(bbox, CELL_LEVEL);
  const west = tileLon(range.xs[0][0], CELL_LEVEL);
  const east = tileLon(range.xs[range.xs.length - 1][1] + 1, CELL_LEVEL);
  return [west, tileLat(range.y1 + 1, CELL_LEVEL), east === 180 && west === -180 ? 180 : east, tileLat(range.y0, CELL_LEVEL)];
}

/** Whether a region name is a cell's. */
export function isCell(region: string): boolean {
  return region.startsWith('c');
}

/**
 * Which regions of its buckets a query reads, so that a bucket on disk is read only there
 * (hour-summary.ts `readRegions`): `key` names the choice (what a cache keeps it under), `has` tests a region.
 */
export interface RegionPick {
  readonly key: string;
  has(region: string): boolean;
}

/** Longest a pick's key is written out; past it (a box of many cells), a hash of it. */
const MAX_KEY = 120;

/** The pick of the regions named. */
export function pickRegions(names: readonly string[]): RegionPick {
  const set = new Set(names);
  const key = names.join(',');
  return { key: key.length <= MAX_KEY ? key : `${names.length}#${hashId(key).toString(36)}`, has: (region) => set.has(region) };
}
