/**
 * The X API v2 filtered-stream rules for a configuration. Pure: the same configuration always gives the
 * same rules, in the same order, with the same tags, so a restart syncs to "nothing to do".
 *
 * Every rule is `has:geo has:hashtags` AND one chunk of each dimension that was given:
 *
 *   where  = (place_country:US OR place_country:GB OR bounding_box:[...] ...)   --countries and --bbox
 *   what   = (#worldcup OR olympics ...)                                         --track
 *   lang   = (lang:en OR lang:fr)                                                --lang
 *
 * Dimensions combine with AND (a post in one of the countries AND about a tracked term AND in a listed
 * language); values within a dimension combine with OR. --countries and --bbox are both "where", so they
 * are OR-ed together: a post in the box or in one of the countries. A dimension too long for one rule is
 * split into chunks, and the rules are the cross product of the where- and what-chunks (OR across rules).
 *
 * `has:` and `lang:` cannot stand alone, so at least one of --countries, --track or --bbox is required:
 * there is no default. The whole world cannot be expressed with standalone operators inside the rule
 * limits (it would take ~400,000 bounding boxes), and following every geotagged post is what the
 * synthetic and replay sources are for.
 */
import { createHash } from 'node:crypto';
import type { XConfig } from '../../../common/node/config';

/** The longest rule value the API accepts on Pro access, in characters (Enterprise allows 2,048). */
export const MAX_RULE_LENGTH = 1_024;
/**
 * How many rules this app will ask for. Deliberately conservative (the old Essential/Elevated-style cap of
 * 25; Pro allows 1,000): a box or a list that needs more is almost certainly a mistake, and other apps on
 * the same project share the allowance.
 */
export const DEFAULT_MAX_RULES = 25;
/** The API's limit on each side of a `bounding_box:` operator, in miles. */
export const MAX_BOX_SIDE_MILES = 25;
const KM_PER_MILE = 1.609_344;
/**
 * An upper bound on the length of one degree, in km: a degree of latitude is at most 111.694 km (at the
 * poles) and a degree of longitude at most 111.320 km (at the equator). Overestimating makes boxes smaller,
 * never too large.
 */
const MAX_KM_PER_DEGREE = 111.7;
/** Decimal places of box corners: 1e-6 degree is about 0.1 m, far inside the margin above. */
const BOX_DECIMALS = 6;

/** The operator pair every rule carries: only geotagged posts with at least one hashtag. */
export const BASE_OPERATORS = 'has:geo has:hashtags';
/** Tags of this app's rules start with this; rule sync only ever deletes rules that carry it. */
export const RULE_TAG_PREFIX = 'trendmap:';

export interface StreamRule {
  value: string;
  tag: string;
}

/** [west, south, east, north] in degrees. */
export type Box = [number, number, number, number];

/** The configuration cannot be expressed as rules; the message says what to change. */
export class RuleError extends Error {}

export interface RuleOptions {
  /** How many rules may be used; default DEFAULT_MAX_RULES. */
  maxRules?: number;
}

/** The rules for the filter dimensions of `x`; throws RuleError when no valid rule set exists. */
export function xRules(x: Pick<XConfig, 'countries' | 'track' | 'lang' | 'bbox'>, options: RuleOptions = {}): StreamRule[] {
  const maxRules = options.maxRules ?? DEFAULT_MAX_RULES;
  const where = [...x.countries.map((cc) => `place_country:${cc}`), ...(x.bbox === null ? [] : splitBox(x.bbox).map(boxOperator))];
  const what = x.track.map(trackOperator);
  if (where.length === 0 && what.length === 0) {
    throw new RuleError(
      'the X filtered stream needs something to filter on: give --countries (e.g. US,GB,FR), --track ' +
        "(e.g. '#worldcup,olympics') or --bbox (has:geo, has:hashtags and lang: cannot stand alone)",
    );
  }
  const langGroup = group(x.lang.map((code) => `lang:${code}`));
  const fixed = [BASE_OPERATORS, langGroup].filter((part) => part !== '').join(' ');
  // Each dimension that is present adds a space before its group.
  const budget = MAX_RULE_LENGTH - fixed.length - (where.length > 0 ? 1 : 0) - (what.length > 0 ? 1 : 0);
  const [whereBudget, whatBudget] = share(budget, groupLength(where), groupLength(what));
  const whereChunks = where.length === 0 ? [''] : pack(where, whereBudget, '--countries/--bbox');
  const whatChunks = what.length === 0 ? [''] : pack(what, whatBudget, '--track');

  const needed = whereChunks.length * whatChunks.length;
  if (needed > maxRules) {
    throw new RuleError(
      `these filters need ${needed} stream rules, more than the ${maxRules} this app allows itself ` +
        `(DEFAULT_MAX_RULES, a conservative cap; each rule is at most ${MAX_RULE_LENGTH} characters): ` +
        'use a smaller --bbox, fewer --countries or fewer --track terms',
    );
  }
  const rules: StreamRule[] = [];
  for (const whereChunk of whereChunks) {
    for (const whatChunk of whatChunks) {
      const value = [BASE_OPERATORS, whereChunk, whatChunk, langGroup].filter((part) => part !== '').join(' ');
      rules.push({ value, tag: ruleTag(value) });
    }
  }
  return rules;
}

