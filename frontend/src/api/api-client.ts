/**
 * The JSON requests the page makes: the tile settings once, the recent posts when their scope changes, and
 * the map's labels for each view (everything else arrives over the stream). Responses are checked before use.
 */
import {
  ClientConfigSchema,
  LabelsResponseSchema,
  PostsResponseSchema,
  type ClientConfig,
  type LabelsResponse,
  type Post,
} from '../../../common/browser/api';
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

async function getJson(url: string, signal?: AbortSignal): Promise<unknown> {
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!response.ok) throw new ApiError(`${url} answered ${response.status}`, response.status);
  return response.json();
}
