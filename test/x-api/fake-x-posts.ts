/**
 * Real-shaped X API v2 filtered-stream envelopes for the local stand-in: `data` with geo and hashtag
 * entities, `includes.places` with country_code and a GeoJSON bbox; some posts carry exact coordinates.
 */

import { snowflakeId } from '../../common/node/snowflake';
import type { XHashtagEntity, XPlace } from '../../producer/src/sources/synthetic-world';

/** A place as the API includes it: the shape the synthetic world makes too. */
export type FakePlace = XPlace;

export interface FakeEnvelope {
  data: {
    id: string;
    text: string;
    created_at: string;
    author_id: string;
    lang: string;
    edit_history_tweet_ids: string[];
    entities: { hashtags: XHashtagEntity[] };
    geo: { place_id: string; coordinates?: { type: 'Point'; coordinates: [number, number] } };
  };
  includes: { places: FakePlace[] };
  matching_rules?: { id: string; tag?: string }[];
}

const PLACES: FakePlace[] = [
  place('01fbe706f872cb32', 'Washington, DC', 'Washington', 'US', [-77.119401, 38.801826, -76.909396, 38.9953797]),
  place('3b77caf94bfc81fe', 'Los Angeles, CA', 'Los Angeles', 'US', [-118.668404, 33.704538, -118.155409, 34.337041]),
  place('457b4814b4240d87', 'London, England', 'London', 'GB', [-0.187894, 51.483718, -0.109978, 51.542719]),
  place('315b740b108481f6', 'Manchester, England', 'Manchester', 'GB', [-2.319934, 53.343623, -2.147026, 53.570282]),
  place('09f6a7707f18e0b1', 'Paris, France', 'Paris', 'FR', [2.224101, 48.815521, 2.469905, 48.902146]),
  place('5a1ef1a0ab4bb3b0', 'Lyon, France', 'Lyon', 'FR', [4.771814, 45.707367, 4.898377, 45.808271]),
];

// Some outside ASCII, so that a character split across network chunks is exercised.
const TAGS = ['WorldCup', 'Olympics', 'Paris2024', 'Jazz', 'サッカー', 'Rain', 'TechNews', 'Café', 'Marathon'];

function place(id: string, fullName: string, name: string, cc: string, bbox: [number, number, number, number]): FakePlace {
  return { id, full_name: fullName, name, country_code: cc, place_type: 'city', geo: { type: 'Feature', bbox, properties: {} } };
}

/**
 * `count` envelopes, deterministic for a given `startMs`: created a few ms apart from `startMs`, ids
 * snowflakes of that time. Every third post has exact coordinates (inside its place's box); each post has
 * one or two distinct hashtags, spelled with varying case now and then.
 */
export function makeFakePosts(count: number, startMs: number): FakeEnvelope[] {
  const posts: FakeEnvelope[] = [];
  for (let i = 0; i < count; i += 1) {
    const ts = startMs + i * 10;
    const id = snowflakeId(ts, BigInt(i % 4_096)).toString();
    const where = PLACES[(i * 7) % PLACES.length];
    const first = TAGS[i % TAGS.length];
    const second = i % 3 === 0 ? TAGS[(i + 3) % TAGS.length] : null;
    const spelled = i % 5 === 0 ? first.toUpperCase() : first;
    let text = `Post ${i} from ${where.name} `;
    const hashtags: FakeEnvelope['data']['entities']['hashtags'] = [];
    for (const tag of second === null ? [spelled] : [spelled, second]) {
      hashtags.push({ start: text.length, end: text.length + 1 + tag.length, tag });
      text += `#${tag} `;
    }
    const [w, s, e, n] = where.geo.bbox;
    const geo: FakeEnvelope['data']['geo'] = { place_id: where.id };
    if (i % 3 === 1) geo.coordinates = { type: 'Point', coordinates: [round6((w + e) / 2 + (e - w) / 7), round6((s + n) / 2)] };
    posts.push({
      data: {
        id,
        text: text.trim(),
        created_at: new Date(ts).toISOString(),
        author_id: String(1_000 + (i % 17)),
        lang: where.country_code === 'FR' ? 'fr' : 'en',
        edit_history_tweet_ids: [id],
        entities: { hashtags },
        geo,
      },
      includes: { places: [where] },
    });
  }
  return posts;
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
