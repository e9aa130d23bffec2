/**
 * Query-parameter readers that fail with a message naming the parameter, the allowed values and what was
 * given, e.g. `window must be one of 15m, 1h, 6h, 24h; got "2d"`.
 */
import { DEFAULT_SORT, SORTS, TRENDS_LIMIT, VIEW, WORLD, type SortName } from '../../../common/browser/api';
import { BboxError, parseBbox } from '../../../common/browser/bbox';
import { isCountryCode } from '../../../common/browser/countries';
import { DEFAULT_WINDOW, WINDOW_NAMES, isWindowName, type WindowName } from '../../../common/browser/windows';
import { parseTagParam } from '../../../common/browser/tag-key';
import type { Area } from '../core/area';
import type { TrendsQuery } from '../core/trends-query';
import type { StreamSubscription } from '../sse/stream-subscription';
import { ApiError } from './api-error';

export class BadParameter extends ApiError {
  constructor(message: string) {
    super(400, message);
  }
}

type Query = Record<string, unknown>;

/** A parameter given once, as a string; undefined when absent. Repeats are an error. */
function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new BadParameter(`${name} must be given once`);
  return value;
}

const shown = (value: string) => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);

/** `world` or a country code (any casing); `view` is read by `readArea`, with its box. */
export function readRegion(query: Query): string {
  const raw = single(query, 'region');
  if (raw === undefined || raw.toLowerCase() === WORLD) return WORLD;
  const code = raw.toUpperCase();
  if (!isCountryCode(code)) {
    throw new BadParameter(`region must be "world", an ISO 3166-1 alpha-2 country code or "view" (with bbox); got ${shown(raw)}`);
  }
  return code;
}

/**
 * Where a query looks: `bbox=west,south,east,north` (region absent or `view`) makes it the box, as
 * `parseBbox` reads it; otherwise `region` as `readRegion` reads it. `region=view` needs a bbox, and a bbox
 * goes with no other region.
 */
export function readArea(query: Query): Area {
  const rawBbox = single(query, 'bbox');
  const rawRegion = single(query, 'region');
  const isView = rawRegion?.toLowerCase() === VIEW;
  if (rawBbox === undefined || rawBbox === '') {
    if (isView) throw new BadParameter('region=view needs bbox=west,south,east,north (degrees)');
    return { region: readRegion(query), bbox: null };
  }
  if (rawRegion !== undefined && !isView) {
    throw new BadParameter(`bbox answers for region "view" only; got region=${shown(rawRegion)} with it`);
  }
  try {
    return { region: VIEW, bbox: parseBbox(rawBbox) };
  } catch (error) {
    if (error instanceof BboxError) throw new BadParameter(`${error.message}; got ${shown(rawBbox)}`);
    throw error;
  }
}

export function readWindow(query: Query): WindowName {
  const raw = single(query, 'window');
  if (raw === undefined) return DEFAULT_WINDOW;
  if (!isWindowName(raw)) throw new BadParameter(`window must be one of ${WINDOW_NAMES.join(', ')}; got ${shown(raw)}`);
  return raw;
}

export function readSort(query: Query): SortName {
  const raw = single(query, 'sort');
  if (raw === undefined) return DEFAULT_SORT;
  const sort = SORTS.find((name) => name === raw);
  if (sort === undefined) throw new BadParameter(`sort must be one of ${SORTS.join(', ')}; got ${shown(raw)}`);
  return sort;
}

/** A whole number within `range` (by default the trends' 1 to 50, 10 when absent). */
export function readLimit(query: Query, range: { default: number; min: number; max: number } = TRENDS_LIMIT): number {
  const raw = single(query, 'limit');
  if (raw === undefined) return range.default;
  const limit = /^[0-9]{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(limit >= range.min && limit <= range.max)) {
    throw new BadParameter(`limit must be a whole number from ${range.min} to ${range.max}; got ${shown(raw)}`);
  }
  return limit;
}

/** The tag filter's key, or null when absent. */
export function readTag(query: Query): string | null {
  const raw = single(query, 'tag');
  if (raw === undefined || raw === '') return null;
  return tagKeyOf(raw);
}

/** A tag as a path or query value (`worldcup`, `#WorldCup`, `%23worldcup`) -> its key; 400 when unusable. */
export function tagKeyOf(raw: string): string {
  const key = parseTagParam(raw);
  if (key === null) throw new BadParameter(`tag must be a hashtag such as "worldcup" or "#WorldCup"; got ${shown(raw)}`);
  return key;
}

/** What `/api/trends` answers: area, window, sort and limit. */
export function readTrendsQuery(query: Query): TrendsQuery {
  return { ...readArea(query), window: readWindow(query), sort: readSort(query), limit: readLimit(query) };
}

/** What `/api/stream` follows: the trends query's parameters, plus the tag filter. */
export function readStreamSubscription(query: Query): StreamSubscription {
  return { ...readTrendsQuery(query), tag: readTag(query) };
}
