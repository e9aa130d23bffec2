/**
 * Part of the core benchmark: "Trends in this view" (bbox queries on the tile counts) for a city, a country
 * and a continent at 24h, and the world's rising query. Posts are placed at real cities of their country
 * (population-weighted, within 5 km of the centre, as the synthetic source does), seeded, so the boxes hold
 * realistic shares of the 1M posts.
 */
import { performance } from 'node:perf_hooks';
import { WORLD, type Bbox, type SortName } from '../common/browser/api';
import type { WindowName } from '../common/browser/windows';
import { cumulativeWeights, pickWeighted, prng } from '../common/node/prng';
import { pointNear, syntheticCities, type City } from '../producer/src/sources/synthetic-cities';
import type { PostCounts } from '../map-server/src/core/post-counts';
import type { TrendEngine } from '../map-server/src/trend-engine';
import { EVENT_VERSION } from '../common/node/event';
import { percentile } from './percentile';

const QUERIES = 200;

/** Boxes as a map would ask for them: a city, a country, a continent. */
const BOXES: { name: string; bbox: Bbox }[] = [
  { name: 'city (Tokyo)', bbox: [139.3, 35.4, 140.1, 35.95] },
  { name: 'country (France)', bbox: [-5.2, 41.3, 9.6, 51.1] },
  { name: 'continent (Europe)', bbox: [-25, 34, 45, 72] },
];

export interface Positions {
  lat: Float64Array;
  lon: Float64Array;
}

/** A point near a city of each post's country, chosen by population. */
export function cityPositions(cc: Uint8Array, countries: readonly string[], seed: number): Positions {
  const random = prng(seed);
  const { cities } = syntheticCities();
  const byCountry = countries.map((code) => {
    const own = cities.filter((city) => city.country === code);
    return { own, cumulative: cumulativeWeights(own.map((city) => city.population)) };
  });
  const positions: Positions = { lat: new Float64Array(cc.length), lon: new Float64Array(cc.length) };
  for (let i = 0; i < cc.length; i += 1) {
    const { own, cumulative } = byCountry[cc[i]];
    const city: City = own[pickWeighted(cumulative, random.next())];
    const [lon, lat] = pointNear(city, random);
    positions.lat[i] = lat;
    positions.lon[i] = lon;
  }
  return positions;
}

let extraPosts = 0;

/**
 * Counts one more post, in the newest minute, at sea (in the world, in no country and in none of `BOXES`),
 * with a common tag: the newest minute changes as it does live, so neither the answer cache nor the
 * sparkline series can answer the next query, and the counts move by one post.
 */
export function oneMorePost(engine: TrendEngine): void {
  const ts = engine.windowsEndMs ?? 0;
  extraPosts += 1;
  const id = `bench-${extraPosts}`;
  engine.ingestEvent({ v: EVENT_VERSION, id, ts, lat: 0, lon: -140, loc: 'point', cc: null, tags: ['t0'], display: ['t0'] }, ts);
}

/**
 * The times of `queries` uncached asks, in ms, ascending. Before each, one post is added (`oneMorePost`), so
 * neither the response cache nor the sparkline series answer for it; `before` runs ahead of each, untimed.
 */
export function uncachedTimes(engine: TrendEngine, queries: number, ask: () => unknown, before: () => void = () => {}): number[] {
  const times: number[] = [];
  for (let q = 0; q < queries; q += 1) {
    oneMorePost(engine);
    before();
    const t = performance.now();
    ask();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b);
}

/**
 * p50 and p99 of an uncached trends query; `cold` also forgets every sparkline series before each, and for a
 * box, asks a box never asked before: its east edge moved out by 0 to 1.9 degrees and its west edge by 0 to
 * 1.0 (steps of more than a finest tile), each of the 200 once, so that no read kept by `TileCounts.boxCounts`
 * (which keeps those asked twice or more) answers any of it.
 */
function timeQuery(
  engine: TrendEngine,
  counts: PostCounts,
  region: string,
  bbox: Bbox | null,
  window: WindowName,
  sort: SortName,
  cold = false,
): string {
  let asked = 0;
  const moved = (box: Bbox): Bbox => (cold ? [box[0] - 0.1 * Math.floor(asked / 20), box[1], box[2] + 0.1 * (asked % 20), box[3]] : box);
  const times = uncachedTimes(
    engine,
    QUERIES,
    () => engine.trends({ region, bbox: bbox === null ? null : moved(bbox), window, sort, limit: 10 }),
    () => {
      asked += 1;
      if (cold) counts.sparks.clear();
    },
  );
  return `p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms`;
}

export function benchViewTrends(engine: TrendEngine, counts: PostCounts): void {
  for (const { name, bbox } of BOXES) {
    const inBox = engine.trends({ region: 'view', bbox, window: '24h', sort: 'top', limit: 10 }).total;
    console.log(
      `  bbox ${name.padEnd(19)} 24h top-10: ${timeQuery(engine, counts, 'view', bbox, '24h', 'top')} asked again; ${timeQuery(engine, counts, 'view', bbox, '24h', 'top', true)} first ask (${inBox.toLocaleString('en')} posts in the box)`,
    );
  }
  const europe = BOXES[2].bbox;
  console.log(`  bbox continent (Europe) 24h rising: ${timeQuery(engine, counts, 'view', europe, '24h', 'rising')}`);
  for (const window of ['1h', '24h'] as const) {
    console.log(`  rising world ${window.padEnd(3)} (uncached):  ${timeQuery(engine, counts, WORLD, null, window, 'rising')}`);
  }
  console.log(
    `  top-10 world 24h, sparklines cold: ${timeQuery(engine, counts, WORLD, null, '24h', 'top', true)} (every bucket of every country reread)`,
  );
}
