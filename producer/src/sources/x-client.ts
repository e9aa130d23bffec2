/**
 * The twitter-api-v2 client for the X API v2, pointed at `config.x.baseUrl`, and the one place that turns
 * its errors into text: a message a person can act on, with the token scrubbed out.
 *
 * twitter-api-v2 hard-codes https://api.x.com/2/ as the v2 prefix and sends every request through
 * `https.request`. Two supported hooks retarget it without patching: `setPrefix` (protected, so a
 * subclass calls it) and the `httpAgent` client setting. An http:// base URL (the local stand-in) needs an
 * `http.Agent`: Node's `https.request` accepts an http: URL when the agent it is given speaks http.
 */
import { Agent as HttpAgent } from 'node:http';
import { ApiResponseError, TwitterApi, TwitterApiv2, type IClientSettings } from 'twitter-api-v2';
import type { Secret, XConfig } from '../../../common/node/config';
import { XFatalError } from '../../../common/node/errors';

export { XFatalError };

/** The environment variable and flag that hold the token, for messages. */
export const TOKEN_SOURCES = 'X_BEARER_TOKEN (or --bearer-token-file)';

/** A v2 client whose every request goes to `prefix` (which ends with `/`) instead of api.x.com. */
class XApiClient extends TwitterApiv2 {
  constructor(parent: TwitterApi, prefix: string) {
    super(parent);
    this.setPrefix(prefix);
  }
}

/** The message for a missing token: the preflight check says it before anything starts. */
export const MISSING_TOKEN = `--source x needs an X API bearer token: set ${TOKEN_SOURCES}`;

/** A client for `x.baseUrl` with the bearer token; throws XFatalError when there is no token. */
export function createXClient(x: Pick<XConfig, 'bearerToken' | 'baseUrl'>): TwitterApiv2 {
  if (x.bearerToken === null) throw new XFatalError(MISSING_TOKEN);
  const base = new URL(x.baseUrl);
  const settings: Partial<IClientSettings> = base.protocol === 'http:' ? { httpAgent: new HttpAgent({ keepAlive: true }) } : {};
  return new XApiClient(new TwitterApi(x.bearerToken.reveal(), settings), `${x.baseUrl.replace(/\/+$/, '')}/`);
}

/** What an API error response says, for classifying it. */
export interface ApiFailure {
  /** The HTTP status, or null when no response arrived (network error). */
  status: number | null;
  /** One line for people, token-free. */
  message: string;
  /** Seconds since the epoch from `x-rate-limit-reset`, when the response had it. */
  rateLimitReset: number | null;
}

/** Reads any error thrown by twitter-api-v2 (or anything else) into an ApiFailure. Never reads headers sent. */
export function describeFailure(error: unknown, token: Secret | null): ApiFailure {
  // Revealed only to find and remove it from the text.
  const secret = token?.reveal() ?? null;
  if (error instanceof ApiResponseError) {
    const reset = Number(error.headers?.['x-rate-limit-reset']);
    return {
      status: error.code,
      message: scrub(`HTTP ${error.code} ${problemText(error.data)}`.trim(), secret),
      rateLimitReset: Number.isFinite(reset) && reset > 0 ? reset : null,
    };
  }
  // ApiRequestError and friends carry the request (and its Authorization header): take the text only.
  const cause = (error as { requestError?: unknown })?.requestError;
  const text = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return { status: null, message: scrub(text, secret), rateLimitReset: null };
}

/**
 * The words of an X API problem or errors payload, as they came: `title: detail`, and for rule errors
 * the rule `value` and its `details`.
 */
export function problemText(data: unknown): string {
  if (typeof data === 'string') return data.slice(0, 500);
  if (typeof data !== 'object' || data === null) return '';
  const body = data as { title?: unknown; detail?: unknown; errors?: unknown };
  const parts: string[] = [];
  const head = [body.title, body.detail].filter((p) => typeof p === 'string' && p !== '').join(': ');
  if (head !== '') parts.push(head);
  if (Array.isArray(body.errors)) parts.push(...body.errors.map(errorText).filter((t) => t !== ''));
  return parts.join('; ');
}

/** One entry of an `errors` array: a rule error, a problem or a v1-style message. */
export function errorText(entry: unknown): string {
  if (typeof entry !== 'object' || entry === null) return String(entry);
  const e = entry as Record<string, unknown>;
  const words = [e.title, e.detail, e.message].filter((w): w is string => typeof w === 'string' && w !== '');
  if (Array.isArray(e.details)) words.push(...e.details.filter((d): d is string => typeof d === 'string'));
  const text = [...new Set(words)].join(': ');
  return typeof e.value === 'string' ? `${text} (rule: ${e.value})` : text;
}

/**
 * The shortest run of token characters after "Bearer " taken for a credential. Real bearer tokens are
 * long (X's are over 100 characters); prose such as "a bearer token: set ..." is left readable.
 */
const MIN_CREDENTIAL_CHARS = 16;
const BEARER_CREDENTIAL = new RegExp(`(Bearer\\s+)[A-Za-z0-9%._~+/=-]{${MIN_CREDENTIAL_CHARS},}`, 'gi');

/** Removes the token and any bearer credential from text before it is logged or kept. */
export function scrub(text: string, secret: string | null): string {
  let clean = text.replace(BEARER_CREDENTIAL, '$1[redacted]');
  if (secret !== null && secret !== '') clean = clean.split(secret).join('[redacted]');
  return clean;
}
