import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boxOf, unwrappedBox } from '../../../test/bbox-arbitraries';
import type { Bbox } from '../../../common/browser/api';
import { bboxSpans, spansContain } from '../../../common/browser/bbox';
import {
  FINEST_LEVEL,
  MAX_MERCATOR_LAT,
  TILE_LEVELS,
  labelLevel,
  rangeHolds,
  tileIndex,
  tileLat,
  tileLon,
  tileRange,
  tileX,
  tileXY,
  tileY,
  type TileRange,
} from './tiles';

/** Any level the arithmetic takes, a little past the finest kept one. */
const level = fc.integer({ min: 0, max: FINEST_LEVEL + 2 });

/** The edge of a tile at some level, where one tile ends and the next begins. */
const edgeLon = fc.tuple(level, fc.nat()).map(([l, k]) => tileLon(k % (2 ** l + 1), l));
const edgeLat = fc.tuple(level, fc.nat()).map(([l, k]) => tileLat(k % (2 ** l + 1), l));
const lon = fc.oneof(fc.double({ min: -180, max: 180, noNaN: true }), edgeLon, fc.constantFrom(-180, 180, 0, 179.99999999, -179.99999999));
/** Latitudes everywhere, Web Mercator's rim and past it (the edge rows), and the poles. */
const lat = fc.oneof(
  fc.double({ min: -90, max: 90, noNaN: true }),
  edgeLat,
  fc.double({ min: MAX_MERCATOR_LAT - 1e-6, max: 90, noNaN: true }).chain((v) => fc.constantFrom(v, -v)),
  fc.constantFrom(-90, 90, 0, MAX_MERCATOR_LAT, -MAX_MERCATOR_LAT, 85.06, -85.06),
);

/**
 * A tile's edges as the tiles share the world out: its row and column edges, the top row reaching to the
 * north pole and the bottom row to the south pole (latitudes past Web Mercator's rim fall in them).
 */
function bounds(l: number, x: number, y: number) {
  const n = 2 ** l;
  return {
    west: tileLon(x, l),
    east: tileLon(x + 1, l),
    north: y === 0 ? 90 : tileLat(y, l),
    south: y === n - 1 ? -90 : tileLat(y + 1, l),
  };
}

/**
 * How far (degrees) a point on a tile's edge may be from the tile it is put in: tileY projects and tileLat
 * unprojects, and their roundings differ by a few units in the last place; tileX rounds lon + 180, so
 * -5e-324 is in the column east of 0 (1e-9 degrees is 0.1 mm).
 */
const ROUNDING = 1e-9;

/**
 * Any box the API takes, antimeridian crossings (west > east) included; unwrapped and too-wide ones (a map
 * zoomed far out); thin boxes around tile edges; the whole world and the polar caps.
 */
const box = fc.oneof(
  boxOf(lon, lat),
  boxOf(edgeLon, edgeLat),
  unwrappedBox(lat),
  fc.constantFrom<Bbox>(
    [-180, -90, 180, 90],
    [-180, 85.1, 180, 90],
    [-180, -90, 180, -85.1],
    [170, -10, -170, 10],
    [180, -5, -180, 5],
    [0, 90, 0, 90],
  ),
);

/** A point of `bbox` at fractions `f`, `g` of its height and longitude (both spans, across the antimeridian). */
function pointIn(bbox: Bbox, f: number, g: number): { lat: number; lon: number } {
  const { lons, south, north } = bboxSpans(bbox);
  const lat = Math.min(north, south + f * (north - south));
  const widths = lons.map(([w, e]) => e - w);
  let along = g * widths.reduce((a, b) => a + b, 0);
  for (const [w, e] of lons) {
    if (along <= e - w) return { lat, lon: Math.min(e, w + along) };
    along -= e - w;
  }
  return { lat, lon: lons[lons.length - 1][1] };
}
/** Fractions, the box's edges and corners (0 and 1) often among them. */
const fraction = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1));

