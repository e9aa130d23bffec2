/**
 * The X API v2 filtered stream as a Source: syncs this configuration's rules, holds one streaming
 * connection (twitter-api-v2's TweetStream) and yields each post envelope as the parsed object, and each
 * message that is not JSON as a `SkippedInput` (`not_json`).
 *
 * The reconnection policy is ours, not the library's (its autoReconnect is off): reconnect forever with
 * full-jitter exponential backoff, wait out HTTP 429, stop for good on 401/403 and on refused rules. A
 * connection that is silent (not even the `\r\n` keep-alive the API sends about every 20 s) for
 * `keepAliveTimeoutMs` is dead and replaced. Posts redelivered after a reconnect are passed on: the
 * map-server counts each post id once (map-server/src/core/seen-ids.ts).
 *
 * The token is revealed only inside createXClient; every error text is scrubbed before it is logged or
 * kept in `lastError`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ETwitterStreamEvent, type TwitterApiv2 } from 'twitter-api-v2';
import type { Config } from '../../../common/node/config';
import type { BusLog } from '../../../common/node/bus/bus-log';
import { busLog, createLogger } from '../../../common/node/log';
import { SkippedInput, type RawInput, type Source, type SourceState } from './source';
import { Backoff } from '../../../common/browser/backoff';
import { rateLimitWait } from './x-backoff';
import { Channel } from './x-channel';
import { createXClient, describeFailure, scrub, TOKEN_SOURCES, XFatalError, type ApiFailure } from './x-client';
import { syncRules } from './x-rule-sync';
import { RuleError, xRules } from './x-rules';

export interface XStreamTuning {
  /** Silence (no post, no keep-alive) after which the connection counts as dead, in ms. */
  keepAliveTimeoutMs: number;
  /** First backoff ceiling, in ms; doubles per failed attempt. */
  backoffBaseMs: number;
  /** Largest backoff ceiling, in ms. */
  backoffMaxMs: number;
  /** Least wait after HTTP 429, in ms. */
  rateLimitMinWaitMs: number;
  /** Most wait after HTTP 429, whatever `x-rate-limit-reset` says, in ms. */
  rateLimitMaxWaitMs: number;
  /** A connection open this long, in ms, was healthy: the next failure starts the backoff afresh. */
  healthyAfterMs: number;
  random: () => number;
}

export const X_STREAM_DEFAULTS: Readonly<XStreamTuning> = {
  // The API sends a keep-alive every ~20 s: 30 s of silence is one and a half missed.
  keepAliveTimeoutMs: 30_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
  // X asks clients to back off at least a minute when a connection is refused for rate or connection limits.
  rateLimitMinWaitMs: 60_000,
  rateLimitMaxWaitMs: 15 * 60_000,
  healthyAfterMs: 30_000,
  random: Math.random,
};

/**
 * Each wait is uniform from 0 to the back-off ceiling ("full jitter"): restarts of several producers, or of
 * one that crashes in a loop, do not reconnect in lock-step.
 */
const FULL_JITTER = [0, 1] as const;

/** Most posts handed to the pipeline at once. */
const MAX_BATCH = 200;

/** What the stream asks for: the post, where it is (its place, expanded), and its hashtags. */
const STREAM_PARAMS = {
  expansions: 'geo.place_id',
  'place.fields': 'country_code,full_name,geo,place_type,name',
  'tweet.fields': 'created_at,entities,geo,lang,note_tweet,author_id',
};

export function xSource(config: Config, log: BusLog = busLog(createLogger(config)), tuning: Partial<XStreamTuning> = {}): Source {
  const t: XStreamTuning = { ...X_STREAM_DEFAULTS, ...tuning };
  const token = config.x.bearerToken;
  const status: SourceState = { state: 'connecting', lastError: null, reconnects: 0 };

  /** Marks the source failed and returns the error `read` rejects with. */
  const fail = (message: string): XFatalError => {
    const clean = scrub(message, token?.reveal() ?? null);
    status.state = 'failed';
    status.lastError = clean;
    log.error(`X stream: ${clean}`);
    return new XFatalError(clean);
  };

  async function* read(signal: AbortSignal): AsyncGenerator<RawInput[]> {
    let client: TwitterApiv2;
    let rules;
    try {
      rules = xRules(config.x);
      client = createXClient(config.x);
    } catch (error) {
      if (error instanceof RuleError || error instanceof XFatalError) throw fail(error.message);
      throw error;
    }
    let synced = false;
    const backoff = new Backoff({ initialMs: t.backoffBaseMs, maxMs: t.backoffMaxMs, jitter: FULL_JITTER }, t.random);
    while (!signal.aborted) {
      let wait: number;
      try {
        if (!synced) {
          const result = await syncRules(client, rules);
          synced = true;
          log.info(`X stream: ${rules.length} rules (${result.added.length} added, ${result.deleted.length} stale deleted, ${result.kept} kept)`);
        }
        const connection = await connect(client, t, signal);
        if (connection === null) break; // aborted while connecting
        status.state = 'connected';
        log.info(`X stream: connected to ${config.x.baseUrl}`);
        const since = Date.now();
        try {
          while (true) {
            await connection.channel.ready();
            if (connection.channel.items.length > 0) yield connection.channel.items.splice(0, MAX_BATCH);
            else if (connection.channel.closed) break;
          }
        } finally {
          connection.dispose();
        }
        if (signal.aborted) break;
        if (Date.now() - since >= t.healthyAfterMs) backoff.reset();
        status.lastError = scrub(connection.channel.reason ?? 'connection closed', token?.reveal() ?? null);
        wait = backoff.next();
        log.warn(`X stream: connection lost (${status.lastError}); reconnecting in ${wait} ms`);
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof XFatalError) throw fail(error.message);
        const failure = describeFailure(error, token);
        const fatal = fatalMessage(failure);
        if (fatal !== null) throw fail(fatal);
        status.lastError = failure.message;
        if (failure.status === 429) {
          wait = rateLimitWait(failure.rateLimitReset, Date.now(), t.rateLimitMinWaitMs, t.rateLimitMaxWaitMs);
          const why = synced
            ? "another connection holds this app's stream (the API allows one per app on Pro), or connects came too fast"
            : 'too many requests to the rules endpoint';
          log.warn(`X stream: HTTP 429 (${failure.message}): ${why}; retrying in ${Math.round(wait / 1_000)} s`);
        } else {
          wait = backoff.next();
          log.warn(`X stream: ${failure.message}; retrying in ${wait} ms`);
        }
      }
      status.state = 'reconnecting';
      status.reconnects += 1;
      try {
        await sleep(wait, undefined, { signal });
      } catch {
        break; // aborted
      }
    }
    status.state = 'finished';
  }

  return { name: 'x', live: true, read, state: () => ({ ...status }) };
}