/** This app's tag for a rule value: the prefix and a short hash, so the same value always has the same tag. */
export function ruleTag(value: string): string {
  return RULE_TAG_PREFIX + createHash('sha256').update(value).digest('hex').slice(0, 12);
}

/**
 * Splits a box into an even grid of boxes whose sides are at most MAX_BOX_SIDE_MILES, measured with a
 * degree length that is never smaller than the real one: longitude at the box's latitude closest to the
 * equator (where a degree is longest). Neighbouring cells share their edges exactly, so the grid covers the
 * box with neither gaps nor overlaps.
 */
export function splitBox([west, south, east, north]: Box): Box[] {
  const maxSideKm = MAX_BOX_SIDE_MILES * KM_PER_MILE;
  const widestLat = south <= 0 && north >= 0 ? 0 : Math.min(Math.abs(south), Math.abs(north));
  const kmPerLonDegree = MAX_KM_PER_DEGREE * Math.cos((widestLat * Math.PI) / 180);
  const rows = Math.max(1, Math.ceil(((north - south) * MAX_KM_PER_DEGREE) / maxSideKm));
  const cols = Math.max(1, Math.ceil(((east - west) * kmPerLonDegree) / maxSideKm));
  const xs = edges(west, east, cols);
  const ys = edges(south, north, rows);
  const boxes: Box[] = [];
  for (let row = 0; row < rows; row += 1) {
    for (let col = 0; col < cols; col += 1) boxes.push([xs[col], ys[row], xs[col + 1], ys[row + 1]]);
  }
  return boxes;
}

/** `count + 1` edges from `from` to `to`, all rounded to BOX_DECIMALS so that neighbours share them exactly. */
function edges(from: number, to: number, count: number): number[] {
  const step = (to - from) / count;
  return Array.from({ length: count + 1 }, (_, i) => Number((i === 0 ? from : i === count ? to : from + i * step).toFixed(BOX_DECIMALS)));
}

function boxOperator([west, south, east, north]: Box): string {
  return `bounding_box:[${[west, south, east, north].map(decimal).join(' ')}]`;
}

/** A coordinate in plain decimal notation (never `1e-7`, which the API would not read). */
function decimal(value: number): string {
  const text = value.toFixed(BOX_DECIMALS).replace(/\.?0+$/, '');
  return text === '-0' ? '0' : text;
}

/** A --track term as an operator: `#tag` as a hashtag, one word as a keyword, anything else as a phrase. */
function trackOperator(term: string): string {
  if (/^#[\p{L}\p{N}_]+$/u.test(term)) return term;
  if (/^[\p{L}\p{N}_]+$/u.test(term)) return term;
  return `"${term.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `(a OR b)`, a single term bare, nothing for none. */
function group(terms: string[]): string {
  if (terms.length <= 1) return terms[0] ?? '';
  return `(${terms.join(' OR ')})`;
}

function groupLength(terms: string[]): number {
  return group(terms).length;
}

/**
 * Splits the budget between the two OR-lists: the shorter one gets all it needs up to half, the longer
 * one the rest, so the cross product stays small.
 */
function share(budget: number, whereLength: number, whatLength: number): [number, number] {
  if (whereLength + whatLength <= budget) return [whereLength, whatLength];
  if (whereLength <= whatLength) {
    const where = Math.min(whereLength, Math.floor(budget / 2));
    return [where, budget - where];
  }
  const what = Math.min(whatLength, Math.floor(budget / 2));
  return [budget - what, what];
}

/** Packs terms, in order, into as few OR-groups as fit in `budget` characters each. */
function pack(terms: string[], budget: number, dimension: string): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  for (const term of terms) {
    if (group([term]).length > budget) {
      throw new RuleError(`a ${dimension} term is too long for one ${MAX_RULE_LENGTH}-character rule: ${term.slice(0, 60)}...`);
    }
    if (current.length > 0 && group([...current, term]).length > budget) {
      chunks.push(group(current));
      current = [];
    }
    current.push(term);
  }
  if (current.length > 0) chunks.push(group(current));
  return chunks;
}
