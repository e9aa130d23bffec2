/**
 * Web Mercator tiles as every slippy map numbers them (at level L the world is 2^L x 2^L tiles, x from the
 * antimeridian eastward, y from the north): the server counts posts per tile (map-server/src/core/tiles.ts)
 * and the page draws those tiles back (the density layer). Latitudes beyond Web Mercator's +-85.05 degrees
 * fall in the top or bottom row. Pure arithmetic.
 */

/** Web Mercator's northern edge: the latitude where y is 0. */
export const MAX_MERCATOR_LAT = 85.0511287798066;

/** The tile column at `level` of a longitude (-180..180). */
export function tileX(lon: number, level: number): number {
  const n = 2 ** level;
  return Math.min(n - 1, Math.max(0, Math.floor(((lon + 180) / 360) * n)));
}

/** The tile row at `level` of a latitude (-90..90; beyond Web Mercator's edge, the edge row). */
export function tileY(lat: number, level: number): number {
  const n = 2 ** level;
  const clamped = Math.min(MAX_MERCATOR_LAT, Math.max(-MAX_MERCATOR_LAT, lat));
  const sin = Math.sin((clamped * Math.PI) / 180);
  const y = (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * n;
  return Math.min(n - 1, Math.max(0, Math.floor(y)));
}

/** The latitude of a tile row's northern edge (`y` may be 2^level: the southern edge of the last row). */
export function tileLat(y: number, level: number): number {
  const k = Math.PI * (1 - (2 * y) / 2 ** level);
  return (Math.atan(Math.sinh(k)) * 180) / Math.PI;
}

/** The longitude of a tile column's western edge (`x` may be 2^level: 180). */
export function tileLon(x: number, level: number): number {
  return (x / 2 ** level) * 360 - 180;
}

/** A tile that holds a point, as [south, west, north, east] in degrees. */
export function tileBoundsAt(lat: number, lon: number, level: number): [number, number, number, number] {
  const x = tileX(lon, level);
  const y = tileY(lat, level);
  return [tileLat(y + 1, level), tileLon(x, level), tileLat(y, level), tileLon(x + 1, level)];
}
