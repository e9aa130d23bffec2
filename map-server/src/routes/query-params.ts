/**
 * Query parameters beyond their schemas. The routes declare each parameter once, in common/browser/api.ts;
 * Fastify checks them (types, enums, ranges, defaults) and `parameterError` turns its first complaint into
 * our message: `window must be one of 15m, 1h, 6h, 24h; got "2d"`, or `window must be given once` for a
 * repeat. What a schema cannot say is read here, in the same words: a country code in any casing, a box's
 * numbers, region `view` with its box, a tag's characters.
 */
import type { FastifySchemaValidationError, FastifyServerOptions } from 'fastify';
import {
  RegionParam,
  TagParam,
  TimeParam,
  POST_LIMITS,
  VIEW,
  WORLD,
  type Bbox,
  type LabelsQueryParams,
  type StreamQueryParams,
  type TrendsQueryParams,
} from '../../../common/browser/api';
import { BboxError, parseBbox } from '../../../common/browser/bbox';
import { isCountryCode } from '../../../common/browser/countries';
import { parseTagParam } from '../../../common/browser/tag-key';
import { isLiveWindow } from '../../../common/browser/windows';
import { zoneOffsetMs } from '../../../common/node/time-range';
import type { Area } from '../core/area';
import type { TrendsQuery } from '../core/trends-query';
import type { LabelsQuery } from '../core/labels-query';
import type { HistoryTrendsQuery } from '../core/history/history-answers';
import type { HistoryLabelsQuery } from '../core/history/history-labels';
import type { StreamSubscription } from '../sse/stream-subscription';
import { ApiError } from './api-error';

export class BadParameter extends ApiError {
  constructor(message: string) {
    super(400, message);
  }
}

/** A value as a message quotes it: JSON, cut at 40 characters. */
const shown = (value: string) => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);

/** `<name> <the rule: the parameter schema's description>; got "<raw>"`. */
function breaks(name: string, schema: object | undefined, raw: string): BadParameter {
  const rule = schema !== undefined && 'description' in schema && typeof schema.description === 'string' ? schema.description : 'is not valid';
  return new BadParameter(`${name} ${rule}; got ${shown(raw)}`);
}

/** What Ajv adds to an error with `verbose: true` (app.ts): the value at fault and its schema. */
interface VerboseError extends FastifySchemaValidationError {
  data?: unknown;
  parentSchema?: object;
}

/**
 * Fastify's `schemaErrorFormatter`: the first error of a querystring or path (`dataVar`) as a 400 naming
 * the parameter. A repeated parameter arrives as an array, which no parameter's schema takes.
 */
