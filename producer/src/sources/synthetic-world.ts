/**
 * The built-in synthetic world: a pure, seeded generator of posts shaped exactly like X API v2
 * filtered-stream envelopes, so that they take the same normalising path as real data.
 *
 * Posts come from real cities drawn by population, carry 1–3 hashtags drawn from long-tailed (Zipf)
 * vocabularies, worldwide and per country, plus a long tail of made-up tags and the live trends of
 * `SyntheticTrends`. The same seed and the same sequence of `nowMs` give the same posts.
 */
import { mix32, prng, pickWeighted, zipfCumulative, type Prng } from '../../../common/node/prng';
import { cityPlace, DEFAULT_MIN_POPULATION, pointNear, syntheticCities } from './synthetic-cities';
import type { City, CityTable } from './synthetic-cities';
import { SyntheticTrends } from './synthetic-trends';
import { syntheticVocabulary as vocabulary } from './synthetic-vocabulary';
import { snowflakeId } from '../../../common/node/snowflake';
import { tagKey } from '../../../common/browser/tag-key';

/** A hashtag entity of X API v2: `start`/`end` are code-point offsets of `#tag` in the text. */
export interface XHashtagEntity {
  start: number;
  end: number;
  tag: string;
}

/** A place of X API v2's `includes.places`. */
export interface XPlace {
  id: string;
  full_name: string;
  name: string;
  country_code: string;
  place_type: 'city';
  /** `bbox` is [west, south, east, north] in degrees. */
  geo: { type: 'Feature'; bbox: [number, number, number, number]; properties: Record<string, never> };
}

/** One filtered-stream message of X API v2, as the synthetic world makes them. */
export interface XEnvelope {
  data: {
    id: string;
    text: string;
    created_at: string;
    lang: string;
    author_id: string;
    entities?: { hashtags: XHashtagEntity[] };
    /** `coordinates` is [lon, lat] in degrees. */
    geo: { place_id: string; coordinates?: { type: 'Point'; coordinates: [number, number] } };
  };
  includes: { places: XPlace[] };
  matching_rules: { id: string; tag: string }[];
}

export interface SyntheticWorldOptions {
  seed: number;
  /** Cities smaller than this (people) are left out; default 100,000. */
  minPopulation?: number;
}

/** Where the worker number sits in a snowflake id's low bits, and how many workers there are. */
const SNOWFLAKE_WORKER_SHIFT = 12n;
const SNOWFLAKE_WORKERS = 1024;
/** The stream rule every post matched. */
const MATCHING_RULE = { id: '1790000000000000001', tag: 'trendmap' } as const;

/** Shares of posts: with an exact point (the rest carry only a place), with `entities` in the JSON. */
const POINT_SHARE = 0.6;
const ENTITIES_SHARE = 0.7;
/** Share of posts that repeat one of their tags in another casing ("#WorldCup … #worldcup"). */
const REPEAT_SHARE = 0.05;
/** How many distinct tags a post carries: 1 (70%), 2 (20%) or 3 (10%). */
const TAG_COUNTS = [1, 1, 1, 1, 1, 1, 1, 2, 2, 3] as const;
/** Popularity by rank within a vocabulary: weight ∝ rank^-ZIPF_EXPONENT. */
const ZIPF_EXPONENT = 1.1;
/** Of a post's non-trend tags: the share from its country's vocabulary (when it has one), from the tail. */
const COUNTRY_TAG_SHARE = 0.4;
const TAIL_TAG_SHARE = 0.06;
/** Share of posts in the local language in a country without a vocabulary but with a known language. */
const LOCAL_LANGUAGE_SHARE = 0.7;
/** Spellings: as listed ("WorldCup") most often, then lower case, then upper case. */
const LOWER_CASE_SHARE = 0.18;
const UPPER_CASE_SHARE = 0.07;
/** Authors per city: one per this many people, at least a hundred, at most the id space of a city. */
const PEOPLE_PER_AUTHOR = 100;
const MIN_AUTHORS = 100;
const MAX_AUTHORS = 100_000;

const clamp = (value: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, value));

const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
/** Code points in `text` (what X's offsets count): UTF-16 length less one per surrogate pair. */
const codePoints = (text: string): number => text.length - (text.match(SURROGATE_PAIR)?.length ?? 0);

/** Running Zipf weights of the worldwide vocabulary and of each country's. */
const GLOBAL_ZIPF = zipfCumulative(vocabulary.global.length, ZIPF_EXPONENT);
const COUNTRY_ZIPF = new Map(Object.entries(vocabulary.countries).map(([code, { tags }]) => [code, zipfCumulative(tags.length, ZIPF_EXPONENT)]));

/** Templates cut at their placeholders once: literal parts, `{t}` and `{c}` as they come. */
const TEMPLATE_PARTS = new Map(
  Object.entries(vocabulary.templates).map(([lang, list]) => [
    lang,
    list.map((template) => template.split(/(\{t\}|\{c\})/).filter((part) => part !== '')),
  ]),
);

/** A generator of synthetic X posts. Pure apart from reading the city list once per process. */
export class SyntheticWorld {
  private readonly rng: Prng;
  private readonly cities: CityTable;
  private readonly trends: SyntheticTrends;
  private readonly workerBits: bigint;
  private lastId = -1n;

  constructor(options: SyntheticWorldOptions) {
    this.rng = prng(mix32(options.seed, 0x5eed));
    this.cities = syntheticCities(options.minPopulation ?? DEFAULT_MIN_POPULATION);
    this.trends = new SyntheticTrends(options.seed);
    this.workerBits = BigInt(this.rng.int(SNOWFLAKE_WORKERS)) << SNOWFLAKE_WORKER_SHIFT;
  }

