/**
 * The one configuration of every trendmap process: command-line flags and environment variables, read and
 * validated once at start-up. Nothing else reads `process.env` or `process.argv`.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { isCountryCode } from './countries';
import { ConfigError } from './errors';
import { checkSourceOptions, readFlags } from './cli-flags';
import { TileSourceError, tileImageSource } from './tile-source';

export { ConfigError };

export type Speed = { kind: 'max' } | { kind: 'factor'; factor: number };

export type SourceName = 'synthetic' | 'replay' | 'x';

/** How log lines are written: one JSON object a line, or lines for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

/**
 * A secret that cannot leak by accident: it prints, logs and serialises as `[redacted]`; only `reveal()`
 * gives the value, at the one place that sends it.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'Secret([redacted])';
  }
}

/** The X API v2 filtered stream: what to ask for, and how to reach it. */
export interface XConfig {
  /** From X_BEARER_TOKEN, TWITTER_BEARER_TOKEN or --bearer-token-file; null when none was given. */
  bearerToken: Secret | null;
  /** The API's base URL, e.g. https://api.x.com/2, or a local stand-in. */
  baseUrl: string;
  /** ISO 3166-1 alpha-2 codes for `place_country:` rules. */
  countries: string[];
  /** Hashtags (with #) or keywords to track. */
  track: string[];
  /** Language codes for `lang:`. */
  lang: string[];
  /** A bounding box [west, south, east, north] in degrees. */
  bbox: [number, number, number, number] | null;
  /** Print the rules and exit. */
  dryRunRules: boolean;
}

export interface Config {
  source: SourceName;
  /** Replay: the archive to read: a file, a directory or a glob. */
  file: string | null;
  x: XConfig;
  /** Replay: `max`, or a multiple of the original pace. */
  speed: Speed;
  /** Synthetic: posts per second. */
  rate: number;
  /** Synthetic: the seed that makes a run repeatable. */
  seed: number;
  port: number;
  host: string;
  /** Leaflet URL template of the optional tile layer; '' for borders only. Its host is allowed by the CSP. */
  tileUrl: string;
  tileAttribution: string;
  /** Requests per minute one client address may make to /api/* (the SSE stream aside); 0: no limit. */
  apiRateLimit: number;
  /**
   * Which proxies in front of the server to believe about the client's address (`X-Forwarded-For`), as
   * Fastify's `trustProxy` takes it: false (none: the default), true (any), or addresses and CIDR ranges.
   * The rate limit and the per-address stream cap count by that address.
   */
  trustProxy: boolean | string[];
  /** Most live streams (`/api/stream`) open at once; past it a new one is refused with 503. */
  sseMaxClients: number;
  /** Most live streams open at once from one client address (as `trustProxy` reads it); past it, 429. */
  sseMaxClientsPerAddress: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logFormat: LogFormat;
  /** Comma-separated Kafka brokers; null for the embedded in-process bus. */
  kafkaBrokers: string[] | null;
  kafkaTopic: string;
  /** Partitions of the topic when the producer creates it. */
  kafkaPartitions: number;
  /** Retention of the topic when the producer creates it, in hours: longer than the largest window. */
  kafkaRetentionHours: number;
}

export const DEFAULTS = {
  source: 'synthetic',
  speed: '1x',
  rate: 50,
  seed: 1,
  port: 3000,
  host: '127.0.0.1',
  tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  tileAttribution: '© OpenStreetMap contributors',
  apiRateLimit: 1_200,
  // What one instance holds with markers still arriving within ~0.5 s (p99) and /api/trends answering within
  // ~0.6 s on a busy 2-core machine (`npm run bench -- streams`; the README's "Stream caps" has the figures).
  sseMaxClients: 2_000,
  sseMaxClientsPerAddress: 20,
  logLevel: 'info',
  xApiBaseUrl: 'https://api.x.com/2',
  kafkaTopic: 'geo-hashtags',
  kafkaPartitions: 6,
  kafkaRetentionHours: 48,
} as const;

/** Upper bound of `--rate`, in posts per second: beyond it the synthetic generator cannot keep pace. */
export const MAX_RATE = 100_000;

/** Upper bound of the stream caps: each open stream holds a socket (a file descriptor) and its buffers. */
export const MAX_STREAMS = 1_000_000;

