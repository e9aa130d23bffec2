/**
 * A per-address request budget for `/api/*` (`@fastify/rate-limit`): generous enough for any page (which
 * loads a few queries as the user pans), low enough to blunt a script hammering the bbox queries. The SSE
 * stream opts out (`config: { rateLimit: false }`): it holds one long request, capped by the hub's
 * connection limits instead. Over budget: `429 { "error": ... }` with `retry-after`.
 */
import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import { ApiError } from '../routes/api-error';
import { isApiPath } from './api-path';

/** The budget's period, in ms: API_RATE_LIMIT counts requests per minute. */
const WINDOW_MS = 60_000;

export function apiRateLimit(perMinute: number): RateLimitPluginOptions {
  return {
    global: true,
    max: perMinute,
    timeWindow: WINDOW_MS,
    // Only the API: the page and its hashed assets are not counted.
    allowList: (request) => !isApiPath(request.url),
    errorResponseBuilder: (_request, context) =>
      new ApiError(context.statusCode, `too many requests: at most ${context.max} a minute from one address; retry in ${context.after}`),
  };
}
