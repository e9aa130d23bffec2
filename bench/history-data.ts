/**
 * Seeded hours of history for the history bench: posts at X's worldwide rate times a scale, from real cities
 * (by population and posting factor, as the synthetic source picks them), each in the world, its country and
 * its z6 cell (history-regions.ts), with one or two tags (1.5 a post) of a 1M-tag Zipf(1.05) vocabulary, as
 * the scratch generator of the storage study did: the 200 busiest ranks are tags the whole world shares,
 * churning by day and half-day; the rest are shifted per country, so each country has its own long tail.
 *
 * `hourTallies` builds an hour's per-region tag tallies directly (a count per tag per region, in flat typed
 * arrays, then the maps `summaryOf` takes), not through `OpenHours`: a full-size hour is 21.6M posts, which
 * `OpenHours.add` would take minutes of a core to count. `postOf` makes single posts of the same
 * distribution, for the hours counted live while the queries run.
 */
import { WORLD } from '../common/browser/api';
import { cumulativeWeights, pickWeighted, prng, type Prng } from '../common/node/prng';
import { POSTING_FACTOR, syntheticCities } from '../producer/src/sources/synthetic-cities';
import { regionsOf } from '../map-server/src/core/history/history-regions';
import type { RegionTally } from '../map-server/src/core/history/hour-summary';

/** X's worldwide average rate (posts/s) at scale 1. */
export const FULL_RATE = 6_000;
export const VOCABULARY = 1_000_000;
const ZIPF_S = 1.05;
/** Tags a post carries on average: one or two, evenly. */
const SECOND_TAG = 0.5;
/** Ranks below this are the world's shared tags; above it each country's own mix. */
const SHARED_RANKS = 200;

/** A tag's key (and display) for id `id`: the tags file lists them in id order. */
export const tagKey = (id: number) => `tag${id}`;

/** Where posts come from: a country (null: none) and a cell, with its share of the posts. */
interface Place {
  regions: string[];
  /** The country's index in `countries` (-1: none), for its tail shift. */
  country: number;
}

export class HistoryData {
  readonly places: Place[];
  readonly countries: string[];
  /** Running totals of the places' weights. */
  private readonly cumulative: Float64Array;
  private readonly weights: Float64Array;
  /** Zipf over ranks by Walker's alias method: O(1) a draw. */
  private readonly prob = new Float64Array(VOCABULARY);
  private readonly alias = new Int32Array(VOCABULARY);
  /** Rank -> tag id, a fixed shuffle. */
  private readonly perm = new Uint32Array(VOCABULARY);

  constructor(seed = 13) {
    const byPlace = new Map<string, { regions: string[]; weight: number; cc: string }>();
    for (const city of syntheticCities().cities) {
      const regions = regionsOf(city.country, city.lat, city.lon);
      const key = regions.join('|');
      const place = byPlace.get(key);
      const weight = city.population * (POSTING_FACTOR[city.country] ?? 1);
      if (place === undefined) byPlace.set(key, { regions, weight, cc: city.country });
      else place.weight += weight;
    }
    const list = [...byPlace.values()];
    this.countries = [...new Set(list.map((place) => place.cc))].sort();
    const index = new Map(this.countries.map((cc, i) => [cc, i]));
    this.places = list.map((place) => ({ regions: place.regions, country: index.get(place.cc) ?? -1 }));
    this.weights = Float64Array.from(list, (place) => place.weight);
    this.cumulative = cumulativeWeights(this.weights);
    const total = this.cumulative[this.cumulative.length - 1];
    for (let i = 0; i < this.weights.length; i += 1) this.weights[i] /= total;
    this.buildAlias();
    const random = prng(seed);
    for (let i = 0; i < VOCABULARY; i += 1) this.perm[i] = i;
    for (let i = VOCABULARY - 1; i > 0; i -= 1) {
      const j = random.int(i + 1);
      [this.perm[i], this.perm[j]] = [this.perm[j], this.perm[i]];
    }
  }

