/**
 * The readers of single configuration values, for `parseConfig`: each checks one flag or environment
 * variable and, when it is wrong, throws a `ConfigError` whose message names it, says what it takes, and
 * repeats what was given, e.g. `PORT must be a whole number from 0 to 65535; got "http"`.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Bbox } from '../browser/api';
import { BboxError, parseBbox } from '../browser/bbox';
import type { Config, LogFormat, Shard, Speed } from './config';
import { ConfigError } from './errors';
import { Secret } from './secret';
import { TileSourceError, tileImageSource } from './tile-source';

/** The value trimmed, or undefined when it is absent or only white space (an unset variable). */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** `--speed`: `max`, or a positive factor such as `1x`, `10x`, `0.5x`. */
export function parseSpeed(raw: string): Speed {
  if (raw === 'max') return { kind: 'max' };
  const match = /^([0-9]+(?:\.[0-9]+)?)x$/.exec(raw);
  const factor = match ? Number(match[1]) : Number.NaN;
  if (!(factor > 0)) throw new ConfigError(`--speed must be max, 1x or a factor like 10x; got "${raw}"`);
  return { kind: 'factor', factor };
}

/** Most producers one archive can be split between (`--shard`). */
export const MAX_SHARDS = 1_000;

/** `--shard <k>/<n>`: this producer's share of an archive's files, the k-th of n (1-based). */
export function parseShard(raw: string | undefined): Shard | null {
  if (raw === undefined) return null;
  const match = /^([0-9]+)\/([0-9]+)$/.exec(raw.trim());
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!(index >= 1 && index <= count && count <= MAX_SHARDS)) {
    throw new ConfigError(
      `--shard takes k/n, this producer's share of the archive's files (1 <= k <= n <= ${MAX_SHARDS}), e.g. 1/2 and 2/2 for two producers; got "${raw}"`,
    );
  }
  return { index, count };
}

/** A number within `range` (a whole one when `range.integer`), or `fallback` when absent; `name` is the flag or variable. */
export function parseNumber(name: string, raw: string | undefined, fallback: number, range: { min: number; max: number; integer?: boolean }): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  const ok = Number.isFinite(value) && (!range.integer || Number.isInteger(value)) && value >= range.min && value <= range.max;
  if (!ok) {
    const kind = range.integer ? 'a whole number' : 'a number';
    throw new ConfigError(`${name} must be ${kind} from ${range.min} to ${range.max}; got "${raw}"`);
  }
  return value;
}

/** Milliseconds per unit of a duration: `500ms`, `30s`, `15m`, `1h`, `2d`. */
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration such as `30s`, `15m` or `1h` (a number and a unit: ms, s, m, h or d), in ms, within `range`
 * (ms); `fallback` when absent; `name` is the flag or variable.
 */
export function parseDuration(name: string, raw: string | undefined, fallback: number, range: { min: number; max: number }): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h|d)$/.exec(raw.trim());
  const value = match ? Number(match[1]) * DURATION_UNITS[match[2]] : Number.NaN;
  if (!(value >= range.min && value <= range.max)) {
    throw new ConfigError(
      `${name} must be a duration from ${formatDuration(range.min)} to ${formatDuration(range.max)}, such as 30s, 15m or 1h; got "${raw}"`,
    );
  }
  return value;
}

/** A duration in ms in the largest unit that divides it, e.g. 3600000 as `1h`. */
export function formatDuration(ms: number): string {
  const [unit, size] = Object.entries(DURATION_UNITS)
    .reverse()
    .find(([, size]) => ms % size === 0) ?? ['ms', 1];
  return `${ms / size}${unit}`;
}

/**
 * Bytes per unit of a size, by lower-case unit. Binary, as Docker's `--memory` and the JVM's `-Xmx` read
 * them: `1KB` is 1024 bytes, and `KiB`, `MiB`, `GiB` are the same units spelled the IEC way.
 */
const SIZE_UNITS = new Map<string, number>([
  ['b', 1],
  ['kb', 1024],
  ['kib', 1024],
  ['mb', 1024 ** 2],
  ['mib', 1024 ** 2],
  ['gb', 1024 ** 3],
  ['gib', 1024 ** 3],
]);

/**
 * A size such as `256MB`, `1.5GB`, `512 mib` or `1048576` (a number, whole or decimal, and an optional unit:
 * B, KB, MB, GB or KiB, MiB, GiB, in any case, binary; none is bytes), in whole bytes (rounded down), at
 * least `min` bytes; `fallback` when absent; `name` is the flag or variable.
 */
export function parseSize(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = match === null ? undefined : SIZE_UNITS.get(match[2].toLowerCase() || 'b');
  const bytes = match === null || unit === undefined ? Number.NaN : Math.floor(Number(match[1]) * unit);
  if (!Number.isFinite(bytes)) {
    throw new ConfigError(`${name} must be a size such as 256MB or 1GB (B, KB, MB or GB, binary: 1KB = 1024 bytes); got "${raw}"`);
  }
  if (bytes < min) throw new ConfigError(`${name} must be at least ${formatSize(min)}: the store needs some room to count in; got "${raw}"`);
  return bytes;
}