export const HELP = `trendmap: a live world map of what is trending where.

Usage: npm start -- [options]

Options:
  --source <name>   where posts come from: synthetic (default), replay, or x (alias twitter: the
                    X API v2 filtered stream)
  --file <path>     replay: a newline-delimited JSON archive of X API v1.1 statuses and/or v2 stream
                    envelopes (.jsonl/.json, .gz, .bz2), a directory of them (read recursively, in name
                    order) or a glob such as 'archive/**/*.json.bz2'
  --speed <speed>   replay: max (as fast as possible), 1x (original pace, default) or a factor like 10x
  --rate <n>        synthetic: posts per second (default ${DEFAULTS.rate}, at most ${MAX_RATE})
  --seed <n>        synthetic: seed of the generated world (default ${DEFAULTS.seed})
  --countries <cc>  x: comma-separated ISO country codes to follow, e.g. US,GB,FR
  --track <terms>   x: comma-separated hashtags or keywords to follow, e.g. '#worldcup,olympics'
  --lang <codes>    x: comma-separated language codes, e.g. en,fr
  --bbox=<w,s,e,n>  x: a bounding box in degrees, e.g. --bbox=-0.5,51.3,0.3,51.7 (split into boxes the
                    API accepts)
  --bearer-token-file <path>  x: read the bearer token from this file
  --dry-run-rules   x: print the stream rules that would be synced, and exit
  -h, --help        print this help and exit
  An option marked synthetic:, replay: or x: applies to that source only; with another it is refused.

Environment:
  PORT              HTTP port (default ${DEFAULTS.port})
  HOST              address to listen on (default ${DEFAULTS.host}; 0.0.0.0 for every interface)
  TILE_URL          tile layer URL template (default OpenStreetMap); empty to draw country borders only
  TILE_ATTRIBUTION  attribution shown for the tile layer (default "${DEFAULTS.tileAttribution}")
  API_RATE_LIMIT    requests per minute one address may make to /api/* (default ${DEFAULTS.apiRateLimit}; 0: no limit;
                    the live stream is capped by connections instead)
  SSE_MAX_CLIENTS   most live streams open at once (default ${DEFAULTS.sseMaxClients}: what one instance serves
                    smoothly; see the README); past it a new one is refused with 503
  SSE_MAX_CLIENTS_PER_ADDRESS  most live streams from one client address (default ${DEFAULTS.sseMaxClientsPerAddress}; see
                    TRUST_PROXY); past it a new one is refused with 429
  TRUST_PROXY       behind a reverse proxy: which proxies to believe about the client's address
                    (X-Forwarded-For): true (any), or addresses/CIDRs such as 10.0.0.0/8,::1
                    (default: none, so every client of a proxy would share one rate limit)
  LOG_LEVEL         fatal, error, warn, info (default), debug, trace or silent
  LOG_FORMAT        pretty (lines for a person) or json (one JSON object a line, for log collectors);
                    default: pretty when the output is a terminal, json otherwise
  X_BEARER_TOKEN    x: the X API bearer token (TWITTER_BEARER_TOKEN is read too); never printed
  X_API_BASE_URL    x: the API's base URL (default ${DEFAULTS.xApiBaseUrl})
  KAFKA_BROKERS     comma-separated brokers; unset runs everything in one process on an in-process bus
  KAFKA_TOPIC       topic of the posts (default ${DEFAULTS.kafkaTopic})
  KAFKA_PARTITIONS  partitions when the topic is created (default ${DEFAULTS.kafkaPartitions})
  KAFKA_RETENTION_HOURS  retention when the topic is created (default ${DEFAULTS.kafkaRetentionHours}, at least 25)
`;

export type ParsedCommand = { help: true } | { help: false; config: Config };

/** What the configuration depends on besides flags and environment. */
export interface ParseContext {
  /** Whether stdout is a terminal: LOG_FORMAT's default. */
  stdoutIsTerminal?: boolean;
  /**
   * False for an entry point that has no source (the map-server service): every option but --help is then
   * refused, rather than ignored.
   */
  sourceOptions?: boolean;
}