  /** The next post, created at `nowMs` (ms since the epoch). */
  next(nowMs: number): XEnvelope {
    if (!Number.isFinite(nowMs)) throw new RangeError(`nowMs must be a finite number, not ${nowMs}`);
    const { rng } = this;
    const city = this.cities.pick(rng.next());
    const lang = this.languageOf(city.country);

    const { text, hashtags } = this.compose(lang, city.name, this.drawTags(city.country, nowMs));
    const place = cityPlace(city);
    const envelope: XEnvelope = {
      data: {
        id: this.nextId(nowMs),
        text,
        created_at: new Date(nowMs).toISOString(),
        lang,
        author_id: this.authorIn(city),
        geo: { place_id: place.id },
      },
      includes: {
        places: [
          {
            id: place.id,
            full_name: place.fullName,
            name: city.name,
            country_code: city.country,
            place_type: 'city',
            geo: { type: 'Feature', bbox: [...place.bbox] as XPlace['geo']['bbox'], properties: {} },
          },
        ],
      },
      matching_rules: [{ ...MATCHING_RULE }],
    };
    if (rng.chance(ENTITIES_SHARE)) envelope.data.entities = { hashtags };
    if (rng.chance(POINT_SHARE)) {
      envelope.data.geo.coordinates = { type: 'Point', coordinates: pointNear(city, rng) };
    }
    return envelope;
  }

  /** 1–3 distinct tags as the post spells them, sometimes followed by the first again in another casing. */
  private drawTags(country: string, nowMs: number): string[] {
    const count = this.rng.pick(TAG_COUNTS);
    const seen = new Set<string>();
    const spelled: string[] = [];
    for (let attempt = 0; spelled.length < count && attempt < count * 4; attempt++) {
      const tag = this.drawTag(country, nowMs);
      const key = tagKey(tag);
      if (seen.has(key)) continue;
      seen.add(key);
      spelled.push(this.spell(tag, key));
    }
    if (this.rng.chance(REPEAT_SHARE)) {
      const [first] = spelled;
      const other = [first.toLowerCase(), first.toUpperCase()].find((v) => v !== first && tagKey(v) === tagKey(first));
      if (other) spelled.push(other);
    }
    return spelled;
  }

  /** The text from a template of `lang` with the first tag in its slot and the others after, with entities. */
  private compose(lang: string, cityName: string, tags: string[]): { text: string; hashtags: XHashtagEntity[] } {
    const hashtags: XHashtagEntity[] = [];
    let text = '';
    let position = 0;
    const append = (part: string): void => {
      text += part;
      position += codePoints(part);
    };
    const appendTag = (tag: string): void => {
      const end = position + 1 + codePoints(tag);
      hashtags.push({ start: position, end, tag });
      text += `#${tag}`;
      position = end;
    };
    for (const part of this.rng.pick(TEMPLATE_PARTS.get(lang) ?? TEMPLATE_PARTS.get('en')!)) {
      if (part === '{t}') appendTag(tags[0]);
      else append(part === '{c}' ? cityName : part);
    }
    for (const tag of tags.slice(1)) {
      append(' ');
      appendTag(tag);
    }
    return { text, hashtags };
  }

  /** An author living in the city: one id per `PEOPLE_PER_AUTHOR` people, so authors post repeatedly. */
  private authorIn(city: City): string {
    const authors = clamp(Math.floor(city.population / PEOPLE_PER_AUTHOR), MIN_AUTHORS, MAX_AUTHORS);
    return String(city.id * MAX_AUTHORS + this.rng.int(authors));
  }

  /** X's `lang` for a post from `country`: often the local language, otherwise English. */
  private languageOf(country: string): string {
    const own = vocabulary.countries[country];
    if (own) return this.rng.chance(own.localShare) ? own.lang : 'en';
    const local = vocabulary.languages[country];
    return local && this.rng.chance(LOCAL_LANGUAGE_SHARE) ? local : 'en';
  }

  /** One tag in its listed spelling: a live trend, a country tag, a tail tag or a worldwide tag. */
  private drawTag(country: string, nowMs: number): string {
    const { rng } = this;
    const trend = this.trends.draw(nowMs, country, rng.next());
    if (trend !== undefined) return trend;
    const own = vocabulary.countries[country];
    const v = rng.next();
    if (own && v < COUNTRY_TAG_SHARE) return own.tags[pickWeighted(COUNTRY_ZIPF.get(country)!, rng.next())];
    if (v > 1 - TAIL_TAG_SHARE) return vocabulary.tailTag(rng.next());
    return vocabulary.global[pickWeighted(GLOBAL_ZIPF, rng.next())];
  }

  /** The spelling a post uses: usually as listed, sometimes lower or upper case (when that keeps the key). */
  private spell(tag: string, key: string): string {
    const u = this.rng.next();
    const variant = u < LOWER_CASE_SHARE ? tag.toLowerCase() : u < LOWER_CASE_SHARE + UPPER_CASE_SHARE ? tag.toUpperCase() : tag;
    return tagKey(variant) === key ? variant : tag;
  }

  /** A snowflake-shaped id (18–19 digits for dates since 2011), strictly increasing within this world. */
  private nextId(nowMs: number): string {
    let id = snowflakeId(nowMs, this.workerBits);
    if (id <= this.lastId) id = this.lastId + 1n;
    this.lastId = id;
    return id.toString();
  }
}