  private buildAlias(): void {
    const w = new Float64Array(VOCABULARY);
    let sum = 0;
    for (let i = 0; i < VOCABULARY; i += 1) sum += w[i] = (i + 1) ** -ZIPF_S;
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < VOCABULARY; i += 1) {
      w[i] = (w[i] * VOCABULARY) / sum;
      (w[i] < 1 ? small : large).push(i);
    }
    while (small.length > 0 && large.length > 0) {
      const s = small.pop() as number;
      const l = large.pop() as number;
      this.prob[s] = w[s];
      this.alias[s] = l;
      w[l] += w[s] - 1;
      (w[l] < 1 ? small : large).push(l);
    }
    for (const i of [...small, ...large]) this.prob[i] = 1;
  }

  /** A tag id drawn for a post in country `country` (index; -1: none) in hour `hour`. */
  private tag(random: Prng, country: number, hour: number): number {
    const u = random.next() * VOCABULARY;
    const i = Math.floor(u);
    const rank = u - i < this.prob[i] ? i : this.alias[i];
    if (rank < SHARED_RANKS) return this.perm[(rank + Math.floor(hour / 24) * 7 + (hour % 24 < 12 ? 0 : 3)) % SHARED_RANKS];
    return this.perm[(rank + (country + 1) * 4243) % VOCABULARY];
  }

  /** A post of hour `hour`: its regions and tag keys. */
  postOf(random: Prng, hour: number): { regions: string[]; keys: string[] } {
    const place = this.places[pickWeighted(this.cumulative, random.next())];
    const keys = [tagKey(this.tag(random, place.country, hour))];
    if (random.next() < SECOND_TAG) keys.push(tagKey(this.tag(random, place.country, hour)));
    return { regions: place.regions, keys };
  }

  /** The tallies of hour `hour` (hours since the epoch) with `posts` posts, by region, as `summaryOf` takes them. */
  hourTallies(hour: number, posts: number): Map<string, RegionTally> {
    const random = prng(1_000 + hour);
    // Each place's posts (±10 %, diurnal ±30 %) and their tag ids, one after another.
    const diurnal = 1 + 0.3 * Math.sin((2 * Math.PI * (hour % 24)) / 24);
    const postsOf = new Uint32Array(this.places.length);
    const tagsFrom = new Uint32Array(this.places.length + 1);
    let capacity = Math.ceil(posts * diurnal * 1.1 * 2) + this.places.length;
    let tags = new Uint32Array(capacity);
    let n = 0;
    this.places.forEach((place, p) => {
      const count = Math.round(posts * diurnal * this.weights[p] * (0.9 + 0.2 * random.next()));
      postsOf[p] = count;
      tagsFrom[p] = n;
      if (n + 2 * count > capacity) {
        capacity = 2 * (n + 2 * count);
        const grown = new Uint32Array(capacity);
        grown.set(tags.subarray(0, n));
        tags = grown;
      }
      for (let i = 0; i < count; i += 1) {
        tags[n++] = this.tag(random, place.country, hour);
        if (random.next() < SECOND_TAG) tags[n++] = this.tag(random, place.country, hour);
      }
    });
    tagsFrom[this.places.length] = n;
    // Each region's places, then its counts by tag in a dense array, read back by the ids touched.
    const placesOf = new Map<string, number[]>();
    this.places.forEach((place, p) => {
      if (postsOf[p] === 0) return;
      for (const region of place.regions) {
        let list = placesOf.get(region);
        if (list === undefined) placesOf.set(region, (list = []));
        list.push(p);
      }
    });
    const dense = new Uint32Array(VOCABULARY);
    const touched = new Uint32Array(VOCABULARY);
    const tallies = new Map<string, RegionTally>();
    for (const [region, list] of placesOf) {
      let distinct = 0;
      let regionPosts = 0;
      for (const p of list) {
        regionPosts += postsOf[p];
        for (let i = tagsFrom[p]; i < tagsFrom[p + 1]; i += 1) {
          const id = tags[i];
          if (dense[id]++ === 0) touched[distinct++] = id;
        }
      }
      const counts = new Map<number, number>();
      for (let i = 0; i < distinct; i += 1) {
        const id = touched[i];
        counts.set(id, dense[id]);
        dense[id] = 0;
      }
      tallies.set(region, { posts: regionPosts, tags: counts });
    }
    if (!tallies.has(WORLD)) tallies.set(WORLD, { posts: 0, tags: new Map() });
    return tallies;
  }

  /** The busiest countries by posts, for the queries that name one. */
  busiestCountries(n: number): string[] {
    const byCountry = new Map<string, number>();
    this.places.forEach((place, p) => {
      if (place.country >= 0) byCountry.set(this.countries[place.country], (byCountry.get(this.countries[place.country]) ?? 0) + this.weights[p]);
    });
    return [...byCountry.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([cc]) => cc);
  }

  /** A tag id of the `ranks` busiest shared or per-country ranks, for tag queries (shared ranks map to ids by hour 0). */
  popularTag(random: Prng, ranks: number): number {
    const rank = Math.floor(random.next() ** 2 * ranks);
    return rank < SHARED_RANKS ? this.perm[rank] : this.perm[(rank + 4243) % VOCABULARY];
  }
}
