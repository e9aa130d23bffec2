import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BASE_OPERATORS, DEFAULT_MAX_RULES, MAX_RULE_LENGTH, RULE_TAG_PREFIX, RuleError, ruleTag, splitBox, xRules, type Box } from './x-rules';
import { validateRule } from '../../../test/x-api/fake-x-rules';

const none = { countries: [], track: [], lang: [], bbox: null };
/** The API's limit on a box side, in km (25 miles). */
const MAX_SIDE_KM = 25 * 1.609344;
const EARTH_KM_PER_DEGREE_LAT = 111.694; // the largest, at the poles

/** Great-circle-free, conservative side lengths of a box, in km: longitude at its widest latitude. */
function sidesKm([w, s, e, n]: Box): { width: number; height: number } {
  const widestLat = s <= 0 && n >= 0 ? 0 : Math.min(Math.abs(s), Math.abs(n));
  return { width: (e - w) * 111.32 * Math.cos((widestLat * Math.PI) / 180), height: (n - s) * EARTH_KM_PER_DEGREE_LAT };
}

describe('xRules', () => {
  it('combines countries, track and lang with AND, values with OR, always with has:geo has:hashtags', () => {
    const rules = xRules({ ...none, countries: ['US', 'GB', 'FR'], track: ['#worldcup', 'olympics', 'world cup'], lang: ['en', 'fr'] });
    expect(rules).toHaveLength(1);
    expect(rules[0].value).toBe(
      'has:geo has:hashtags (place_country:US OR place_country:GB OR place_country:FR) (#worldcup OR olympics OR "world cup") (lang:en OR lang:fr)',
    );
  });

  it('leaves a single value bare', () => {
    expect(xRules({ ...none, countries: ['US'] })[0].value).toBe('has:geo has:hashtags place_country:US');
  });

  it('refuses a filter without a standalone operator: nothing, or only --lang', () => {
    expect(() => xRules(none)).toThrow(RuleError);
    expect(() => xRules({ ...none, lang: ['en'] })).toThrow(/--countries.*--track.*--bbox/);
  });

  it("tags every rule as this app's, stable for the same value", () => {
    const rules = xRules({ ...none, countries: ['US'] });
    expect(rules[0].tag.startsWith(RULE_TAG_PREFIX)).toBe(true);
    expect(rules[0].tag).toBe(ruleTag(rules[0].value));
    expect(xRules({ ...none, countries: ['GB'] })[0].tag).not.toBe(rules[0].tag);
  });

  it('splits long OR-lists into several rules, each at most 1,024 characters, losing nothing', () => {
    const track = Array.from({ length: 120 }, (_, i) => `#trendingtopic${i}`);
    const rules = xRules({ ...none, track, countries: ['US', 'GB'] }, { maxRules: 100 });
    expect(rules.length).toBeGreaterThan(1);
    for (const rule of rules) {
      expect(rule.value.length).toBeLessThanOrEqual(MAX_RULE_LENGTH);
      expect(rule.value).toContain('(place_country:US OR place_country:GB)');
    }
    const found = rules.flatMap((rule) => rule.value.match(/#trendingtopic\d+/g) ?? []);
    expect(found.sort()).toEqual([...track].sort());
  });

  it('always yields rules the stand-in (modelled on the API) accepts', () => {
    const term = fc.stringMatching(/^#?[a-z][a-z0-9_]{0,30}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom('US', 'GB', 'FR', 'DE', 'JP', 'BR', 'IN', 'NG', 'AU', 'CA'), { maxLength: 10 }),
        fc.uniqueArray(term, { maxLength: 80 }),
        fc.uniqueArray(fc.constantFrom('en', 'fr', 'de', 'ja'), { maxLength: 4 }),
        (countries, track, lang) => {
          let rules;
          try {
            rules = xRules({ countries, track, lang, bbox: null }, { maxRules: 1_000 });
          } catch (error) {
            expect(error).toBeInstanceOf(RuleError);
            expect(countries.length + track.length).toBe(0);
            return;
          }
          for (const rule of rules) {
            expect(rule.value.startsWith(BASE_OPERATORS + ' ')).toBe(true);
            expect(rule.value.length).toBeLessThanOrEqual(MAX_RULE_LENGTH);
            expect(validateRule(rule, [])).toBeNull();
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('splits a 100 x 100 km box into boxes of at most 25 miles a side that tile it exactly', () => {
    // ~100 km square around London (51.5 N): 0.9 degree of latitude, 1.44 degrees of longitude.
    const box: Box = [-0.72, 51.05, 0.72, 51.95];
    const cells = splitBox(box);
    expect(cells.length).toBeGreaterThan(1);
    for (const cell of cells) {
      const { width, height } = sidesKm(cell);
      expect(width).toBeLessThanOrEqual(MAX_SIDE_KM);
      expect(height).toBeLessThanOrEqual(MAX_SIDE_KM);
    }
    // A grid: the distinct edges cut the box into exactly these cells, with shared edges (no gaps, no overlaps).
    const xs = [...new Set(cells.flatMap(([w, , e]) => [w, e]))].sort((a, b) => a - b);
    const ys = [...new Set(cells.flatMap(([, s, , n]) => [s, n]))].sort((a, b) => a - b);
    expect([xs[0], ys[0], xs.at(-1), ys.at(-1)]).toEqual(box);
    expect(cells).toHaveLength((xs.length - 1) * (ys.length - 1));
    for (let i = 0; i + 1 < xs.length; i += 1) {
      for (let j = 0; j + 1 < ys.length; j += 1) {
        expect(cells).toContainEqual([xs[i], ys[j], xs[i + 1], ys[j + 1]]);
      }
    }
    const area = cells.reduce((sum, [w, s, e, n]) => sum + (e - w) * (n - s), 0);
    expect(area).toBeCloseTo((box[2] - box[0]) * (box[3] - box[1]), 10);
  });

  it('packs the boxes OR-ed into rules under the length limit', () => {
    const rules = xRules({ ...none, bbox: [-0.72, 51.05, 0.72, 51.95] });
    const boxes = rules.flatMap((rule) => rule.value.match(/bounding_box:\[[^\]]+\]/g) ?? []);
    expect(boxes).toHaveLength(splitBox([-0.72, 51.05, 0.72, 51.95]).length);
    expect(boxes[0]).toMatch(/^bounding_box:\[-?\d+(\.\d+)? -?\d+(\.\d+)? -?\d+(\.\d+)? -?\d+(\.\d+)?\]$/);
    for (const rule of rules) expect(rule.value.length).toBeLessThanOrEqual(MAX_RULE_LENGTH);
  });

  it('refuses a box that needs more rules than allowed, saying how many', () => {
    // Most of Europe: thousands of 25-mile boxes.
    expect(() => xRules({ ...none, bbox: [-10, 35, 30, 60] })).toThrow(new RegExp(`need \\d+ stream rules, more than the ${DEFAULT_MAX_RULES}`));
    try {
      xRules({ ...none, bbox: [-10, 35, 30, 60] });
    } catch (error) {
      const needed = Number(/need (\d+) stream rules/.exec((error as Error).message)?.[1]);
      expect(needed).toBeGreaterThan(DEFAULT_MAX_RULES);
    }
  });
});
