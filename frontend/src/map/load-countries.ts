/**
 * The countries of world-atlas (Natural Earth) as GeoJSON features for a flat map, at two scales:
 *
 * - `110m` (1:110m, 108 kB raw): drawn at every zoom below the border layer's `fineFromZoom`, and what the
 *   MapFollower fits countries to; loaded as soon as the page has started.
 * - `50m` (1:50m, 756 kB raw, about 7 times the points): drawn from `fineFromZoom` on, where 110m's coasts
 *   are visibly coarse; loaded only the first time the map gets there.
 *
 * Each file is its own chunk (a dynamic import), so neither is part of the first load. Vite writes a JSON
 * import as `JSON.parse('…')` (json.stringify `auto`, in frontend/vite.config.ts): for the 50m file that
 * parsed as fast as `fetch().json()` and about a third faster than an object literal, in Chromium 156.
 */
import type { Feature, Geometry, Position } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { unwrapRing } from '../../../common/browser/unwrap-ring';
import { polygonsOf } from './country-box';

/** A scale of the borders, as world-atlas names its files. */
export type BorderDetail = '110m' | '50m';

export interface CountryProps {
  name?: string;
}

export type CountryFeature = Feature<Geometry, CountryProps>;

/** The files, each a chunk of its own: a literal `import()` per file, so Vite can split them. */
const TOPOLOGIES: Record<BorderDetail, () => Promise<{ default: unknown }>> = {
  '110m': () => import('world-atlas/countries-110m.json'),
  '50m': () => import('world-atlas/countries-50m.json'),
};

// Shared by every caller: a file is parsed once; a failed load is forgotten, so a later call retries.
const loaded = new Map<BorderDetail, Promise<CountryFeature[]>>();

/** The countries at a scale (1:110m unless told), continuous across the antimeridian. */
export function loadCountries(detail: BorderDetail = '110m'): Promise<CountryFeature[]> {
  let countries = loaded.get(detail);
  if (countries === undefined) {
    countries = TOPOLOGIES[detail]().then((module) => countriesOf(module.default as Topology));
    countries.catch(() => loaded.delete(detail));
    loaded.set(detail, countries);
  }
  return countries;
}

/** A world-atlas topology's countries, their rings made continuous for a flat map. */
export function countriesOf(topology: Topology): CountryFeature[] {
  const countries = feature(topology, topology.objects.countries as GeometryCollection<CountryProps>).features;
  for (const country of countries) unwrapAntimeridian(country.geometry);
  return countries;
}

/**
 * world-atlas is meant for spherical rendering: a few rings (Russia, Fiji) step from 180° to -180° and back.
 * Drawn flat, each step is a line across the whole map. Such rings are made continuous (and moved back
 * into [-180, 180] if most of them fell outside). A ring that circles a pole (Antarctica) really wraps, and
 * is left alone.
 */
function unwrapAntimeridian(geometry: Geometry): void {
  for (const polygon of polygonsOf(geometry)) {
    for (let r = 0; r < polygon.length; r++) polygon[r] = continuousRing(polygon[r]);
  }
}

function continuousRing(ring: Position[]): Position[] {
  const { ring: out, offset } = unwrapRing(ring);
  if (offset !== 0) return ring; // circles a pole
  const mean = out.reduce((sum, [lon]) => sum + lon, 0) / Math.max(1, ring.length);
  const shift = mean > 180 ? -360 : mean < -180 ? 360 : 0;
  return shift === 0 ? out : out.map(([lon, lat]) => [lon + shift, lat]);
}
