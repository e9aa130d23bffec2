/**
 * The two JSON endpoints the frontend polls. Responses are checked before use: the server is trusted, but a
 * proxy error page or a half-deployed server must show up as "unavailable", not as a crash in the panel.
 */
import type { ClientConfig, Trend, TrendsResponse } from '../../../common/src/api';
import type { WindowName } from '../../../common/src/windows';

export interface TrendsQuery {
  /** `world` or an ISO 3166-1 alpha-2 code. */
  region: string;
  window: WindowName;
  /** How many trends to ask for (the server accepts 1..50). */
  limit: number;
}

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

/** The relative URL of a trends query; relative because the server that serves the app also serves the API. */
export function trendsUrl(query: TrendsQuery): string {
  const params = new URLSearchParams({ region: query.region, window: query.window, limit: String(query.limit) });
  return `/api/trends?${params}`;
}

export async function fetchTrends(query: TrendsQuery, signal?: AbortSignal): Promise<TrendsResponse> {
  return parseTrendsResponse(await getJson(trendsUrl(query), signal));
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

/**
 * Checks a trends body. Throws when the body as a whole is unusable; drops single malformed trends so one
 * odd row does not blank the list.
 */
export function parseTrendsResponse(body: unknown): TrendsResponse {
  if (!isObject(body) || !Array.isArray(body.trends)) throw new ApiError('malformed trends response');
  const trends: Trend[] = [];
  for (const item of body.trends) {
    if (!isObject(item) || typeof item.tag !== 'string' || !isCount(item.count)) continue;
    const display = typeof item.display === 'string' && item.display !== '' ? item.display : item.tag;
    trends.push({ tag: item.tag, display, count: item.count });
  }
  return {
    region: typeof body.region === 'string' ? body.region : '',
    window: typeof body.window === 'string' ? body.window : '',
    asOf: typeof body.asOf === 'number' && Number.isFinite(body.asOf) ? body.asOf : null,
    total: isCount(body.total) ? body.total : trends.reduce((sum, trend) => sum + trend.count, 0),
    trends,
  };
}

async function getJson(url: string, signal?: AbortSignal): Promise<unknown> {
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!response.ok) throw new ApiError(`${url} answered ${response.status}`, response.status);
  return response.json();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
