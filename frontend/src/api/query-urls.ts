/**
 * The URLs of the stream and of the recent-posts request for what the page shows. Relative: the server that
 * serves the app also serves the API. Every value is encoded by URLSearchParams (the tag comes from the
 * page's own URL, i.e. from whoever wrote the link).
 */
import type { Area, Bbox, LabelsQueryParams, PostsQueryParams, StreamQueryParams } from '../../../common/browser/api';
import { VIEW, WORLD } from '../../../common/browser/api-constants';

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

/** `GET /api/posts?region=&limit=[&tag=]` or with `bbox=` instead of `region=`. */
export function postsUrl(query: ScopeQuery, limit: number): string {
  const params: ParamsOf<PostsQueryParams> = { ...scopeParams(query), limit: String(limit) };
  return `/api/posts?${queryString(params)}`;
}

/** What the map's labels are asked for: the viewport, the map's zoom, the window, the sort and the tag filter. */
export interface LabelsRequest extends Pick<LabelsQueryParams, 'window' | 'sort' | 'limit'> {
  bbox: Bbox;
  zoom: number;
  tag: string | null;
}

/** `GET /api/labels?bbox=&zoom=&window=&sort=&limit=[&tag=]`; the zoom to 2 decimals (Leaflet's fractional zooms are quarters). */
export function labelsUrl(request: LabelsRequest): string {
  const params: ParamsOf<LabelsQueryParams> = {
    bbox: formatBbox(request.bbox),
    zoom: String(Math.round(request.zoom * 100) / 100),
    window: request.window,
    sort: request.sort,
    limit: String(request.limit),
    tag: request.tag ?? undefined,
  };
  return `/api/labels?${queryString(params)}`;
}

/**
 * URLSearchParams' encoding, in the order given, with commas left readable (`bbox=2.2,48.8,2.5,48.9`): they
 * need no escaping.
 */
function queryString(params: Partial<Record<string, string>>): string {
  const entries = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return new URLSearchParams(entries).toString().replace(/%2C/gi, ',');
}
