/**
 * The archive the browser suites replay: a few hundred X API v2 stream envelopes in known cities with known
 * hashtag counts, stamped over the last minutes (so they count as live posts in every window), plus the
 * hostile post of `test/fixtures/hostile-post.jsonl` as the newest and one post 8 hours old as the oldest.
 * Deterministic but for the clock.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../helpers';
import { prng } from '../../common/node/prng';

interface City {
  name: string;
  cc: string;
  country: string;
  lat: number;
  lon: number;
}

/** Inland points, so even a coarse border puts them in their country. */
const CITIES: Record<string, City> = {
  paris: { name: 'Paris', cc: 'FR', country: 'France', lat: 48.8566, lon: 2.3522 },
  lyon: { name: 'Lyon', cc: 'FR', country: 'France', lat: 45.764, lon: 4.8357 },
  toulouse: { name: 'Toulouse', cc: 'FR', country: 'France', lat: 43.6047, lon: 1.4442 },
  berlin: { name: 'Berlin', cc: 'DE', country: 'Germany', lat: 52.52, lon: 13.405 },
  madrid: { name: 'Madrid', cc: 'ES', country: 'Spain', lat: 40.4168, lon: -3.7038 },
  rome: { name: 'Rome', cc: 'IT', country: 'Italy', lat: 41.9028, lon: 12.4964 },
  london: { name: 'London', cc: 'GB', country: 'United Kingdom', lat: 51.5074, lon: -0.1278 },
  tokyo: { name: 'Tokyo', cc: 'JP', country: 'Japan', lat: 35.6895, lon: 139.6917 },
  kyoto: { name: 'Kyoto', cc: 'JP', country: 'Japan', lat: 35.0116, lon: 135.7681 },
  newYork: { name: 'New York', cc: 'US', country: 'United States', lat: 40.7128, lon: -74.006 },
  saoPaulo: { name: 'São Paulo', cc: 'BR', country: 'Brazil', lat: -23.5505, lon: -46.6333 },
};

/** [hashtag as written, posts, city]. Counts are distinct within a country so its ranking has no ties. */
const POSTS: ReadonlyArray<readonly [string, number, keyof typeof CITIES]> = [
  // France: 13 tags, so the top 10 leaves some out.
  ['Paris', 30, 'paris'],
  ['TourDeFrance', 27, 'toulouse'],
  ['Louvre', 25, 'paris'],
  ['RolandGarros', 22, 'paris'],
  ['Lyon', 20, 'lyon'],
  ['FeteDeLaMusique', 18, 'lyon'],
  ['Cassoulet', 15, 'toulouse'],
  ['Croissant', 13, 'paris'],
  ['WorldCup', 11, 'lyon'],
  ['Bouchon', 9, 'lyon'],
  ['Capitole', 7, 'toulouse'],
  ['Metro', 5, 'paris'],
  ['Pluie', 3, 'paris'],
  // The rest of Europe.
  ['Berlin', 26, 'berlin'],
  ['Bundesliga', 19, 'berlin'],
  ['WorldCup', 8, 'berlin'],
  ['Madrid', 23, 'madrid'],
  ['Tapas', 16, 'madrid'],
  ['WorldCup', 6, 'madrid'],
  ['Roma', 21, 'rome'],
  ['Pasta', 12, 'rome'],
  ['London', 28, 'london'],
  ['Tea', 10, 'london'],
  ['WorldCup', 4, 'london'],
  // Japan: tags of its own, none shared with Europe but the World Cup.
  ['Tokyo', 35, 'tokyo'],
  ['東京', 24, 'tokyo'],
  ['Sushi', 18, 'tokyo'],
  ['Anime', 14, 'tokyo'],
  ['Kyoto', 17, 'kyoto'],
  ['Sakura', 9, 'kyoto'],
  ['WorldCup', 3, 'tokyo'],
  // The Americas.
  ['NYC', 20, 'newYork'],
  ['WorldCup', 10, 'newYork'],
  ['Carnaval', 17, 'saoPaulo'],
  ['WorldCup', 12, 'saoPaulo'],
];

