/**
 * A multi-day archive with known spikes, for the history tests: X API v2 envelopes in a few inland cities,
 * one every `EVERY_MS` from `START_MS`, each with one background tag of its country (drawn, seeded) and the
 * spikes on top: `#Eclipse` in Tokyo for an hour of day 2, `#Derby` in Lyon for two hours of day 3. Every post
 * is kept as `{ ts, cc, tags }` too, so a test adds up what any window of any region must hold.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from '../common/node/prng';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** The archive's first post: a Saturday, long past, so nothing in it is live. */
export const START_MS = Date.UTC(2025, 2, 1);
const EVERY_MS = 90_000;

interface City {
  name: string;
  cc: string;
  lat: number;
  lon: number;
  tags: string[];
}

const CITIES: City[] = [
  { name: 'Paris', cc: 'FR', lat: 48.8566, lon: 2.3522, tags: ['Paris', 'Louvre', 'Croissant', 'Metro'] },
  { name: 'Lyon', cc: 'FR', lat: 45.764, lon: 4.8357, tags: ['Lyon', 'Bouchon', 'Croissant'] },
  { name: 'Berlin', cc: 'DE', lat: 52.52, lon: 13.405, tags: ['Berlin', 'Bundesliga', 'Currywurst'] },
  { name: 'Tokyo', cc: 'JP', lat: 35.6895, lon: 139.6917, tags: ['Tokyo', 'Sushi', 'Anime', '東京'] },
  { name: 'New York', cc: 'US', lat: 40.7128, lon: -74.006, tags: ['NYC', 'Subway', 'Pizza'] },
];

/** [tag, city, first ms, last ms (exclusive), one post every ms]. */
const SPIKES: readonly (readonly [string, string, number, number, number])[] = [
  ['Eclipse', 'Tokyo', START_MS + DAY_MS + 14 * HOUR_MS, START_MS + DAY_MS + 15 * HOUR_MS, 40_000],
  ['Derby', 'Lyon', START_MS + 2 * DAY_MS + 20 * HOUR_MS, START_MS + 2 * DAY_MS + 22 * HOUR_MS, 30_000],
];

/** A post as the tests count it: its time, country and tag keys. */
export interface CountedPost {
  ts: number;
  cc: string;
  tags: string[];
}

function envelope(id: number, ts: number, tag: string, city: City, next: () => number): string {
  const lat = Math.round((city.lat + (next() - 0.5) * 0.08) * 1e5) / 1e5;
  const lon = Math.round((city.lon + (next() - 0.5) * 0.08) * 1e5) / 1e5;
  const text = `In ${city.name} #${tag}`;
  const placeId = `p${city.cc.toLowerCase()}${city.name.length}`;
  return JSON.stringify({
    data: {
      id: String(1_800_000_000_000_000_000n + BigInt(id)),
      text,
      author_id: '1000',
      created_at: new Date(ts).toISOString(),
      entities: { hashtags: [{ start: text.indexOf('#'), end: text.length, tag }] },
      geo: { place_id: placeId, coordinates: { type: 'Point', coordinates: [lon, lat] } },
    },
    includes: {
      places: [
        {
          id: placeId,
          full_name: city.name,
          name: city.name,
          country_code: city.cc,
          place_type: 'city',
          geo: { type: 'Feature', bbox: [city.lon - 0.2, city.lat - 0.2, city.lon + 0.2, city.lat + 0.2], properties: {} },
        },
      ],
    },
  });
}

/** Writes `days` days of the archive to `dir/archive.jsonl`, in time order; returns its path and its posts. */
export function writeHistoryArchive(dir: string, days: number): { path: string; posts: CountedPost[] } {
  const next = prng(13).next;
  const made: { ts: number; tag: string; city: City }[] = [];
  for (let ts = START_MS; ts < START_MS + days * DAY_MS; ts += EVERY_MS) {
    const city = CITIES[Math.floor(next() * CITIES.length)];
    made.push({ ts: ts + Math.floor(next() * 1_000), tag: city.tags[Math.floor(next() * city.tags.length)], city });
  }
  for (const [tag, name, from, to, every] of SPIKES) {
    if (from >= START_MS + days * DAY_MS) continue;
    const city = CITIES.find((c) => c.name === name) as City;
    for (let ts = from + 500; ts < to; ts += every) made.push({ ts, tag, city });
  }
  made.sort((a, b) => a.ts - b.ts);
  const path = join(dir, 'archive.jsonl');
  writeFileSync(path, made.map(({ ts, tag, city }, i) => envelope(i, ts, tag, city, next)).join('\n') + '\n');
  return { path, posts: made.map(({ ts, tag, city }) => ({ ts, cc: city.cc, tags: [tag.normalize('NFKC').toLowerCase()] })) };
}

/** What a window must hold: posts, and posts per tag, in a region (`world` or a country) from `fromMs` to `toMs` (exclusive). */
export function countsIn(posts: readonly CountedPost[], region: string, fromMs: number, toMs: number): { total: number; tags: Map<string, number> } {
  const tags = new Map<string, number>();
  let total = 0;
  for (const post of posts) {
    if (post.ts < fromMs || post.ts >= toMs || (region !== 'world' && post.cc !== region)) continue;
    total += 1;
    for (const tag of post.tags) tags.set(tag, (tags.get(tag) ?? 0) + 1);
  }
  return { total, tags };
}

/** The top `k` of a count, as the API orders them: count descending, then key. */
export function topOf(tags: ReadonlyMap<string, number>, k: number): { tag: string; count: number }[] {
  return [...tags]
    .map(([tag, count]) => ({ tag, count }))
    .sort((a, b) => b.count - a.count || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0))
    .slice(0, k);
}
