/**
 * The JSON requests the page makes: the tile settings once, the recent posts when their scope changes, the
 * map's labels for each view, the search box's hashtags and cities as one types, and history's answers (the
 * time history covers, the trends and a tag's regions at a moment or over 7d/30d, a tag's timeline);
 * everything else arrives over the stream. Responses are checked before use.
 */
import {
  ClientConfigSchema,
  HistoryResponseSchema,
  LabelsResponseSchema,
  PlacesResponseSchema,
  PostsResponseSchema,
  TagRegionsResponseSchema,
  TagSearchResponseSchema,
  TimelineResponseSchema,
  TrendsResponseSchema,
  type ClientConfig,
  type HistoryResponse,
  type LabelsResponse,
  type Place,
  type Post,
  type TagRegionsResponse,
  type TagSuggestion,
  type TimelineResponse,
  type TrendsResponse,
} from '../../../common/browser/api';
import type { HistoryWindowName } from '../../../common/browser/windows';
import type { Static, TSchema } from 'typebox';
import { checkAnswer } from './answer-check';
import {
  labelsUrl,
  postsUrl,
  tagRegionsUrl,
  tagTimelineUrl,
  trendsUrl,
  type LabelsRequest,
  type MomentQuery,
  type ScopeQuery,
  type TimelineRequest,
} from './query-urls';

/** The config used when `/api/config` cannot be read: borders only, which always works. */
export const FALLBACK_CONFIG: ClientConfig = { tileUrl: '', tileAttribution: '' };

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Reads `/api/config`; any failure means "no tile layer", never a broken page. */
export async function fetchConfig(signal?: AbortSignal): Promise<ClientConfig> {
  try {
    const config = checkAnswer(ClientConfigSchema, await getJson('/api/config', signal));
    return config === null ? FALLBACK_CONFIG : { ...config, tileUrl: config.tileUrl.trim() };
  } catch {
    return FALLBACK_CONFIG;
  }
}

/** The newest posts of a scope, newest first; malformed posts left out, a malformed answer an `ApiError`. */
export async function fetchPosts(query: ScopeQuery, limit: number, signal?: AbortSignal, at: number | null = null): Promise<Post[]> {
  return (await fetchChecked(PostsResponseSchema, postsUrl(query, limit, at), 'posts', signal)).posts;
}

/** The map's labels for a view; malformed labels left out, a malformed answer an `ApiError`. */
export async function fetchLabels(request: LabelsRequest, signal?: AbortSignal): Promise<LabelsResponse> {
  return fetchChecked(LabelsResponseSchema, labelsUrl(request), 'labels', signal);
}

/** The time history covers (`/api/history`); a malformed answer an `ApiError`. */
export async function fetchHistory(signal?: AbortSignal): Promise<HistoryResponse> {
  return fetchChecked(HistoryResponseSchema, '/api/history', 'history', signal);
}

/** The panel's trends at a moment or over a history window (`/api/trends`); a malformed answer an `ApiError`. */
export async function fetchTrends(query: MomentQuery, signal?: AbortSignal): Promise<TrendsResponse> {
  return fetchChecked(TrendsResponseSchema, trendsUrl(query), 'trends', signal);
}

/** Where a tag is posted at a moment or over a history window; a malformed answer an `ApiError`. */
export async function fetchTagRegions(tag: string, window: HistoryWindowName, at: number | null, signal?: AbortSignal): Promise<TagRegionsResponse> {
  return fetchChecked(TagRegionsResponseSchema, tagRegionsUrl(tag, window, at), 'tag regions', signal);
}

/** A tag's posts per hour in a region; a malformed answer an `ApiError`. */
export async function fetchTagTimeline(request: TimelineRequest, signal?: AbortSignal): Promise<TimelineResponse> {
  return fetchChecked(TimelineResponseSchema, tagTimelineUrl(request), 'timeline', signal);
}

/** Known hashtags starting with `prefix` (`/api/tags`), busiest first; a malformed answer an `ApiError`. */
export async function fetchTagSuggestions(prefix: string, limit: number, signal?: AbortSignal): Promise<TagSuggestion[]> {
  return (await fetchSearch(TagSearchResponseSchema, 'tags', prefix, limit, signal)).tags;
}

/** Cities whose name starts with `prefix` (`/api/places`), most populous first; a malformed answer an `ApiError`. */
export async function fetchPlaces(prefix: string, limit: number, signal?: AbortSignal): Promise<Place[]> {
  return (await fetchSearch(PlacesResponseSchema, 'places', prefix, limit, signal)).places;
}

/** `/api/<what>?prefix=&limit=`, checked against `schema`. */
async function fetchSearch<T extends TSchema>(schema: T, what: string, prefix: string, limit: number, signal?: AbortSignal): Promise<Static<T>> {
  return fetchChecked(schema, `/api/${what}?${new URLSearchParams({ prefix, limit: String(limit) }).toString()}`, what, signal);
}

/** `url`'s answer checked against `schema` (bad rows left out); an `ApiError` naming `what` when it does not fit. */
async function fetchChecked<T extends TSchema>(schema: T, url: string, what: string, signal?: AbortSignal): Promise<Static<T>> {
  const answer = checkAnswer(schema, await getJson(url, signal));
  if (answer === null) throw new ApiError(`${url} answered malformed ${what}`);
  return answer;
}

async function getJson(url: string, signal?: AbortSignal): Promise<unknown> {
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!response.ok) throw new ApiError(`${url} answered ${response.status}`, response.status);
  return response.json();
}