/** A size in bytes in the largest binary unit that divides it, e.g. 536870912 as `512MB`. */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['GB', 1024 ** 3],
    ['MB', 1024 ** 2],
    ['KB', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** LOG_FORMAT: `json` or `pretty`; absent, pretty on a terminal and json otherwise. */
/**
 * One of `choices`, read in any case with spaces around it trimmed; `name` (the flag or variable) and the
 * choices are said when it is none of them: "a or b" for two, "one of a, b, c" for more.
 */
export function parseChoice<T extends string>(name: string, raw: string, choices: readonly T[]): T {
  const value = raw.trim().toLowerCase();
  if ((choices as readonly string[]).includes(value)) return value as T;
  const said = choices.length === 2 ? choices.join(' or ') : `one of ${choices.join(', ')}`;
  throw new ConfigError(`${name} must be ${said}; got "${raw}"`);
}

export function parseLogFormat(raw: string | undefined, stdoutIsTerminal: boolean): LogFormat {
  if (raw === undefined) return stdoutIsTerminal ? 'pretty' : 'json';
  const format = raw.toLowerCase();
  if (format !== 'json' && format !== 'pretty') throw new ConfigError(`LOG_FORMAT must be json or pretty; got "${raw}"`);
  return format;
}

/** The template, once its host is known to be expressible in the Content-Security-Policy. */
export function parseTileUrl(raw: string): string {
  const url = raw.trim();
  try {
    tileImageSource(url);
  } catch (error) {
    if (error instanceof TileSourceError) throw new ConfigError(`TILE_URL ${error.message}; got "${raw}"`);
    throw error;
  }
  return url;
}

/** TRUST_PROXY: true, false (also `0` or absent), or a list of addresses and CIDR ranges. */
export function parseTrustProxy(raw: string | undefined): Config['trustProxy'] {
  if (raw === undefined || raw.toLowerCase() === 'false' || raw === '0') return false;
  if (raw.toLowerCase() === 'true') return true;
  const entries = parseList(raw);
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (family === 0 || !prefixOk || extra !== undefined) {
      throw new ConfigError(`TRUST_PROXY must be true, false, or IP addresses and CIDR ranges such as 10.0.0.0/8,::1; got "${entry}"`);
    }
  }
  return entries;
}

/** LOG_LEVEL: one of pino's levels, in any casing. */
export function parseLogLevel(raw: string): Config['logLevel'] {
  const level = LOG_LEVELS.find((l) => l === raw.toLowerCase());
  if (level === undefined) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${raw}"`);
  return level;
}

/** KAFKA_BROKERS: `host:port[,host:port...]`, or null when unset (the in-process bus). */
export function parseBrokers(raw: string | undefined): string[] | null {
  const value = nonEmpty(raw);
  if (value === undefined) return null;
  const brokers = value.split(',').map((b) => b.trim());
  const bad = brokers.find((b) => !/^[A-Za-z0-9.\-_[\]:]+:[0-9]{1,5}$/.test(b));
  if (bad !== undefined) throw new ConfigError(`KAFKA_BROKERS must be host:port[,host:port...]; got "${bad}"`);
  return brokers;
}

/** KAFKA_TOPIC: the characters and length Kafka allows in a topic name. */
export function parseTopic(raw: string): string {
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(raw)) {
    throw new ConfigError(`KAFKA_TOPIC must be 1 to 249 letters, digits, '.', '_' or '-'; got "${raw}"`);
  }
  return raw;
}

/** A comma-separated list, items trimmed, empty ones dropped. */
export function parseList(raw: string | undefined): string[] {
  return raw === undefined
    ? []
    : raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
}

/** The X bearer token: from `--bearer-token-file` when given, else X_BEARER_TOKEN or TWITTER_BEARER_TOKEN. */
export function readBearerToken(file: string | undefined, env: Record<string, string | undefined>): Secret | null {
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

/** X_API_BASE_URL: an http(s) URL, without trailing slashes; `example` is shown when it is not one. */
export function parseBaseUrl(raw: string, example: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`X_API_BASE_URL must be a URL such as ${example}; got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`X_API_BASE_URL must be an http or https URL; got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

/**
 * `--bbox`: a box as the API's `bbox=` reads it (`parseBbox`), and one X's `bounding_box:` operator can take:
 * not across the antimeridian (west < east) and not flat (south < north).
 */
export function parseBboxFlag(raw: string): Bbox {
  const fault = new ConfigError(`--bbox must be west,south,east,north in degrees with west < east and south < north; got "${raw}"`);
  let bbox: Bbox;
  try {
    bbox = parseBbox(raw);
  } catch (error) {
    if (error instanceof BboxError) throw fault;
    throw error;
  }
  const [west, south, east, north] = bbox;
  if (!(west < east && south < north)) throw fault;
  return bbox;
}
