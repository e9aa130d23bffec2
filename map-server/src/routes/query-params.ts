/**
 * Query-parameter readers that fail with a message naming the parameter, the allowed values and what was
 * given, e.g. `window must be one of 15m, 1h, 6h, 24h; got "2d"`.
 */
import { TRENDS_LIMIT, WORLD } from '../../../common/src/api';
import { isCountryCode } from '../../../common/src/countries';
import { DEFAULT_WINDOW, WINDOW_NAMES, isWindowName, type WindowName } from '../../../common/src/windows';
import { parseTagParam } from '../../../common/src/tag-key';

export class BadParameter extends Error {
  readonly statusCode = 400;
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

export function readRegion(query: Query): string {
  const raw = single(query, 'region');
  if (raw === undefined || raw.toLowerCase() === WORLD) return WORLD;
  const code = raw.toUpperCase();
  if (!isCountryCode(code)) {
    throw new BadParameter(`region must be "world" or an ISO 3166-1 alpha-2 country code; got ${shown(raw)}`);
  }
  return code;
}

export function readWindow(query: Query): WindowName {
  const raw = single(query, 'window');
  if (raw === undefined) return DEFAULT_WINDOW;
  if (!isWindowName(raw)) throw new BadParameter(`window must be one of ${WINDOW_NAMES.join(', ')}; got ${shown(raw)}`);
  return raw;
}

export function readLimit(query: Query): number {
  const raw = single(query, 'limit');
  if (raw === undefined) return TRENDS_LIMIT.default;
  const limit = /^[0-9]{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(limit >= TRENDS_LIMIT.min && limit <= TRENDS_LIMIT.max)) {
    throw new BadParameter(`limit must be a whole number from ${TRENDS_LIMIT.min} to ${TRENDS_LIMIT.max}; got ${shown(raw)}`);
  }
  return limit;
}

/** The tag filter's key, or null when absent. */
export function readTag(query: Query): string | null {
  const raw = single(query, 'tag');
  if (raw === undefined || raw === '') return null;
  const key = parseTagParam(raw);
  if (key === null) throw new BadParameter(`tag must be a hashtag such as "worldcup" or "#WorldCup"; got ${shown(raw)}`);
  return key;
}
