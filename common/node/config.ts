/**
 * The one configuration of every trendmap process: command-line flags and environment variables, read and
 * validated once at start-up. Nothing else reads `process.env` or `process.argv`.
 */
import { parseRange, type TimeRange } from './time-range';
import { resolve } from 'node:path';
import { isCountryCode } from '../browser/countries';
import { ConfigError } from './errors';
import { checkSourceOptions, isStateFlag, readFlags } from './cli-flags';
import { Secret } from './secret';
import { COMPRESSIONS, DEFAULT_COMPRESSION, type Compression } from './bus/compressions';
import { DEFAULT_MEMORY_BUDGET_BYTES, MIN_MEMORY_BUDGET_BYTES } from './memory-budget';
import {
  nonEmpty,
  parseBaseUrl,
  parseChoice,
  parseBboxFlag,
  parseBrokers,
  parseList,
  parseLogFormat,
  parseLogLevel,
  formatDuration,
  formatSize,
  parseDuration,
  parseNumber,
  parseSize,
  parseShard,
  parseSpeed,
  parseTileUrl,
  parseTopic,
  parseTrustProxy,
  readBearerToken,
} from './config-values';

export { ConfigError, Secret, DEFAULT_MEMORY_BUDGET_BYTES, MIN_MEMORY_BUDGET_BYTES };

export type Speed = { kind: 'max' } | { kind: 'factor'; factor: number };

/**
 * A producer's share of an archive split between several (`--shard k/n`): the archive's files in name order,
 * dealt in turn, file i (from 0) to shard i mod n + 1, so that the shards move through time together and
 * every file is published by exactly one of them.
 */
export interface Shard {
  /** Which share, from 1. */
  index: number;
  /** Of how many. */
  count: number;
}

export type SourceName = 'synthetic' | 'replay' | 'x';

/**
 * Replay at `--speed max`: whether lines are normalised on a worker thread (`--normalise-thread`,
 * `NORMALISE_THREAD`). `auto`: from the 200,000th line, where the machine has more than one core, and not in
 * the producer service (`producer/src/normalise-thread.ts` says why); `off`: never, as on a machine whose
 * second core is busy or not really there (Node 20 counts a container's host CPUs, not its CPU quota).
 */
export type NormaliseThreadSetting = 'auto' | 'off';

const NORMALISE_THREAD_SETTINGS: readonly NormaliseThreadSetting[] = ['auto', 'off'];

/** How log lines are written: one JSON object a line, or lines for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

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
  /** Replay: this producer's share of the archive's files (`--shard k/n`), or null for all of them. */
  shard: Shard | null;
  /** Replay: only the posts created in this range (`--from`, `--to`), or null for all of them. */
  range: TimeRange | null;
  /** Replay at `--speed max`: whether lines may be normalised on a worker thread. */
  normaliseThread: NormaliseThreadSetting;
  /** Synthetic: posts per second. */
  rate: number;
  /** Synthetic: the seed that makes a run repeatable. */
  seed: number;
  /**
   * Synthetic: how much of the world's past to write at the start, in ms (`--history`, `SYNTHETIC_HISTORY`),
   * or null when not given: then `npm start` on its in-process bus writes `DEFAULT_SYNTHETIC_HISTORY_MS`
   * and a producer publishing to Kafka none (its posts would be counted again on every restart).
   */
  historyMs: number | null;
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
  /** How the producer compresses the batches it writes (every client reads every codec). */
  kafkaCompression: Compression;
  /**
   * Where the map-server keeps its state across restarts (an absolute path), or null to keep nothing
   * (`DATA_DIR=none`, and a replay given no data directory: it starts empty and writes nowhere).
   */
  dataDir: string | null;
  /** How often the state is saved while running, in ms (besides on SIGTERM/SIGINT). */
  saveEveryMs: number;
  /** How long, in event time, a post id is remembered so that a redelivered post counts once, in ms. */
  dedupeHorizonMs: number;
  /**
   * What the map-server's counts may take, in whole bytes (at least `MIN_MEMORY_BUDGET_BYTES`): exact while
   * they fit, summarised past it, and answers then say `approximate` (memory-budget.ts).
   */
  memoryBudgetBytes: number;
  /** Days the hourly history is kept for (`HISTORY_DAYS`): `at=` answers to the hour within them. */
  historyDays: number;
  /** Days the daily history is kept for, counted back from the newest post (`HISTORY_DAILY_DAYS`); 0: for ever. */
  historyDailyDays: number;
}

