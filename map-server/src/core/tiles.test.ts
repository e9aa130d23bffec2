import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boxOf, unwrappedBox } from '../../../test/bbox-arbitraries';
import type { Bbox } from '../../../common/browser/api';
import { bboxSpans, spansContain } from '../../../common/browser/bbox';
import {
  FINEST_LEVEL,
  MAX_MERCATOR_LAT,
  TILE_LEVELS,
  boxCover,
  labelLevel,
  partHolds,
  rangeHolds,
  tileIndex,
  tileLat,
  tileLon,
  tileRange,
  tileX,
  tileXY,
  tileY,
  type CoverPart,
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

/** The finest level's tiles along a side. */
const FINE_SIDE = 2 ** FINEST_LEVEL;

/**
 * Boxes for the cover: any of `box` above, and the ones a cover gets wrong first: across or beside the
 * antimeridian, at the poles and past Web Mercator's rim, inside one level-12 tile, on the exact edges of a
 * kept level's tiles (where rounding outward adds a row or column), the whole world and unwrapped boxes.
 */
const nearAntimeridian = fc.oneof(fc.double({ min: 170, max: 180, noNaN: true }), fc.double({ min: -180, max: -170, noNaN: true }));
const nearPole = fc.oneof(fc.double({ min: 80, max: 90, noNaN: true }), fc.double({ min: -90, max: -80, noNaN: true }));
const keptEdge = fc.tuple(fc.constantFrom(...TILE_LEVELS), fc.nat(), fc.nat());
const withinOneTile = fc
  .tuple(fc.nat(FINE_SIDE - 1), fc.nat(FINE_SIDE - 1), fc.tuple(fraction, fraction, fraction, fraction))
  .map(([x, y, [a, b, c, d]]): Bbox => {
    const b0 = bounds(FINEST_LEVEL, x, y);
    // Inside the tile (its edges shared with neighbours are left out: a box on one touches both tiles).
    const lonAt = (f: number) => b0.west + (0.01 + 0.98 * f) * (b0.east - b0.west);
    const latAt = (f: number) => tileLat(y + 0.01 + 0.98 * f, FINEST_LEVEL);
    return [Math.min(lonAt(a), lonAt(b)), Math.min(latAt(c), latAt(d)), Math.max(lonAt(a), lonAt(b)), Math.max(latAt(c), latAt(d))];
  });
const onKeptEdges = fc.tuple(keptEdge, keptEdge).map(([[l, i, j], [m, k, h]]): Bbox => {
  const lons = [tileLon(i % (2 ** l + 1), l), tileLon(k % (2 ** m + 1), m)];
  const lats = [tileLat(j % (2 ** l + 1), l), tileLat(h % (2 ** m + 1), m)];
  return [lons[0], Math.min(...lats), lons[1], Math.max(...lats)];
});
const coverBox = fc.oneof(
  box,
  boxOf(nearAntimeridian, lat),
  boxOf(lon, nearPole),
  boxOf(nearAntimeridian, nearPole),
  withinOneTile,
  onKeptEdges,
  unwrappedBox(lat),
  fc.constantFrom<Bbox>([-180, -90, 180, 90], [-250, -10, 250, 10], [-540, -90, 540, 90], [179, -1, 181, 1], [-181, 30, -179, 31]),
);

/** The parts of a cover that hold the level-12 tile (`x`, `y`): through its ancestor at each part's level. */
const holdersOf = (cover: readonly CoverPart[], x: number, y: number) =>
  cover.filter((part) => {
    const shift = FINEST_LEVEL - part.level;
    return partHolds(part, x >>> shift, y >>> shift);
  });

/** A part's rectangle at the finest level's numbering: [x0, x1, y0, y1]. */
function fineRect(part: CoverPart): [number, number, number, number] {
  const scale = 2 ** (FINEST_LEVEL - part.level);
  return [part.x0 * scale, (part.x1 + 1) * scale - 1, part.y0 * scale, (part.y1 + 1) * scale - 1];
}

/**
 * Level-12 tiles to try against a cover: each span's corners and edges and the tiles just past them, each
 * part's rectangle and hole corners and just past them (where a coarse part meets the finer frame), and
 * tiles drawn anywhere. Columns wrap around the antimeridian, rows past the world are left out.
 */
function sampleTiles(range: TileRange, cover: readonly CoverPart[], drawn: readonly (readonly [number, number])[]): [number, number][] {
  const xs = new Set<number>();
  const ys = new Set<number>();
  const around = (into: Set<number>, ...at: number[]) => at.forEach((v) => [v - 1, v, v + 1].forEach((w) => into.add(w)));
  for (const [x0, x1] of range.xs) around(xs, x0, x1, (x0 + x1) >>> 1);
  around(ys, range.y0, range.y1, (range.y0 + range.y1) >>> 1);
  for (const part of cover) {
    const [x0, x1, y0, y1] = fineRect(part);
    around(xs, x0, x1);
    around(ys, y0, y1);
    if (part.hole !== null) {
      const scale = 2 ** (FINEST_LEVEL - part.level);
      around(xs, part.hole.x0 * scale, (part.hole.x1 + 1) * scale - 1);
      around(ys, part.hole.y0 * scale, (part.hole.y1 + 1) * scale - 1);
    }
  }
  const tiles: [number, number][] = drawn.map(([x, y]) => [x, y]);
  for (const x of xs) for (const y of ys) if (y >= 0 && y < FINE_SIDE) tiles.push([(x + FINE_SIDE) % FINE_SIDE, y]);
  return tiles;
}

describe('boxCover', () => {
  it('holds every level-12 tile of the box’s tileRange in exactly one part, and no tile outside it', () => {
    const drawnTile = fc.tuple(fc.nat(FINE_SIDE - 1), fc.nat(FINE_SIDE - 1));
    fc.assert(
      fc.property(coverBox, fc.array(drawnTile, { maxLength: 20 }), (bbox, drawn) => {
        const range = tileRange(bbox, FINEST_LEVEL);
        const cover = boxCover(bbox);
        for (const [x, y] of sampleTiles(range, cover, drawn)) {
          const expected = rangeHolds(range, tileIndex(FINEST_LEVEL, x, y)) ? 1 : 0;
          const held = holdersOf(cover, x, y).length;
          if (held !== expected) expect.fail(`tile ${x},${y} of ${JSON.stringify(bbox)} is held by ${held} parts, not ${expected}`);
        }
      }),
      { numRuns: 600 },
    );
  });

  it('gives parts that are not empty, inside the box, per span at strictly finer levels, each past the first with the coarser part as hole', () => {
    fc.assert(
      fc.property(coverBox, (bbox) => {
        const range = tileRange(bbox, FINEST_LEVEL);
        const cover = boxCover(bbox);
        expect(cover.length).toBeGreaterThan(0);
        const bySpan = range.xs.map(() => [] as CoverPart[]);
        for (const part of cover) {
          expect(TILE_LEVELS).toContain(part.level);
          expect(part.x0 <= part.x1 && part.y0 <= part.y1).toBe(true);
          const [x0, x1, y0, y1] = fineRect(part);
          // Wholly inside the box's rows and one span of its columns (the spans do not meet).
          expect(y0 >= range.y0 && y1 <= range.y1).toBe(true);
          const spans = range.xs.flatMap(([a, b], s) => (x0 >= a && x1 <= b ? [s] : []));
          expect(spans).toHaveLength(1);
          bySpan[spans[0]].push(part);
          const hole = part.hole;
          if (hole !== null) {
            // The hole is inside the rectangle and is not all of it.
            expect(hole.x0 >= part.x0 && hole.x1 <= part.x1 && hole.y0 >= part.y0 && hole.y1 <= part.y1).toBe(true);
            expect(hole.x0 === part.x0 && hole.x1 === part.x1 && hole.y0 === part.y0 && hole.y1 === part.y1).toBe(false);
          }
        }
        for (const parts of bySpan) {
          // Every span is covered, coarsest first; in the order given, one span's parts after another's.
          expect(parts.length).toBeGreaterThan(0);
          for (let i = 1; i < parts.length; i += 1) expect(parts[i].level).toBeGreaterThan(parts[i - 1].level);
          parts.forEach((part, i) => {
            if (i === 0) expect(part.hole).toBeNull();
            else {
              // The hole is the previous part's rectangle, at this part's numbering.
              const scale = 2 ** (part.level - parts[i - 1].level);
              const prev = parts[i - 1];
              expect(part.hole).toEqual({ x0: prev.x0 * scale, x1: (prev.x1 + 1) * scale - 1, y0: prev.y0 * scale, y1: (prev.y1 + 1) * scale - 1 });
            }
          });
        }
        const order = cover.map((part) => bySpan.findIndex((parts) => parts.includes(part)));
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }),
      { numRuns: 600 },
    );
  });

  it('covers the world with its 16 level-2 tiles, and a box inside one level-12 tile with that tile', () => {
    expect(boxCover([-180, -90, 180, 90])).toEqual([{ level: 2, x0: 0, x1: 3, y0: 0, y1: 3, hole: null }]);
    expect(boxCover([-250, -10, 250, 10])).toEqual(boxCover([-180, -10, 180, 10]));
    // Paris, 12/2074/1409, well inside the tile.
    const b = bounds(FINEST_LEVEL, 2074, 1409);
    const inner: Bbox = [b.west + 0.001, b.south + 0.001, b.east - 0.001, b.north - 0.001];
    expect(boxCover(inner)).toEqual([{ level: 12, x0: 2074, x1: 2074, y0: 1409, y1: 1409, hole: null }]);
  });

  it('gives a box across the antimeridian parts for both of its spans', () => {
    const cover = boxCover([170, -10, -170, 10]);
    const range = tileRange([170, -10, -170, 10], FINEST_LEVEL);
    expect(range.xs).toHaveLength(2);
    const east = cover.filter((part) => fineRect(part)[1] === FINE_SIDE - 1);
    const west = cover.filter((part) => fineRect(part)[0] === 0);
    expect(east.length).toBeGreaterThan(0);
    expect(west.length).toBeGreaterThan(0);
    // 10 degrees either side: each side's coarsest part is a level-6 run (a level-6 tile is 5.6 degrees).
    expect([east[0].level, west[0].level]).toEqual([6, 6]);
    expect(holdersOf(cover, FINE_SIDE - 1, 2048)).toHaveLength(1);
    expect(holdersOf(cover, 0, 2048)).toHaveLength(1);
    expect(holdersOf(cover, 2048, 2048)).toHaveLength(0);
  });

  it('maps a box beyond Web Mercator’s rim to the edge row, at the finest level', () => {
    for (const [south, north, row] of [
      [86, 90, 0],
      [-90, -86, FINE_SIDE - 1],
    ]) {
      const cover = boxCover([-10, south, 10, north]);
      expect(cover.length).toBeGreaterThan(0);
      for (const part of cover) expect([part.level, part.y0, part.y1]).toEqual([FINEST_LEVEL, row, row]);
    }
  });
});