export const parameterError: NonNullable<FastifyServerOptions['schemaErrorFormatter']> = (errors, dataVar) => {
  const [error] = errors as VerboseError[];
  const name = error.instancePath.replace(/^\//, '') || dataVar;
  if (Array.isArray(error.data)) return new BadParameter(`${name} must be given once`);
  return breaks(name, error.parentSchema, String(error.data));
};

/** `world` or a country code (any casing), upper case; `view` is read by `readArea`, with its box. */
function readRegion(raw: string | undefined): string {
  if (raw === undefined || raw.toLowerCase() === WORLD) return WORLD;
  const code = raw.toUpperCase();
  if (!isCountryCode(code)) throw breaks('region', RegionParam, raw);
  return code;
}

/**
 * Where a query looks: `bbox=west,south,east,north` (region absent or `view`) makes it the box, as
 * `parseBbox` reads it; otherwise `region` as `readRegion` reads it. `region=view` needs a bbox, and a bbox
 * goes with no other region.
 */
export function readArea({ region, bbox }: { region?: string; bbox?: string }): Area {
  const isView = region?.toLowerCase() === VIEW;
  if (bbox === undefined || bbox === '') {
    if (isView) throw new BadParameter('region=view needs bbox=west,south,east,north (degrees)');
    return { region: readRegion(region), bbox: null };
  }
  if (region !== undefined && !isView) throw new BadParameter(`bbox answers for region "view" only; got region=${shown(region)} with it`);
  return { region: VIEW, bbox: readBbox(bbox) };
}

/** `bbox=west,south,east,north` as `parseBbox` reads it; 400 with its reason when it cannot. */
function readBbox(raw: string): Bbox {
  try {
    return parseBbox(raw);
  } catch (error) {
    if (error instanceof BboxError) throw new BadParameter(`${error.message}; got ${shown(raw)}`);
    throw error;
  }
}

/**
 * What `/api/labels` answers: a box (absent or empty: the world), the map's zoom, a window, a sort, a limit and
 * a tag; from the live counts (`live`), or from history for a moment (`at`) or a window longer than a day.
 */
export function readLabelsQuery(query: LabelsQueryParams): { live: LabelsQuery } | { history: HistoryLabelsQuery } {
  const bbox = query.bbox === undefined || query.bbox === '' ? null : readBbox(query.bbox);
  const { window, zoom, sort, limit } = query;
  const tag = readTag(query.tag);
  const atMs = readTime('at', query.at);
  if (atMs === null && isLiveWindow(window)) return { live: { bbox, zoom, window, sort, limit, tag } };
  return { history: { bbox, zoom, window, sort, limit, tag, atMs } };
}

/** The tag filter's key, or null when absent or empty. */
export function readTag(raw: string | undefined): string | null {
  return raw === undefined || raw === '' ? null : tagKeyOf(raw);
}

/** A tag as a path or query value (`worldcup`, `#WorldCup`, `%23worldcup`) -> its key; 400 when unusable. */
export function tagKeyOf(raw: string): string {
  const key = parseTagParam(raw);
  if (key === null) throw breaks('tag', TagParam, raw);
  return key;
}

/**
 * What `/api/trends` answers: from the live counts (`live`), or from history when it asks for a moment
 * (`at`) or a window longer than a day.
 */
export function readTrendsQuery(query: TrendsQueryParams): { live: TrendsQuery } | { history: HistoryTrendsQuery } {
  const { window, sort, limit } = query;
  const area = readArea(query);
  const atMs = readTime('at', query.at);
  if (atMs === null && isLiveWindow(window)) return { live: { ...area, window, sort, limit } };
  return { history: { ...area, window, sort, limit, atMs } };
}

/** ISO 8601 as the API reads it: a date, or a date and time to the minute, second or fraction, with `Z`, an offset, or no zone (UTC). */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** `raw` as ms since the epoch when it is ISO 8601 as `ISO_TIME` reads it, a real date and time; else null. */
function isoMs(raw: string): number | null {
  const m = ISO_TIME.exec(raw);
  if (m === null) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m
    .slice(1, 7)
    .map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1_000));
  const date = new Date(ms);
  // A date that does not exist (February 30th, hour 25) rolls over in Date.UTC: refused instead.
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  ) {
    return null;
  }
  // An offset no clock keeps (`+24:00`, `-00:60`, `+99:99`) is refused, as `--from` and `--to` refuse it.
  const offsetMs = zoneOffsetMs(m[8] ?? 'Z');
  return offsetMs === null ? null : ms - offsetMs;
}

/**
 * A moment parameter (`at`, `from`, `to`): ISO 8601 (`2026-11-20`, `2026-11-20T18:00`, `…:00Z`, `…+01:00`; a
 * time without a zone is UTC, never the server's zone) or ms since the epoch (digits), as ms; null when absent
 * or empty; 400 naming the parameter when it is neither, or outside what a date holds.
 */
export function readTime(name: string, raw: string | undefined): number | null {
  if (raw === undefined || raw === '') return null;
  const ms = /^\d+$/.test(raw) ? Number(raw) : isoMs(raw);
  if (ms === null || !Number.isSafeInteger(ms) || ms < 0 || ms > POST_LIMITS.maxTimeMs) throw breaks(name, TimeParam, raw);
  return ms;
}

/** What `/api/stream` follows: the trends query, plus the tag filter. */
export function readStreamSubscription(query: StreamQueryParams): StreamSubscription {
  return { ...readArea(query), window: query.window, sort: query.sort, limit: query.limit, tag: readTag(query.tag) };
}
