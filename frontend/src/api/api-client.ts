/**
 * The JSON requests the page makes: the tile settings once, the recent posts when their scope changes, the
 * map's labels for each view, and the search box's hashtags and cities as one types (everything else arrives
 * over the stream). Responses are checked before use.
 */
import {
  ClientConfigSchema,
  LabelsResponseSchema,
  PlacesResponseSchema,
  PostsResponseSchema,
  TagSearchResponseSchema,
  type ClientConfig,
  type LabelsResponse,
  type Place,
  type Post,
  type TagSuggestion,
} from '../../../common/browser/api';
import type { Static, TSchema } from 'typebox';
import { checkAnswer } from './answer-check';
import { labelsUrl, postsUrl, type LabelsRequest, type ScopeQuery } from './query-urls';

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
export async function fetchPosts(query: ScopeQuery, limit: number, signal?: AbortSignal): Promise<Post[]> {
  const url = postsUrl(query, limit);
  const answer = checkAnswer(PostsResponseSchema, await getJson(url, signal));
  if (answer === null) throw new ApiError(`${url} answered malformed posts`);
  return answer.posts;
}

/** The map's labels for a view; malformed labels left out, a malformed answer an `ApiError`. */
export async function fetchLabels(request: LabelsRequest, signal?: AbortSignal): Promise<LabelsResponse> {
  const url = labelsUrl(request);
  const answer = checkAnswer(LabelsResponseSchema, await getJson(url, signal));
  if (answer === null) throw new ApiError(`${url} answered malformed labels`);
  return answer;
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
  const url = `/api/${what}?${new URLSearchParams({ prefix, limit: String(limit) }).toString()}`;
  const answer = checkAnswer(schema, await getJson(url, signal));
  if (answer === null) throw new ApiError(`${url} answered malformed ${what}`);
  return answer;
}

async function getJson(url: string, signal?: AbortSignal): Promise<unknown> {
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!response.ok) throw new ApiError(`${url} answered ${response.status}`, response.status);
  return response.json();
}