/** For failures that retrying cannot fix, the message to stop with; null for the ones worth a retry. */
function fatalMessage(failure: ApiFailure): string | null {
  const { status, message } = failure;
  if (status === 401) {
    return `the X API rejected the bearer token (${message}): check ${TOKEN_SOURCES}`;
  }
  if (status === 403) {
    return (
      `the X API refused access (${message}): the filtered stream needs Pro or Enterprise access for the ` +
      `project of the app whose token is in ${TOKEN_SOURCES}`
    );
  }
  // Other 4xx (bad parameters, unknown endpoint) are mistakes a retry repeats; 408, 420 and 429 pass.
  if (status !== null && status >= 400 && status < 500 && status !== 408 && status !== 420 && status !== 429) {
    return `the X API refused the stream request (${message})`;
  }
  return null;
}

interface Connection {
  channel: Channel;
  /** Closes the connection and lets go of the signal. */
  dispose(): void;
}

/**
 * Opens one connection. Resolves null when `signal` aborts first; rejects with the library's error when
 * the API refuses, or when no answer comes within the keep-alive timeout (the library only watches for
 * silence once the response has started).
 */
async function connect(client: TwitterApiv2, t: XStreamTuning, signal: AbortSignal): Promise<Connection | null> {
  const stream = client.searchStream({ ...STREAM_PARAMS, autoConnect: false });
  const channel = new Channel();
  let lost: string | null = null;
  // The library turns each network chunk into text on its own, which would garble a character split across
  // two chunks; decoding the response as UTF-8 first (a StringDecoder) keeps such characters whole.
  stream.on(ETwitterStreamEvent.Connected, () => (stream as unknown as { res?: NodeJS.ReadableStream }).res?.setEncoding('utf8'));
  stream.on(ETwitterStreamEvent.Data, (payload: object) => channel.push(payload));
  // An errors-only envelope (e.g. an operational disconnect notice): passed on, the normaliser counts it.
  stream.on(ETwitterStreamEvent.DataError, (payload: object) => channel.push(payload));
  // A message that is not JSON reaches us only as this event (the parser's error, not the text): counted as
  // read and skipped, as `not_json`, like such a line in an archive. The parser drops a message that is JSON
  // but falsy (`null`, `0`, `false`, `""`) without any event, so those cannot be counted here.
  stream.on(ETwitterStreamEvent.TweetParseError, () => channel.push(new SkippedInput('not_json')));
  stream.on(ETwitterStreamEvent.ConnectionLost, () => (lost = `no data or keep-alive for ${t.keepAliveTimeoutMs} ms`));
  stream.on(ETwitterStreamEvent.ConnectionError, (error: unknown) => (lost ??= error instanceof Error ? error.message : String(error)));
  stream.on(ETwitterStreamEvent.ConnectionClosed, () => channel.close(lost ?? 'closed by the server'));

  let settle: (outcome: 'timeout' | 'aborted') => void = () => undefined;
  const interrupted = new Promise<'timeout' | 'aborted'>((resolve) => (settle = resolve));
  const onAbort = () => {
    settle('aborted');
    channel.close('stopped');
  };
  signal.addEventListener('abort', onAbort, { once: true });
  const dispose = () => {
    signal.removeEventListener('abort', onAbort);
    stream.destroy();
  };
  const timer = setTimeout(() => settle('timeout'), t.keepAliveTimeoutMs);
  const opening = stream.connect({ autoReconnect: false, keepAliveTimeout: t.keepAliveTimeoutMs });
  let outcome: 'open' | 'timeout' | 'aborted';
  try {
    outcome = signal.aborted ? 'aborted' : await Promise.race([opening.then(() => 'open' as const), interrupted]);
  } catch (error) {
    dispose();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  if (outcome === 'open') return { channel, dispose };
  dispose();
  // Abandoned while opening: close it if it ever opens, so it cannot hold the app's one stream connection.
  opening.then(
    () => stream.destroy(),
    () => undefined,
  );
  if (outcome === 'aborted') return null;
  throw new Error(`no answer from the stream endpoint within ${t.keepAliveTimeoutMs} ms`);
}