export const DEFAULTS = {
  source: 'synthetic',
  speed: '1x',
  normaliseThread: 'auto',
  rate: 50,
  seed: 1,
  port: 3000,
  host: '127.0.0.1',
  tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  tileAttribution: '© OpenStreetMap contributors',
  apiRateLimit: 1_200,
  // What one instance holds within issue 14's aims on a 2-core machine (markers to 99 % of browsers within 1 s,
  // /api/trends p99 under 200 ms while they connect): 10,000 did, with the fan-out written in slices
  // (`npm run bench -- streams`; the README's "Stream caps" has the figures).
  sseMaxClients: 10_000,
  sseMaxClientsPerAddress: 20,
  logLevel: 'info',
  xApiBaseUrl: 'https://api.x.com/2',
  kafkaTopic: 'geo-hashtags',
  kafkaPartitions: 6,
  kafkaRetentionHours: 48,
  kafkaCompression: DEFAULT_COMPRESSION,
  dataDir: 'data',
  saveEveryMs: 60_000,
  dedupeHorizonMs: 3_600_000,
  memoryBudgetBytes: DEFAULT_MEMORY_BUDGET_BYTES,
  historyDays: 30,
  historyDailyDays: 365,
} as const;

/** The value of DATA_DIR or --data-dir that keeps no state. */
export const NO_DATA_DIR = 'none';

/** What `npm start` writes of the synthetic world's past when not told (`historyMs`): the longest window. */
export const DEFAULT_SYNTHETIC_HISTORY_MS = 86_400_000;

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
  --shard <k>/<n>   replay, with --speed max: publish only the k-th of n shares of the archive's files (its
                    files in name order, dealt in turn), so that n producers split one archive, each file
                    published once
  --normalise-thread <auto|off>  replay, with --speed max: auto (default) normalises the lines on a
                    second thread from the 200,000th line where the machine has more than one core (not in
                    npm run producer, where it gained nothing); off never does (NORMALISE_THREAD)
  --from <time>     replay: only posts created at or after this ISO 8601 date or time (UTC unless it names
                    a zone), e.g. 2017-06-01 or 2017-06-01T12:00; files and tar members whose names put them
                    more than an hour outside --from/--to are not read
  --to <time>       replay: only posts created before this date or time (--from 2017-06-01 --to 2017-06-02
                    is that day)
  --rate <n>        synthetic: posts per second (default ${DEFAULTS.rate}, at most ${MAX_RATE})
  --seed <n>        synthetic: seed of the generated world (default ${DEFAULTS.seed})
  --history <d>     synthetic: how much of the world's past to write at the start, e.g. 0, 1h, 24h
                    (SYNTHETIC_HISTORY; default 24h for npm start without Kafka, else 0; at most 24h)
  --countries <cc>  x: comma-separated ISO country codes to follow, e.g. US,GB,FR
  --track <terms>   x: comma-separated hashtags or keywords to follow, e.g. '#worldcup,olympics'
  --lang <codes>    x: comma-separated language codes, e.g. en,fr
  --bbox=<w,s,e,n>  x: a bounding box in degrees, e.g. --bbox=-0.5,51.3,0.3,51.7 (split into boxes the
                    API accepts)
  --bearer-token-file <path>  x: read the bearer token from this file
  --dry-run-rules   x: print the stream rules that would be synced, and exit
  --data-dir <path> where the counts are saved so a restart loses nothing, as DATA_DIR (which see)
  --memory-budget <size>  what the counts may take in memory, as MEMORY_BUDGET (which see)
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
  NORMALISE_THREAD  replay: as --normalise-thread (auto or off); the flag wins
  KAFKA_BROKERS     comma-separated brokers; unset runs everything in one process on an in-process bus
  KAFKA_TOPIC       topic of the posts (default ${DEFAULTS.kafkaTopic})
  KAFKA_PARTITIONS  partitions when the topic is created (default ${DEFAULTS.kafkaPartitions})
  KAFKA_RETENTION_HOURS  retention when the topic is created (default ${DEFAULTS.kafkaRetentionHours}, at least 25)
  KAFKA_COMPRESSION how the producer compresses its batches: ${COMPRESSIONS.join(', ')} (default ${DEFAULTS.kafkaCompression};
                    zstd needs Node 22.15 or later); every client reads them all
  DATA_DIR          where the map-server saves its counts, so a restart loses nothing (default ./${DEFAULTS.dataDir};
                    ${NO_DATA_DIR}: keep nothing; one process per directory). A replay keeps nothing unless given one
  HISTORY_DAYS      days the hourly history is kept, under DATA_DIR/history (default ${DEFAULTS.historyDays}); older hours are kept by the day
  HISTORY_DAILY_DAYS  days the daily history is kept (default ${DEFAULTS.historyDailyDays}; 0: for ever)
  SAVE_EVERY        how often the state is saved besides at shutdown (default ${formatDuration(DEFAULTS.saveEveryMs)}; e.g. 30s, 5m)
  DEDUPE_HORIZON    a post redelivered within this much event time of the newest counts once (default
                    ${formatDuration(DEFAULTS.dedupeHorizonMs)}, at most 24h); each id held costs about 8 bytes
  MEMORY_BUDGET     what the map-server's counts may take in memory, e.g. 256MB or 1.5GB (default ${formatSize(DEFAULTS.memoryBudgetBytes)},
                    so that the whole process fits a 1 GiB container; at least ${formatSize(MIN_MEMORY_BUDGET_BYTES)}). B, KB, MB, GB
                    are binary, as Docker's --memory reads them (1KB = 1024 bytes; KiB, MiB, GiB mean the
                    same). Counts stay exact within it; past it the long tail is summarised, and answers
                    say approximate
