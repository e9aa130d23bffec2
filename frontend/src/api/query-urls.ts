/**
 * The URLs of the stream and of the recent-posts request for what the page shows. Relative: the server that
 * serves the app also serves the API. Every value is encoded by URLSearchParams (the tag comes from the
 * page's own URL, i.e. from whoever wrote the link).
 */
import type { Bbox, SortName } from '../../../common/browser/api';
import type { WindowName } from '../../../common/browser/windows';
import { VIEW, WORLD } from '../../../common/browser/api-constants';

/** Which posts a request is about: a region (or the viewport) and an optional tag. */
export interface ScopeQuery {
  /** `world`, an alpha-2 code, or `view` (then `bbox` must be set). */
  region: string;
  /** The viewport, used when region is `view`. */
  bbox: Bbox | null;
  tag: string | null;
}

/** Everything the stream is opened for. */
export interface StreamQuery extends ScopeQuery {
  window: WindowName;
  sort: SortName;
}

/**
 * "w,s,e,n" with at most 4 decimals (about 10 m): enough for a city, short in a URL, and stable, so the same
 * view always makes the same URL.
 */
export function formatBbox(bbox: Bbox): string {
  return bbox.map((value) => String(Math.round(value * 1e4) / 1e4)).join(',');
}

/** `region=` or (for the viewport) `bbox=`: the contract says a bbox implies region `view`. */
function scopeParams(params: URLSearchParams, query: ScopeQuery): void {
  if (query.region === VIEW && query.bbox) params.set('bbox', formatBbox(query.bbox));
  else params.set('region', query.region === VIEW ? WORLD : query.region);
  if (query.tag !== null) params.set('tag', query.tag);
}

/** `GET /api/stream?region=&window=&sort=[&tag=]` or with `bbox=` instead of `region=`. */
export function streamUrl(query: StreamQuery, base = '/api/stream'): string {
  const params = new URLSearchParams();
  scopeParams(params, query);
  params.set('window', query.window);
  params.set('sort', query.sort);
  return `${base}?${queryString(params)}`;
}

/** `GET /api/posts?region=&limit=[&tag=]` or with `bbox=` instead of `region=`. */
export function postsUrl(query: ScopeQuery, limit: number): string {
  const params = new URLSearchParams();
  scopeParams(params, query);
  params.set('limit', String(limit));
  return `/api/posts?${queryString(params)}`;
}

/** URLSearchParams' encoding with commas left readable (`bbox=2.2,48.8,2.5,48.9`): they need no escaping. */
function queryString(params: URLSearchParams): string {
  return params.toString().replace(/%2C/gi, ',');
}
