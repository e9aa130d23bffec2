/**
 * Cities by the start of their name, accents and case aside (`foldName`), the most populous first: what
 * `GET /api/places?prefix=` answers a search box with.
 *
 * Shape, and why: a gazetteer does not change while the server runs, so its names are sorted once, folded,
 * and a prefix is a range of that order found by binary search (O(log n)); the range is then ranked by
 * population (O(range), a few thousand cities for one letter, one for a whole name). The cities are kept in
 * parallel arrays by position in that order (typed arrays for the numbers), not an object each.
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

export class PlaceIndex {
  /** Folded names, ascending (UTF-16 order, as `startsWith` compares). */
  private readonly folded: string[];
  private readonly names: string[];
  private readonly countries: string[];
  private readonly lats: Float64Array;
  private readonly lons: Float64Array;
  private readonly populations: Float64Array;

  constructor(cities: readonly GazetteerCity[]) {
    const keys = cities.map((city) => foldName(city.name));
    const order = Array.from(cities.keys()).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
    this.folded = order.map((i) => keys[i]);
    this.names = order.map((i) => cities[i].name);
    this.countries = order.map((i) => cities[i].country);
    this.lats = Float64Array.from(order, (i) => cities[i].lat);
    this.lons = Float64Array.from(order, (i) => cities[i].lon);
    this.populations = Float64Array.from(order, (i) => cities[i].population);
  }

  /** Cities held. */
  get size(): number {
    return this.folded.length;
  }

  /** Up to `limit` cities whose folded name starts with the folded `prefix` ('' : all), by population descending, then name. */
  search(prefix: string, limit: number): Place[] {
    const start = foldName(prefix.trim());
    const top = new TopK(limit, (i) => this.folded[i]);
    for (let i = this.lowerBound(start); i < this.folded.length && this.folded[i].startsWith(start); i += 1) top.offer(i, this.populations[i]);
    return top.result().map(({ id }) => ({
      name: this.names[id],
      country: this.countries[id],
      lat: this.lats[id],
      lon: this.lons[id],
      population: this.populations[id],
    }));
  }

  /** The first position whose folded name is not below `key`. */
  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.folded.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.folded[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
