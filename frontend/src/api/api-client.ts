/**
 * The JSON requests the page makes: the tile settings once, and the recent posts when their scope changes
 * (everything else arrives over the stream). Responses are checked before use.
 */
import type { ClientConfig, Post } from '../../../common/browser/api';
import { isObject } from './json-guards';
import { parsePosts } from './parse-posts';
import { postsUrl, type ScopeQuery } from './query-urls';

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
    const body = await getJson('/api/config', signal);
    if (!isObject(body)) return FALLBACK_CONFIG;
    return {
      tileUrl: typeof body.tileUrl === 'string' ? body.tileUrl.trim() : '',
      tileAttribution: typeof body.tileAttribution === 'string' ? body.tileAttribution : '',
    };
  } catch {
    return FALLBACK_CONFIG;
  }
}

/** The newest posts of a scope, newest first. */
export async function fetchPosts(query: ScopeQuery, limit: number, signal?: AbortSignal): Promise<Post[]> {
  return parsePosts(await getJson(postsUrl(query, limit), signal));
}

async function getJson(url: string, signal?: AbortSignal): Promise<unknown> {
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!response.ok) throw new ApiError(`${url} answered ${response.status}`, response.status);
  return response.json();
}