describe('tiles', () => {
  it('puts every point in a tile whose edges hold it, at every level, poles, rim and antimeridian included', () => {
    fc.assert(
      fc.property(lat, lon, level, (lat, lon, l) => {
        const n = 2 ** l;
        const x = tileX(lon, l);
        const y = tileY(lat, l);
        expect(Number.isInteger(x) && x >= 0 && x < n).toBe(true);
        expect(Number.isInteger(y) && y >= 0 && y < n).toBe(true);
        const b = bounds(l, x, y);
        expect(lon).toBeGreaterThanOrEqual(b.west - ROUNDING);
        expect(lon).toBeLessThanOrEqual(b.east + ROUNDING);
        expect(lat).toBeGreaterThanOrEqual(b.south - ROUNDING);
        expect(lat).toBeLessThanOrEqual(b.north + ROUNDING);
      }),
      { numRuns: 2_000 },
    );
  });

  it('puts latitudes past Web Mercator’s rim in the edge rows, and -180 and 180 in the first and last columns', () => {
    for (const l of [0, 1, 2, 7, FINEST_LEVEL]) {
      const n = 2 ** l;
      for (const rim of [MAX_MERCATOR_LAT, 85.06, 89.999, 90]) {
        expect(tileY(rim, l)).toBe(0);
        expect(tileY(-rim, l)).toBe(n - 1);
      }
      expect(tileX(-180, l)).toBe(0);
      expect(tileX(180, l)).toBe(n - 1);
      expect(tileLat(0, l)).toBeCloseTo(MAX_MERCATOR_LAT, 9);
      expect(tileLat(n, l)).toBeCloseTo(-MAX_MERCATOR_LAT, 9);
      expect([tileLon(0, l), tileLon(n, l)]).toEqual([-180, 180]);
    }
    // Paris at level 12, as a slippy map numbers it (openstreetmap.org: 12/2074/1409).
    expect([tileX(2.3522, 12), tileY(48.8566, 12)]).toEqual([2074, 1409]);
  });

  it('makes a tile’s parent by shifts: the coarse tile of a point is its fine tile shifted, and edges nest', () => {
    fc.assert(
      fc.property(lat, lon, level, level, (lat, lon, a, b) => {
        const [coarse, fine] = a <= b ? [a, b] : [b, a];
        const shift = fine - coarse;
        expect(tileX(lon, coarse)).toBe(tileX(lon, fine) >>> shift);
        expect(tileY(lat, coarse)).toBe(tileY(lat, fine) >>> shift);
        const x = tileX(lon, coarse);
        const y = tileY(lat, coarse);
        expect(tileLon(x, coarse)).toBe(tileLon(x << shift, fine));
        expect(tileLat(y, coarse)).toBe(tileLat(y << shift, fine));
      }),
      { numRuns: 1_000 },
    );
  });

  it('numbers tiles one to one: tileXY undoes tileIndex, below 4^level', () => {
    fc.assert(
      fc.property(level, fc.nat(), fc.nat(), (l, i, j) => {
        const n = 2 ** l;
        const [x, y] = [i % n, j % n];
        const index = tileIndex(l, x, y);
        expect(index).toBeLessThan(4 ** l);
        expect(tileXY(l, index)).toEqual({ x, y });
      }),
    );
    expect(tileIndex(FINEST_LEVEL, 4095, 4095)).toBe(2 ** 24 - 1);
  });

  it('holds in tileRange the tile of every point of the box, across the antimeridian, at the poles and on edges', () => {
    fc.assert(
      fc.property(box, level, fc.array(fc.tuple(fraction, fraction), { minLength: 1, maxLength: 20 }), (bbox, l, at) => {
        const range = tileRange(bbox, l);
        const spans = bboxSpans(bbox);
        for (const [f, g] of at) {
          const p = pointIn(bbox, f, g);
          expect(spansContain(spans, p.lat, p.lon)).toBe(true);
          const index = tileIndex(l, tileX(p.lon, l), tileY(p.lat, l));
          expect(rangeHolds(range, index), `${p.lat},${p.lon}`).toBe(true);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('holds in tileRange only tiles that touch the box', () => {
    fc.assert(
      fc.property(box, level, (bbox, l) => {
        const range = tileRange(bbox, l);
        const { lons, south, north } = bboxSpans(bbox);
        const n = 2 ** l;
        expect(0 <= range.y0 && range.y0 <= range.y1 && range.y1 < n).toBe(true);
        // A tile touches the box when its row meets the box's latitudes and its column one of its spans.
        const rowTouches = (y: number) => {
          const b = bounds(l, 0, y);
          return b.south - ROUNDING <= north && b.north + ROUNDING >= south;
        };
        const columnTouches = (x: number) => {
          const b = bounds(l, x, 0);
          return lons.some(([w, e]) => b.west - ROUNDING <= e && b.east + ROUNDING >= w);
        };
        for (let y = range.y0; y <= range.y1; y += 1) if (!rowTouches(y)) expect.fail(`row ${y} does not touch the box`);
        for (const [x0, x1] of range.xs) {
          expect(0 <= x0 && x0 <= x1 && x1 < n).toBe(true);
          for (let x = x0; x <= x1; x += 1) if (!columnTouches(x)) expect.fail(`column ${x} does not touch the box`);
        }
        // And rangeHolds agrees with the rows and runs of columns, tile by tile (small levels only).
        if (l <= 5) {
          for (let index = 0; index < n * n; index += 1) {
            const { x, y } = tileXY(l, index);
            const inside = y >= range.y0 && y <= range.y1 && range.xs.some(([x0, x1]) => x >= x0 && x <= x1);
            if (rangeHolds(range, index) !== inside) expect.fail(`rangeHolds says ${!inside} for tile ${index}`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives across the antimeridian two runs of columns, or every column once they meet', () => {
    const columns = (range: TileRange) => range.xs.map(([a, b]) => [a, b]);
    expect(columns(tileRange([170, -10, -170, 10], 2))).toEqual([
      [3, 3],
      [0, 0],
    ]);
    expect(columns(tileRange([170, -10, -170, 10], 4))).toEqual([
      [15, 15],
      [0, 0],
    ]);
    expect(columns(tileRange([10, -10, 9.9, 10], 4))).toEqual([[0, 15]]);
    expect(columns(tileRange([-100, -10, -104, 10], 6))).toEqual([[0, 63]]);
    expect(columns(tileRange([-180, -90, 180, 90], 12))).toEqual([[0, 4095]]);
    expect(columns(tileRange([-250, -90, 250, 90], 6))).toEqual([[0, 63]]);
    const poles = tileRange([-180, 86, 180, 90], 8);
    expect([poles.y0, poles.y1]).toEqual([0, 0]);
  });

  it('labels zoom Z with the first kept level at least Z + 1: 64 to 128 px tiles, coarser past level 12', () => {
    const expected = [2, 2, 4, 4, 6, 6, 8, 8, 10, 10, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12];
    expect(Array.from({ length: 21 }, (_, zoom) => labelLevel(zoom))).toEqual(expected);
    for (let zoom = 0; zoom <= 11; zoom += 1) {
      const px = 256 * 2 ** (zoom - labelLevel(zoom));
      expect(px === 64 || px === 128, `zoom ${zoom}: ${px} px`).toBe(true);
    }
    fc.assert(
      fc.property(fc.double({ min: 0, max: 22, noNaN: true }), fc.double({ min: 0, max: 22, noNaN: true }), (a, b) => {
        expect(TILE_LEVELS).toContain(labelLevel(a));
        expect(labelLevel(a)).toBe(labelLevel(Math.floor(a)));
        if (a <= b) expect(labelLevel(a)).toBeLessThanOrEqual(labelLevel(b));
      }),
    );
  });
});
