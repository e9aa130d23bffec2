/**
 * Which country a point lies in: point-in-polygon over the Natural Earth 1:50m borders of `world-atlas`.
 * Used when a post's place carries no usable country code (point-only posts). Answers are cached by grid
 * cell where no border crosses the cell (country-cells.ts), which gives the same answers: posts come from
 * cities, so most points fall in a cell asked before.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import whichPolygon from 'which-polygon';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { borderCountryCode } from '../../../common/browser/countries';
import { unwrapRing } from '../../../common/browser/unwrap-ring';
import { CountryCells } from './country-cells';

export interface CountryLookup {
  /** ISO 3166-1 alpha-2 code of the country containing the point, or null (sea, or no coded border). */
  countryAt(lon: number, lat: number): string | null;
}

type CountryProps = { cc: string };

interface BorderIndex {
  /** The point-in-polygon test itself. */
  countryAt: (lon: number, lat: number) => string | null;
  cells: CountryCells;
}

/** Built on first use and shared: converting and indexing 241 borders takes tens of milliseconds. */
let index: BorderIndex | undefined;

/**
 * A lookup over the world's borders. Cheap to call: the index is built once, on the first query, and shared
 * by every lookup, and so are its cached cells. `cached: false` tests every point (for tests and benches).
 */
export function createCountryLookup(options: { cached?: boolean } = {}): CountryLookup {
  const cached = options.cached ?? true;
  return {
    countryAt(lon: number, lat: number): string | null {
      if (!Number.isFinite(lon) || !Number.isFinite(lat)) return null;
      index ??= buildIndex();
      return cached ? index.cells.countryAt(lon, lat, index.countryAt) : index.countryAt(lon, lat);
    },
  };
}

/**
 * The borders are read from the package's file here rather than imported: an imported module stays in memory
 * for the life of the process, and the parsed topology (about 18 MB of heap) is only needed while the index
 * is built.
 */
function buildIndex(): BorderIndex {
  const path = createRequire(import.meta.url).resolve('world-atlas/countries-50m.json');
  const topology = JSON.parse(readFileSync(path, 'utf8')) as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const borders = feature(topology, topology.objects.countries) as FeatureCollection<Polygon | MultiPolygon, { name: string }>;
  const features: Feature<MultiPolygon, CountryProps>[] = [];
  for (const border of borders.features) {
    const cc = borderCountryCode(border.id ?? undefined, border.properties?.name);
    // Borders we cannot name (Indian Ocean Ter., Siachen Glacier) answer null, as the sea does.
    if (!cc || !border.geometry) continue;
    const polygons = border.geometry.type === 'Polygon' ? [border.geometry.coordinates] : border.geometry.coordinates;
    features.push({
      type: 'Feature',
      properties: { cc },
      geometry: { type: 'MultiPolygon', coordinates: polygons.flatMap(planarPolygons) },
    });
  }
  const query = whichPolygon<CountryProps>({ type: 'FeatureCollection', features });
  return {
    countryAt: (lon, lat) => query([lon, lat])?.cc ?? null,
    cells: new CountryCells(features.flatMap((f) => f.geometry.coordinates.flat())),
  };
}

/**
 * world-atlas rings are spherical: Russia's and Fiji's jump from 180 to -180 in the middle of a ring, and
 * Antarctica is a ring around the pole. which-polygon tests points on the plane, where such rings contain
 * the wrong points or none. This rewrites a polygon into planar ones that cover the same ground between
 * longitudes -180 and 180; polygons that do not cross the antimeridian (nearly all) pass through unchanged.
 */
function planarPolygons(polygon: Position[][]): Position[][][] {
  if (!polygon.some(crossesAntimeridian)) return [polygon];
  const rings = polygon.map(continuousRing);
  // Even-odd testing ignores ring order, but which-polygon takes its bounding box from the first ring.
  const outer = rings.reduce((a, b) => (b.maxX - b.minX >= a.maxX - a.minX ? b : a), rings[0]);
  const outerShift = -360 * Math.floor((outer.minX + 180) / 360);
  const outerCentre = (outer.minX + outer.maxX) / 2 + outerShift;
  const aligned = [outer, ...rings.filter((r) => r !== outer)].map((r) => {
    const centre = (r.minX + r.maxX) / 2;
    return shiftRing(r.ring, r === outer ? outerShift : 360 * Math.round((outerCentre - centre) / 360));
  });
  const result = [aligned];
  // The unwrapped polygon pokes out east of 180; a copy one turn west covers the same ground near -180.
  if (outer.maxX + outerShift > 180) result.push(aligned.map((ring) => shiftRing(ring, -360)));
  return result;
}

function crossesAntimeridian(ring: Position[]): boolean {
  for (let i = 1; i < ring.length; i++) if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180) return true;
  return false;
}

/**
 * Makes a ring continuous in longitude (`unwrapRing`), with its span of longitude. A ring that ends a whole
 * turn from where it began goes around a pole; it is closed through that pole, which is what it encloses on
 * the sphere.
 */
function continuousRing(ring: Position[]): { ring: Position[]; minX: number; maxX: number } {
  const { ring: out, offset } = unwrapRing(ring);
  let minX = Infinity;
  let maxX = -Infinity;
  let latSum = 0;
  for (const [x, lat] of out) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    latSum += lat;
  }
  if (offset !== 0 && out.length > 0) {
    const pole = latSum < 0 ? -90 : 90;
    const first = out[0];
    const last = out[out.length - 1];
    out.push([last[0], pole], [first[0], pole], [first[0], first[1]]);
  }
  return { ring: out, minX, maxX };
}

function shiftRing(ring: Position[], dx: number): Position[] {
  return dx === 0 ? ring : ring.map(([x, y]) => [x + dx, y]);
}