export function parseConfig(argv: string[], env: Record<string, string | undefined>, context: ParseContext = {}): ParsedCommand {
  const flags = readFlags(argv);
  if (flags.help) return { help: true };
  if (context.sourceOptions === false) {
    const given = Object.keys(flags).find((name) => name !== 'help');
    if (given !== undefined) throw new ConfigError(`--${given} is an option of the producer: this service takes none (only --help)`);
  }

  const named = flags.source ?? DEFAULTS.source;
  const source = named === 'twitter' ? 'x' : named;
  if (source !== 'synthetic' && source !== 'replay' && source !== 'x') {
    throw new ConfigError(`--source must be synthetic, replay or x (alias twitter); got "${named}"`);
  }
  checkSourceOptions(flags, source);
  const file = flags.file ?? null;
  if (source === 'replay' && file === null) throw new ConfigError('--source replay needs --file <path>');

  return {
    help: false,
    config: {
      source,
      file,
      x: {
        bearerToken: readBearerToken(flags['bearer-token-file'], env),
        baseUrl: parseBaseUrl(nonEmpty(env.X_API_BASE_URL) ?? DEFAULTS.xApiBaseUrl),
        countries: parseList(flags.countries).map((code) => {
          const cc = code.toUpperCase();
          if (!isCountryCode(cc)) throw new ConfigError(`--countries takes ISO 3166-1 alpha-2 codes such as US,GB,FR; got "${code}"`);
          return cc;
        }),
        track: parseList(flags.track),
        lang: parseList(flags.lang).map((code) => {
          if (!/^[a-z]{2,3}$/i.test(code)) throw new ConfigError(`--lang takes language codes such as en,fr; got "${code}"`);
          return code.toLowerCase();
        }),
        bbox: flags.bbox === undefined ? null : parseBbox(flags.bbox),
        dryRunRules: flags['dry-run-rules'] ?? false,
      },
      speed: parseSpeed(flags.speed ?? DEFAULTS.speed),
      rate: parseNumber('--rate', flags.rate, DEFAULTS.rate, { min: 0.1, max: MAX_RATE }),
      seed: parseNumber('--seed', flags.seed, DEFAULTS.seed, { integer: true, min: 0, max: 2 ** 32 - 1 }),
      port: parseNumber('PORT', env.PORT, DEFAULTS.port, { integer: true, min: 0, max: 65_535 }),
      host: nonEmpty(env.HOST) ?? DEFAULTS.host,
      tileUrl: parseTileUrl(env.TILE_URL ?? DEFAULTS.tileUrl),
      tileAttribution: env.TILE_ATTRIBUTION ?? DEFAULTS.tileAttribution,
      apiRateLimit: parseNumber('API_RATE_LIMIT', env.API_RATE_LIMIT, DEFAULTS.apiRateLimit, { integer: true, min: 0, max: 1_000_000 }),
      trustProxy: parseTrustProxy(nonEmpty(env.TRUST_PROXY)),
      sseMaxClients: parseNumber('SSE_MAX_CLIENTS', env.SSE_MAX_CLIENTS, DEFAULTS.sseMaxClients, { integer: true, min: 1, max: MAX_STREAMS }),
      sseMaxClientsPerAddress: parseNumber('SSE_MAX_CLIENTS_PER_ADDRESS', env.SSE_MAX_CLIENTS_PER_ADDRESS, DEFAULTS.sseMaxClientsPerAddress, {
        integer: true,
        min: 1,
        max: MAX_STREAMS,
      }),
      logLevel: parseLogLevel(nonEmpty(env.LOG_LEVEL) ?? DEFAULTS.logLevel),
      logFormat: parseLogFormat(nonEmpty(env.LOG_FORMAT), context.stdoutIsTerminal ?? false),
      kafkaBrokers: parseBrokers(env.KAFKA_BROKERS),
      kafkaTopic: parseTopic(nonEmpty(env.KAFKA_TOPIC) ?? DEFAULTS.kafkaTopic),
      kafkaPartitions: parseNumber('KAFKA_PARTITIONS', env.KAFKA_PARTITIONS, DEFAULTS.kafkaPartitions, { integer: true, min: 1, max: 1_000 }),
      kafkaRetentionHours: parseNumber('KAFKA_RETENTION_HOURS', env.KAFKA_RETENTION_HOURS, DEFAULTS.kafkaRetentionHours, { integer: true, min: 25, max: 24 * 365 }),
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function parseSpeed(raw: string): Speed {
  if (raw === 'max') return { kind: 'max' };
  const match = /^([0-9]+(?:\.[0-9]+)?)x$/.exec(raw);
  const factor = match ? Number(match[1]) : Number.NaN;
  if (!(factor > 0)) throw new ConfigError(`--speed must be max, 1x or a factor like 10x; got "${raw}"`);
  return { kind: 'factor', factor };
}

function parseNumber(
  name: string,
  raw: string | undefined,
  fallback: number,
  range: { min: number; max: number; integer?: boolean },
): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  const ok = Number.isFinite(value) && (!range.integer || Number.isInteger(value)) && value >= range.min && value <= range.max;
  if (!ok) {
    const kind = range.integer ? 'a whole number' : 'a number';
    throw new ConfigError(`${name} must be ${kind} from ${range.min} to ${range.max}; got "${raw}"`);
  }
  return value;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function parseLogFormat(raw: string | undefined, stdoutIsTerminal: boolean): LogFormat {
  if (raw === undefined) return stdoutIsTerminal ? 'pretty' : 'json';
  const format = raw.toLowerCase();
  if (format !== 'json' && format !== 'pretty') throw new ConfigError(`LOG_FORMAT must be json or pretty; got "${raw}"`);
  return format;
}

/** The template, once its host is known to be expressible in the Content-Security-Policy. */
function parseTileUrl(raw: string): string {
  const url = raw.trim();
  try {
    tileImageSource(url);
  } catch (error) {
    if (error instanceof TileSourceError) throw new ConfigError(`TILE_URL ${error.message}; got "${raw}"`);
    throw error;
  }
  return url;
}

function parseTrustProxy(raw: string | undefined): Config['trustProxy'] {
  if (raw === undefined || raw.toLowerCase() === 'false' || raw === '0') return false;
  if (raw.toLowerCase() === 'true') return true;
  const entries = parseList(raw);
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (family === 0 || !prefixOk || extra !== undefined) {
      throw new ConfigError(
        `TRUST_PROXY must be true, false, or IP addresses and CIDR ranges such as 10.0.0.0/8,::1; got "${entry}"`,
      );
    }
  }
  return entries;
}

function parseLogLevel(raw: string): Config['logLevel'] {
  const level = LOG_LEVELS.find((l) => l === raw.toLowerCase());
  if (level === undefined) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${raw}"`);
  return level;
}

function parseBrokers(raw: string | undefined): string[] | null {
  const value = nonEmpty(raw);
  if (value === undefined) return null;
  const brokers = value.split(',').map((b) => b.trim());
  const bad = brokers.find((b) => !/^[A-Za-z0-9.\-_[\]:]+:[0-9]{1,5}$/.test(b));
  if (bad !== undefined) throw new ConfigError(`KAFKA_BROKERS must be host:port[,host:port...]; got "${bad}"`);
  return brokers;
}

function parseTopic(raw: string): string {
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(raw)) {
    throw new ConfigError(`KAFKA_TOPIC must be 1 to 249 letters, digits, '.', '_' or '-'; got "${raw}"`);
  }
  return raw;
}

function parseList(raw: string | undefined): string[] {
  return raw === undefined ? [] : raw.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function readBearerToken(file: string | undefined, env: Record<string, string | undefined>): Secret | null {
  if (file !== undefined) {
    let token: string;
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`--bearer-token-file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (token === '') throw new ConfigError(`--bearer-token-file: ${file} is empty`);
    return new Secret(token);
  }
  const token = nonEmpty(env.X_BEARER_TOKEN) ?? nonEmpty(env.TWITTER_BEARER_TOKEN);
  return token === undefined ? null : new Secret(token);
}

function parseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`X_API_BASE_URL must be a URL such as ${DEFAULTS.xApiBaseUrl}; got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`X_API_BASE_URL must be an http or https URL; got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

/** Degrees as a person writes them: `-0.5`, `51`, `.3`; not the empty string (which `Number` reads as 0), hex or `1e1`. */
const DEGREES = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;

function parseBbox(raw: string): [number, number, number, number] {
  const texts = raw.split(',').map((part) => part.trim());
  const parts = texts.map(Number);
  const [west, south, east, north] = parts;
  const ok =
    parts.length === 4 &&
    texts.every((text) => DEGREES.test(text)) &&
    west >= -180 && east <= 180 && west < east &&
    south >= -90 && north <= 90 && south < north;
  if (!ok) throw new ConfigError(`--bbox must be west,south,east,north in degrees with west < east and south < north; got "${raw}"`);
  return [west, south, east, north];
}
