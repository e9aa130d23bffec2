/**
 * Cities by the start of their name, accents and case aside (`foldName`), the most populous first: what
 * `GET /api/places?prefix=` answers a search box with.
 *
 * Shape, and why: a gazetteer does not change while the server runs, so its names are sorted once, folded,
 * and a prefix is a range of that order found by binary search (O(log n)); the range is then ranked by
 * population (O(range), a few thousand cities for one letter, one for a whole name). The cities are kept in
 * columns by position in that order (`PlaceColumns`), not an object each: the numbers in typed arrays and each
 * text column as one string with the start of every entry. So the index is a handful of objects, which the
 * gazetteer's worker thread hands the main thread in a few ms (as 400,000 strings they took ~70 ms of the
 * main thread to take in), and a search cuts out only the names it answers with.
 */
import type { Place } from '../../../common/browser/api';
import { foldName } from '../../../common/browser/fold-name';
import { TopK } from './top-k';

/** A city as the gazetteer gives it. */
export interface GazetteerCity {
  name: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  lat: number;
  lon: number;
  population: number;
}

/** Strings end to end: entry i is `text.slice(starts[i], starts[i + 1])`. */
export interface TextColumn {
  text: string;
  /** One more than there are entries: the last is `text.length`. */
  starts: Uint32Array<ArrayBuffer>;
}

/** The index's data, city i at position i of every column, in the order of the folded names. */
export interface PlaceColumns {
  /** Folded names, ascending (UTF-16 order, as `startsWith` compares). */
  folded: TextColumn;
  names: TextColumn;
  /** ISO codes, two characters a city. */
  countries: string;
  lats: Float64Array<ArrayBuffer>;
  lons: Float64Array<ArrayBuffer>;
  populations: Float64Array<ArrayBuffer>;
}

/** `cities` as columns, sorted by folded name: the costly part of building an index (folding and sorting). */
export function placeColumns(cities: readonly GazetteerCity[]): PlaceColumns {
  const keys = cities.map((city) => foldName(city.name));
  const order = Array.from(cities.keys()).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  return {
    folded: textColumn(order.map((i) => keys[i])),
    names: textColumn(order.map((i) => cities[i].name)),
    countries: order.map((i) => cities[i].country).join(''),
    lats: Float64Array.from(order, (i) => cities[i].lat),
    lons: Float64Array.from(order, (i) => cities[i].lon),
    populations: Float64Array.from(order, (i) => cities[i].population),
  };
}

function textColumn(entries: readonly string[]): TextColumn {
  const starts = new Uint32Array(entries.length + 1);
  for (let i = 0; i < entries.length; i += 1) starts[i + 1] = starts[i] + entries[i].length;
  return { text: entries.join(''), starts };
}

const entry = ({ text, starts }: TextColumn, i: number): string => text.slice(starts[i], starts[i + 1]);

export class PlaceIndex {
  /** An index over columns already sorted (`placeColumns`), kept as they are. */
  constructor(private readonly columns: PlaceColumns) {}

  /** An index of `cities`, folded and sorted here. */
  static fromCities(cities: readonly GazetteerCity[]): PlaceIndex {
    return new PlaceIndex(placeColumns(cities));
  }

  /** Cities held. */
  get size(): number {
    return this.columns.lats.length;
  }

  /** Up to `limit` cities whose folded name starts with the folded `prefix` ('' : all), by population descending, then name. */
  search(prefix: string, limit: number): Place[] {
    const { folded, names, countries, lats, lons, populations } = this.columns;
    const start = foldName(prefix.trim());
    const top = new TopK(limit, (i) => entry(folded, i));
    for (let i = this.lowerBound(start); i < this.size && this.startsWith(i, start); i += 1) top.offer(i, populations[i]);
    return top.result().map(({ id }) => ({
      name: entry(names, id),
      country: countries.slice(2 * id, 2 * id + 2),
      lat: lats[id],
      lon: lons[id],
      population: populations[id],
    }));
  }

  /**
   * Whether the folded name at `i`, from `lowerBound(key)` on, starts with `key`, read in place. A name there
   * shorter than `key` is above it, so differs from it within its own length: reading on into the next name
   * never makes it match.
   */
  private startsWith(i: number, key: string): boolean {
    const { text, starts } = this.columns.folded;
    return text.startsWith(key, starts[i]);
  }

  /** The first position whose folded name is not below `key`. */
  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (entry(this.columns.folded, mid) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
