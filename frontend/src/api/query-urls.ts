/**
 * The URLs of the stream and of the requests for what the page shows (recent posts, labels, and the
 * answers of history: trends and a tag's regions at a moment, the tag's timeline). Relative: the server that
 * serves the app also serves the API. Every value is encoded by URLSearchParams (the tag comes from the
 * page's own URL, i.e. from whoever wrote the link).
 */
import type {
  Area,
  Bbox,
  LabelsQueryParams,
  PostsQueryParams,
  StreamQueryParams,
  TagRegionsQueryParams,
  TimelineQueryParams,
  TrendsQueryParams,
} from '../../../common/browser/api';
import { VIEW, WORLD } from '../../../common/browser/api-constants';
import type { HistoryWindowName } from '../../../common/browser/windows';
import { formatAt } from '../time/time-math';

/**
 * Which posts a request is about: an area (a region, or the viewport with its box) and an optional tag. The
 * parameters of the contract's query schemas (`PostsQuerySchema`, `StreamQuerySchema`) as the page holds
 * them: the box as numbers, absent values as null.
 */
export interface ScopeQuery extends Area {
  region: NonNullable<StreamQueryParams['region']>;
  tag: NonNullable<StreamQueryParams['tag']> | null;
}

/** Everything the stream is opened for (its `limit` is the contract's default). */
export interface StreamQuery extends ScopeQuery, Pick<StreamQueryParams, 'window' | 'sort'> {}

/** A query's parameters by the names its schema gives them, as text. */
type ParamsOf<Params> = Partial<Record<keyof Params, string>>;

/**
 * "w,s,e,n" with at most 4 decimals (about 10 m): enough for a city, short in a URL, and stable, so the same
 * view always makes the same URL.
 */
export function formatBbox(bbox: Bbox): string {
  return bbox.map((value) => String(Math.round(value * 1e4) / 1e4)).join(',');
}

/** `region=` or (for the viewport) `bbox=`: the contract says a bbox implies region `view`. */
function scopeParams(query: ScopeQuery): ParamsOf<PostsQueryParams & StreamQueryParams> {
  const area = query.region === VIEW && query.bbox ? { bbox: formatBbox(query.bbox) } : { region: query.region === VIEW ? WORLD : query.region };
  return query.tag === null ? area : { ...area, tag: query.tag };
}

/** `GET /api/stream?region=&window=&sort=[&tag=]` or with `bbox=` instead of `region=`. */
export function streamUrl(query: StreamQuery, base = '/api/stream'): string {
  const params: ParamsOf<StreamQueryParams> = { ...scopeParams(query), window: query.window, sort: query.sort };
  return `${base}?${queryString(params)}`;
}

/**
 * What the panel asks `/api/trends` and `/api/tags/:tag/regions` for when the stream cannot answer: a moment
 * in history (`at`, ms, null for now) or a history window (`7d`, `30d`).
 */
export interface MomentQuery extends ScopeQuery, Pick<TrendsQueryParams, 'sort'> {
  window: HistoryWindowName;
  at: number | null;
}

/** `at=` as the URL writes it, absent for now. */
const atParam = (at: number | null): { at?: string } => (at === null ? {} : { at: formatAt(at) });

/** `GET /api/trends?region=&window=&sort=[&at=]` or with `bbox=`: the stream's trends query, plus the moment. */
export function trendsUrl(query: MomentQuery): string {
  const params: ParamsOf<TrendsQueryParams> = {
    ...scopeParams({ ...query, tag: null }),
    window: query.window,
    sort: query.sort,
    ...atParam(query.at),
  };
  return `/api/trends?${queryString(params)}`;
}

/** `GET /api/tags/:tag/regions?window=[&at=]`. */
export function tagRegionsUrl(tag: string, window: HistoryWindowName, at: number | null): string {
  const params: ParamsOf<TagRegionsQueryParams> = { window, ...atParam(at) };
  return `/api/tags/${encodeURIComponent(tag)}/regions?${queryString(params)}`;
}

/** What a tag's timeline is asked for: the tag, where, and the span (ms) by the hour. */
export interface TimelineRequest extends ScopeQuery {
  tag: string;
  from: number;
  to: number;
}

/** `GET /api/tags/:tag/timeline?region=&from=&to=&step=1h` or with `bbox=` instead of `region=`. */
export function tagTimelineUrl(request: TimelineRequest): string {
  const params: ParamsOf<TimelineQueryParams> = {
    ...scopeParams({ ...request, tag: null }),
    from: formatAt(request.from),
    to: formatAt(request.to),
    step: '1h',
  };
  return `/api/tags/${encodeURIComponent(request.tag)}/timeline?${queryString(params)}`;
}

/** `GET /api/posts?region=&limit=[&tag=][&at=]` or with `bbox=` instead of `region=`: `at` (ms) for the posts up to a moment. */
export function postsUrl(query: ScopeQuery, limit: number, at: number | null = null): string {
  const params: ParamsOf<PostsQueryParams> = { ...scopeParams(query), limit: String(limit), ...atParam(at) };
  return `/api/posts?${queryString(params)}`;
}

/** What the map's labels are asked for: the viewport, the map's zoom, the window, the sort, the tag filter and the moment. */
export interface LabelsRequest extends Pick<LabelsQueryParams, 'window' | 'sort' | 'limit'> {
  bbox: Bbox;
  zoom: number;
  tag: string | null;
  /** The moment (ms), null for now. */
  at: number | null;
}

/** `GET /api/labels?bbox=&zoom=&window=&sort=&limit=[&tag=][&at=]`; the zoom to 2 decimals (Leaflet's fractional zooms are quarters). */
export function labelsUrl(request: LabelsRequest): string {
  const params: ParamsOf<LabelsQueryParams & { at: string }> = {
    bbox: formatBbox(request.bbox),
    zoom: String(Math.round(request.zoom * 100) / 100),
    window: request.window,
    sort: request.sort,
    limit: String(request.limit),
    tag: request.tag ?? undefined,
    ...atParam(request.at),
  };
  return `/api/labels?${queryString(params)}`;
}

/**
 * URLSearchParams' encoding, in the order given, with commas and colons left readable
 * (`bbox=2.2,48.8,2.5,48.9`, `at=2026-11-20T18:00Z`): they need no escaping in a query.
 */
function queryString(params: Partial<Record<string, string>>): string {
  const entries = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return new URLSearchParams(entries).toString().replace(/%2C/gi, ',').replace(/%3A/gi, ':');
}
