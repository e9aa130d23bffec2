/**
 * Bounding boxes on a world that wraps around in longitude. Shared by the server (which answers for a box)
 * and the frontend (which turns a map's bounds into the box the API takes).
 *
 * A box is [west, south, east, north] in degrees. West > east means the box crosses the antimeridian
 * (170, -10, -170, 10 is the 20 degrees around 180). A map zoomed far out reports unwrapped longitudes such
 * as -250..250; `normalizeBbox` folds those back. `parseBbox` reads one written as text, for the API's
 * `bbox=` and the producer's `--bbox`.
 */
import type { Bbox } from './api';
import { modulo } from './modulo';

/** A stretch of longitude, west <= east, both within [-180, 180]. */
export type LonSpan = readonly [west: number, east: number];

/** A box as spans of longitude (one, or two across the antimeridian) and a range of latitude. */
export interface BboxSpans {
  lons: readonly LonSpan[];
  south: number;
  north: number;
}

/** Brings a longitude into [-180, 180]; values already there are kept as they are (180 stays 180). */
export function wrapLon(lon: number): number {
  if (lon >= -180 && lon <= 180) return lon;
  return modulo(lon + 180, 360) - 180;
}

/**
 * The box as longitude spans: the whole world when it spans 360 degrees or more, two spans when it crosses
 * the antimeridian. Latitudes are clamped to [-90, 90].
 */
export function bboxSpans([west, south, east, north]: Bbox): BboxSpans {
  const lat = (value: number) => Math.min(90, Math.max(-90, value));
  const range = { south: lat(south), north: lat(north) };
  if (west <= east && east - west >= 360) return { lons: [[-180, 180]], ...range };
  const w = wrapLon(west);
  const e = wrapLon(east);
  return {
    lons:
      w <= e
        ? [[w, e]]
        : [
            [w, 180],
            [-180, e],
          ],
    ...range,
  };
}

/** Whether a point lies in the box (edges included). */
export function spansContain(spans: BboxSpans, lat: number, lon: number): boolean {
  if (lat < spans.south || lat > spans.north) return false;
  return spans.lons.some(([west, east]) => lon >= west && lon <= east);
}

/**
 * The box the API takes for a map's bounds: longitudes within [-180, 180] (crossing the antimeridian as
 * west > east), the whole world as -180..180 when the view spans it, latitudes clamped to [-90, 90]. A box
 * that only touches the antimeridian does not cross it: an edge on it is put on the box's own side (a west
 * edge at 180 is -180, an east edge at -180 is 180).
 */
export function normalizeBbox(bbox: Bbox): Bbox {
  const { lons, south, north } = bboxSpans(bbox);
  const west = lons[0][0];
  const east = lons[lons.length - 1][1];
  if (west > east && west === 180) return [-180, south, east, north];
  if (west > east && east === -180) return [west, south, 180, north];
  return [west, south, east, north];
}

/** Why a text is not a box: the message says what is wrong, naming the API's parameter `bbox`, not the text. */
export class BboxError extends Error {
  override readonly name = 'BboxError';
}

/** A plain decimal number: what `Number` reads, minus the empty string, hex, `Infinity` and friends. */
const DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/**
 * `west,south,east,north` in degrees, as the API's `bbox=` takes it: four finite numbers (spaces around them
 * allowed); latitudes from -90 to 90 with south <= north; longitudes from -180 to 180, where west > east
 * means the box crosses the antimeridian. Throws a `BboxError` for anything else.
 */
export function parseBbox(raw: string): Bbox {
  const parts = raw.split(',').map((part) => part.trim());
  const numbers = parts.map(Number);
  if (parts.length !== 4 || !parts.every((part) => DECIMAL.test(part)) || !numbers.every(Number.isFinite)) {
    throw new BboxError('bbox must be four comma-separated numbers west,south,east,north (degrees)');
  }
  const [west, south, east, north] = numbers;
  if (![south, north].every((lat) => lat >= -90 && lat <= 90)) {
    throw new BboxError('bbox south and north must be latitudes from -90 to 90');
  }
  if (south > north) throw new BboxError('bbox south must not be above north');
  if (![west, east].every((lon) => lon >= -180 && lon <= 180)) {
    throw new BboxError('bbox west and east must be longitudes from -180 to 180 (west > east crosses the antimeridian)');
  }
  return [west, south, east, north];
}
