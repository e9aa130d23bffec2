import { createRequire } from 'node:module';
import type { Feature, Geometry, Position } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { describe, expect, it } from 'vitest';
import { borderCountryCode } from '../../../common/browser/countries';
import { countryBox, polygonsOf } from './country-box';
import type { GeoBox } from './geo-box';

// The borders the page draws (world-atlas 110m), as the file has them: rings across the antimeridian and all.
const topology = createRequire(import.meta.url)('world-atlas/countries-110m.json') as Topology;
const features = feature(topology, topology.objects.countries as GeometryCollection).features as Feature<Geometry, { name?: string }>[];

function boxOf(code: string): GeoBox | null {
  const polygons = features.filter((f) => borderCountryCode(f.id, f.properties?.name) === code).flatMap((f) => polygonsOf(f.geometry));
  return countryBox(polygons);
}

const contains = (box: GeoBox | null, lat: number, lon: number) =>
  box !== null && lat >= box.south && lat <= box.north && [lon - 360, lon, lon + 360].some((x) => x >= box.west && x <= box.east);
const width = (box: GeoBox | null) => (box === null ? NaN : box.east - box.west);

/** A square island of `size` degrees with its south-west corner at lon, lat. */
const island = (lon: number, lat: number, size = 1): Position[][] => [
  [
    [lon, lat],
    [lon + size, lat],
    [lon + size, lat + size],
    [lon, lat + size],
    [lon, lat],
  ],
];

describe('countryBox on synthetic polygons', () => {
  it('is null without polygons', () => {
    expect(countryBox([])).toBeNull();
    expect(polygonsOf(null)).toEqual([]);
    expect(polygonsOf({ type: 'Point', coordinates: [0, 0] })).toEqual([]);
  });

  it('takes the largest part and those near it, not a small far one', () => {
    const box = countryBox([island(0, 40, 10), island(12, 40, 1), island(-60, 0, 3)]);
    expect(box).toEqual({ west: 0, south: 40, east: 13, north: 50 });
  });

  it('takes a major part wherever it lies', () => {
    const box = countryBox([island(0, 0, 10), island(60, 0, 6)]);
    expect(box).toEqual({ west: 0, south: 0, east: 66, north: 10 });
  });

  it('chains near parts: an island near an island near the main one', () => {
    const box = countryBox([island(0, 0, 10), island(14, 0), island(19, 0), island(24, 0)]);
    expect(box?.east).toBe(25);
  });

  it('joins parts across the antimeridian into one narrow box', () => {
    const box = countryBox([island(177, -18, 2), island(-180, -17, 1)]);
    expect(box).toEqual({ west: 177, south: -18, east: 181, north: -16 });
  });

  it('unwraps a ring that crosses the antimeridian', () => {
    const ring: Position[] = [
      [178, 60],
      [-178, 60],
      [-178, 62],
      [178, 62],
      [178, 60],
    ];
    expect(countryBox([[ring]])).toEqual({ west: 178, south: 60, east: 182, north: 62 });
  });
});

describe('countryBox on the borders the page draws', () => {
  it('fits France to mainland France and Corsica, without French Guiana', () => {
    const box = boxOf('FR');
    expect(contains(box, 48.86, 2.35)).toBe(true); // Paris
    expect(contains(box, 42.7, 9.45)).toBe(true); // Bastia, Corsica
    expect(contains(box, 4.94, -52.33)).toBe(false); // Cayenne
    expect(width(box)).toBeLessThan(20);
  });

  it('fits Russia from Kaliningrad to Chukotka in one box across the antimeridian', () => {
    const box = boxOf('RU');
    for (const [lat, lon] of [
      [55.75, 37.62], // Moscow
      [54.71, 20.51], // Kaliningrad
      [64.73, 177.51], // Anadyr
      [66.0, -170.0], // the Chukchi peninsula's east end, beyond 180°
    ]) {
      expect(contains(box, lat, lon), `${lat}, ${lon} in ${JSON.stringify(box)}`).toBe(true);
    }
    expect(width(box)).toBeLessThan(180);
    expect(box!.west).toBeGreaterThanOrEqual(-200);
    expect(box!.east).toBeLessThanOrEqual(200);
  });

  it('fits Fiji to its islands on both sides of the antimeridian, a few degrees wide', () => {
    const box = boxOf('FJ');
    expect(contains(box, -18.14, 178.44)).toBe(true); // Suva
    expect(contains(box, -16.4, -179.9)).toBe(true); // Vanua Levu's eastern tip
    expect(width(box)).toBeLessThan(5);
  });

  it('fits the USA with Alaska (and so the Aleutians), narrower than the world', () => {
    const box = boxOf('US');
    expect(contains(box, 40.71, -74.0)).toBe(true); // New York
    expect(contains(box, 61.22, -149.9)).toBe(true); // Anchorage
    expect(width(box)).toBeLessThan(120);
  });

  it('fits Indonesia from Sumatra to New Guinea, and New Zealand with both islands', () => {
    const indonesia = boxOf('ID');
    expect(contains(indonesia, 3.59, 98.67) && contains(indonesia, -2.53, 140.72)).toBe(true); // Medan, Jayapura
    const nz = boxOf('NZ');
    expect(contains(nz, -36.85, 174.76) && contains(nz, -45.87, 170.5)).toBe(true); // Auckland, Dunedin
  });

  it('has a box for every country the page can select', () => {
    const codes = new Set(features.map((f) => borderCountryCode(f.id, f.properties?.name)).filter((code) => code !== null));
    for (const code of codes) {
      const box = boxOf(code);
      expect(box, code).not.toBeNull();
      expect(box!.west, code).toBeGreaterThanOrEqual(-200);
      expect(box!.east, code).toBeLessThanOrEqual(200);
    }
  });
});