/** The posts span this long, ending a few seconds before the archive is written. */
const SPAN_MS = 12 * 60_000;

/** How old the one post before the span is. */
const HISTORY_MS = 8 * 3_600_000;

/** The hostile post's text, exactly. */
export const HOSTILE_TEXT = '<img src=x onerror=alert(1)>';
/** Its place name, equally hostile. */
export const HOSTILE_PLACE = 'Paris <img src=y onerror=alert(2)>';

/** The synthetic world's seeded generator (mulberry32): the same shuffle and jitter every run. */
const random = (seed: number): (() => number) => prng(seed).next;

function envelope(id: string, ts: number, tag: string, city: City, next: () => number): string {
  // Within ~5 km of the centre: distinct dots, same city.
  const lat = Math.round((city.lat + (next() - 0.5) * 0.08) * 1e5) / 1e5;
  const lon = Math.round((city.lon + (next() - 0.5) * 0.08) * 1e5) / 1e5;
  const text = `Out and about in ${city.name} #${tag}`;
  const placeId = `p${city.cc.toLowerCase()}${city.name.length}`;
  return JSON.stringify({
    data: {
      id,
      text,
      author_id: '1000',
      created_at: new Date(ts).toISOString(),
      lang: 'en',
      entities: { hashtags: [{ start: text.indexOf('#'), end: text.length, tag }] },
      geo: { place_id: placeId, coordinates: { type: 'Point', coordinates: [lon, lat] } },
    },
    includes: {
      places: [
        {
          id: placeId,
          full_name: `${city.name}, ${city.country}`,
          name: city.name,
          country: city.country,
          country_code: city.cc,
          place_type: 'city',
          geo: { type: 'Feature', bbox: [city.lon - 0.2, city.lat - 0.2, city.lon + 0.2, city.lat + 0.2], properties: {} },
        },
      ],
    },
  });
}

/** The hostile post of `test/fixtures/hostile-post.jsonl`, created at `ts`. */
export function hostilePost(ts: number): string {
  const hostile = JSON.parse(readFileSync(fixture('hostile-post.jsonl'), 'utf8'));
  hostile.data.created_at = new Date(ts).toISOString();
  return JSON.stringify(hostile);
}

/** A harmless post in Paris (`Out and about in Paris #<tag>`), created at `ts`. */
export function parisPost(id: string, ts: number, tag: string): string {
  return envelope(id, ts, tag, CITIES.paris, random(Number(id.slice(-6))));
}

export interface PostsArchive {
  /** The .jsonl file to replay. */
  file: string;
  /** Posts in it, the hostile one included. */
  posts: number;
}

/** Writes the archive to a temporary directory, its newest post `nowMs` - 2 s. */
export function writePostsArchive(nowMs = Date.now()): PostsArchive {
  const next = random(20_240_601);
  const tags: Array<{ tag: string; city: City }> = [];
  for (const [tag, count, city] of POSTS) for (let i = 0; i < count; i++) tags.push({ tag, city: CITIES[city] });
  // Shuffled, so every country's posts are spread over the whole span.
  for (let i = tags.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [tags[i], tags[j]] = [tags[j], tags[i]];
  }
  const newest = nowMs - 2_000;
  const first = newest - SPAN_MS;
  const lines = tags.map(({ tag, city }, i) => {
    const ts = first + Math.floor((i * SPAN_MS) / tags.length);
    return envelope(String(1_790_000_000_000_000_000n + BigInt(i)), ts, tag, city, next);
  });
  lines.push(hostilePost(newest));
  // One post from before the 6h window: history that the rising scores of 6h and 24h can compare with
  // (without any, nothing can be called rising). It falls outside 15m and 1h.
  lines.unshift(envelope(String(1_789_999_999_999_999_999n), nowMs - HISTORY_MS, 'Yesterday', CITIES.paris, next));
  const dir = mkdtempSync(join(tmpdir(), 'trendmap-browser-'));
  const file = join(dir, 'browser-posts.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, posts: lines.length };
}