`;

/** Replay flags that mean nothing but at `--speed max`: what each is for, and what a paced replay does instead. */
const MAX_SPEED_FLAGS = [
  // Each share would start its own clock at its own first file: n files' posts at once, then silence.
  ['shard', 'splits an archive for a load as fast as possible', 'each share would play its files at the same time as the others'],
  ['normalise-thread', 'is for a replay as fast as possible', 'the lines are normalised as they are played, on the main thread'],
] as const;

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
  /** False for an entry point that holds no state (the producer service): --data-dir and --memory-budget are then refused. */
  holdsState?: boolean;
}

export function parseConfig(argv: string[], env: Record<string, string | undefined>, context: ParseContext = {}): ParsedCommand {
  const flags = readFlags(argv);
  if (flags.help) return { help: true };
  if (context.sourceOptions === false) {
    const given = Object.keys(flags).find((name) => name !== 'help' && !isStateFlag(name));
    if (given !== undefined) throw new ConfigError(`--${given} is an option of the producer: this service takes none (only --help)`);
  }

  const named = flags.source ?? DEFAULTS.source;
  const source = named === 'twitter' ? 'x' : named;
  if (source !== 'synthetic' && source !== 'replay' && source !== 'x') {
    throw new ConfigError(`--source must be synthetic, replay or x (alias twitter); got "${named}"`);
  }
  checkSourceOptions(flags, source);
  const stateFlag = context.holdsState === false ? Object.keys(flags).find(isStateFlag) : undefined;
  if (stateFlag !== undefined) throw new ConfigError(`--${stateFlag} is an option of the map-server: the producer service keeps no state`);
  const file = flags.file ?? null;
  if (source === 'replay' && file === null) throw new ConfigError('--source replay needs --file <path>');
  for (const [flag, purpose, otherwise] of MAX_SPEED_FLAGS) {
    if (flags[flag] !== undefined && flags.speed !== 'max') {
      throw new ConfigError(`--${flag} ${purpose}: give --speed max (at ${flags.speed ?? 'the original pace, 1x'}, ${otherwise})`);
    }
  }

  return {
    help: false,
    config: {
      source,
      file,
      x: {
        bearerToken: readBearerToken(flags['bearer-token-file'], env),
        baseUrl: parseBaseUrl(nonEmpty(env.X_API_BASE_URL) ?? DEFAULTS.xApiBaseUrl, DEFAULTS.xApiBaseUrl),
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
        bbox: flags.bbox === undefined ? null : parseBboxFlag(flags.bbox),
        dryRunRules: flags['dry-run-rules'] ?? false,
      },
      speed: parseSpeed(flags.speed ?? DEFAULTS.speed),
      shard: parseShard(flags.shard),
      range: parseRange(flags.from, flags.to),
      normaliseThread: parseNormaliseThread(flags['normalise-thread'], source === 'replay' ? env.NORMALISE_THREAD : undefined),
      rate: parseNumber('--rate', flags.rate, DEFAULTS.rate, { min: 0.1, max: MAX_RATE }),
      seed: parseNumber('--seed', flags.seed, DEFAULTS.seed, { integer: true, min: 0, max: 2 ** 32 - 1 }),
      historyMs: parseHistory(flags.history, source === 'synthetic' ? env.SYNTHETIC_HISTORY : undefined),
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
      kafkaRetentionHours: parseNumber('KAFKA_RETENTION_HOURS', env.KAFKA_RETENTION_HOURS, DEFAULTS.kafkaRetentionHours, {
        integer: true,
        min: 25,
        max: 24 * 365,
      }),
      kafkaCompression: parseCompression(nonEmpty(env.KAFKA_COMPRESSION)),
      dataDir: parseDataDir(flags['data-dir'] ?? nonEmpty(env.DATA_DIR), source),
      historyDays: parseNumber('HISTORY_DAYS', env.HISTORY_DAYS, DEFAULTS.historyDays, { integer: true, min: 1, max: 3_650 }),
      historyDailyDays: parseNumber('HISTORY_DAILY_DAYS', env.HISTORY_DAILY_DAYS, DEFAULTS.historyDailyDays, { integer: true, min: 0, max: 36_500 }),
      saveEveryMs: parseDuration('SAVE_EVERY', env.SAVE_EVERY, DEFAULTS.saveEveryMs, { min: 1_000, max: 3_600_000 }),
      dedupeHorizonMs: parseDuration('DEDUPE_HORIZON', env.DEDUPE_HORIZON, DEFAULTS.dedupeHorizonMs, {
        min: 60_000,
        max: 86_400_000,
      }),
      memoryBudgetBytes: parseMemoryBudget(flags['memory-budget'], env.MEMORY_BUDGET),
    },
  };
}

/**
 * KAFKA_COMPRESSION: one of COMPRESSIONS. Whether this Node can write zstd is checked where posts are
 * published (`KafkaPublisher.start`): a map-server given the same setting writes none, and reads zstd anywhere.
 */
function parseCompression(raw: string | undefined): Compression {
  return raw === undefined ? DEFAULTS.kafkaCompression : parseChoice('KAFKA_COMPRESSION', raw, COMPRESSIONS);
}

/**
 * --normalise-thread, or NORMALISE_THREAD under it (read for a replay only): `auto` or `off`, any case. A
 * blank variable is unset, as every variable here.
 */
function parseNormaliseThread(flag: string | undefined, variable: string | undefined): NormaliseThreadSetting {
  const [name, raw] = flag !== undefined ? ['--normalise-thread', flag] : ['NORMALISE_THREAD', nonEmpty(variable)];
  return raw === undefined ? DEFAULTS.normaliseThread : parseChoice(name, raw, NORMALISE_THREAD_SETTINGS);
}

/** --history, or SYNTHETIC_HISTORY under it: a duration up to a day, `0` for none; null when neither is given. */
function parseHistory(flag: string | undefined, variable: string | undefined): number | null {
  const [name, raw] = flag !== undefined ? ['--history', flag] : ['SYNTHETIC_HISTORY', variable];
  if (raw === undefined || raw.trim() === '') return null;
  if (raw.trim() === '0') return 0;
  try {
    return parseDuration(name, raw, 0, { min: 0, max: DEFAULT_SYNTHETIC_HISTORY_MS });
  } catch {
    throw new ConfigError(`${name} must be 0 or a duration up to 24h, such as 30m, 6h or 24h; got "${raw}"`);
  }
}

/**
 * MEMORY_BUDGET, or --memory-budget over it. A flag given is read as it is (blank is a mistake); a blank
 * variable is unset, as every variable here.
 */
function parseMemoryBudget(flag: string | undefined, variable: string | undefined): number {
  const [name, raw] = flag === undefined ? ['MEMORY_BUDGET', nonEmpty(variable)] : ['--memory-budget', flag];
  return parseSize(name, raw, DEFAULTS.memoryBudgetBytes, MIN_MEMORY_BUDGET_BYTES);
}

/**
 * The data directory, absolute: the one given (`none`: keep nothing), else `./data` for a live source. A
 * replay given none keeps nothing: it starts from an empty state and never writes into a live run's.
 */
function parseDataDir(given: string | undefined, source: SourceName): string | null {
  if (given === NO_DATA_DIR) return null;
  if (given !== undefined) return resolve(given);
  return source === 'replay' ? null : resolve(DEFAULTS.dataDir);
}
