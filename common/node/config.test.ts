import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { ConfigError, DEFAULT_MEMORY_BUDGET_BYTES, DEFAULTS, HELP, MIN_MEMORY_BUDGET_BYTES, parseConfig, type Config } from './config';
import { EXIT_USAGE } from './errors';

const config = (argv: string[], env: Record<string, string> = {}): Config => {
  const parsed = parseConfig(argv, env);
  if (parsed.help) throw new Error('unexpected help');
  return parsed.config;
};

describe('parseConfig', () => {
  it('defaults to the synthetic source on port 3000 with no Kafka', () => {
    expect(config([])).toMatchObject({
      source: 'synthetic',
      rate: 50,
      seed: 1,
      port: 3000,
      host: '127.0.0.1',
      kafkaBrokers: null,
      speed: { kind: 'factor', factor: 1 },
    });
  });

  it('reads the documented flags and environment', () => {
    expect(config(['--source', 'synthetic', '--rate', '500', '--seed', '7'], { PORT: '8080', HOST: '0.0.0.0' })).toMatchObject({
      rate: 500,
      seed: 7,
      port: 8080,
      host: '0.0.0.0',
    });
    expect(config(['--source', 'replay', '--file', 'a.jsonl.gz', '--speed', 'max'])).toMatchObject({
      source: 'replay',
      file: 'a.jsonl.gz',
      speed: { kind: 'max' },
    });
    expect(config(['--source', 'replay', '--file', 'a', '--speed', '10x']).speed).toEqual({ kind: 'factor', factor: 10 });
    expect(config(['--source', 'replay', '--file', 'a']).shard).toBeNull();
    expect(config(['--source', 'replay', '--file', 'a', '--speed', 'max', '--shard', '2/3']).shard).toEqual({ index: 2, count: 3 });
    expect(config(['--source', 'replay', '--file', 'a', '--speed', 'max', '--shard', '1/1']).shard).toEqual({ index: 1, count: 1 });
    expect(config(['--source', 'replay', '--file', 'a']).range).toBeNull();
    // The normalising thread: auto unless told, by the flag or (a replay's) variable, the flag first.
    const max = ['--source', 'replay', '--file', 'a', '--speed', 'max'];
    expect(config(max).normaliseThread).toBe('auto');
    expect(config([...max, '--normalise-thread', 'off']).normaliseThread).toBe('off');
    expect(config(max, { NORMALISE_THREAD: ' OFF ' }).normaliseThread).toBe('off');
    expect(config(max, { NORMALISE_THREAD: '' }).normaliseThread).toBe('auto');
    expect(config([...max, '--normalise-thread', 'auto'], { NORMALISE_THREAD: 'off' }).normaliseThread).toBe('auto');
    // A paced replay takes the variable (set for a container, say) and has no thread whatever it says.
    expect(config(['--source', 'replay', '--file', 'a'], { NORMALISE_THREAD: 'off' }).normaliseThread).toBe('off');
    // Another source does not read it: a mistake there would not stop a live map.
    expect(config([], { NORMALISE_THREAD: 'never' }).normaliseThread).toBe('auto');
    expect(config(['--source', 'replay', '--file', 'a', '--from', '2017-06-01', '--to', '2017-06-01T12:00+02:00']).range).toEqual({
      fromMs: Date.UTC(2017, 5, 1),
      toMs: Date.UTC(2017, 5, 1, 10),
    });
    expect(config([], { KAFKA_BROKERS: '127.0.0.1:9092, kafka:9092' }).kafkaBrokers).toEqual(['127.0.0.1:9092', 'kafka:9092']);
    expect(config([], { TILE_URL: '' }).tileUrl).toBe('');
    // The synthetic world's past: not given (null: the process decides), a duration, 0, or the variable.
    expect(config([]).historyMs).toBeNull();
    expect(config(['--history', '90m']).historyMs).toBe(5_400_000);
    expect(config(['--history', '0']).historyMs).toBe(0);
    expect(config([], { SYNTHETIC_HISTORY: '24h' }).historyMs).toBe(86_400_000);
    expect(config(['--history', '1h'], { SYNTHETIC_HISTORY: '24h' }).historyMs).toBe(3_600_000);
    expect(config(['--source', 'replay', '--file', 'a'], { SYNTHETIC_HISTORY: '24h' }).historyMs).toBeNull();
    expect(config([], { TILE_URL: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png' }).tileUrl).toBe('https://{s}.tiles.example.org/{z}/{x}/{y}.png');
    expect(config([]).apiRateLimit).toBe(1_200);
    expect(config([], { API_RATE_LIMIT: '0' }).apiRateLimit).toBe(0);
    expect(config([], { API_RATE_LIMIT: '6000' }).apiRateLimit).toBe(6_000);
    const trust = (value?: string) => config([], value === undefined ? {} : { TRUST_PROXY: value }).trustProxy;
    expect([trust(), trust('false'), trust('0'), trust('true'), trust('10.0.0.0/8, ::1,192.168.1.7')]).toEqual([
      false,
      false,
      false,
      true,
      ['10.0.0.0/8', '::1', '192.168.1.7'],
    ]);
  });

  it('reads the X source options, and never shows the token', () => {
    const x = config(['--source', 'twitter', '--countries', 'us,GB', '--track', '#worldcup, olympics', '--bbox=-0.5,51.3,0.3,51.7'], {
      TWITTER_BEARER_TOKEN: 'AAAA-secret',
      X_API_BASE_URL: 'http://127.0.0.1:9999/2/',
    });
    expect(x.source).toBe('x');
    expect(x.x).toMatchObject({
      countries: ['US', 'GB'],
      track: ['#worldcup', 'olympics'],
      bbox: [-0.5, 51.3, 0.3, 51.7],
      baseUrl: 'http://127.0.0.1:9999/2',
    });
    expect(x.x.bearerToken?.reveal()).toBe('AAAA-secret');
    expect(JSON.stringify(x)).not.toContain('AAAA-secret');
    expect(String(x.x.bearerToken)).toBe('[redacted]');
    expect(config(['--source', 'x'], { X_BEARER_TOKEN: 'one', TWITTER_BEARER_TOKEN: 'two' }).x.bearerToken?.reveal()).toBe('one');
  });

  it('lists every option in --help', () => {
    expect(parseConfig(['--help'], {})).toEqual({ help: true });
    for (const option of [
      '--source',
      '--file',
      '--speed',
      '--rate',
      '--seed',
      'PORT',
      'HOST',
      'TILE_URL',
      'API_RATE_LIMIT',
      'KAFKA_BROKERS',
      'LOG_FORMAT',
      '--data-dir',
      'DATA_DIR',
      'SAVE_EVERY',
      'DEDUPE_HORIZON',
      '--memory-budget',
      'MEMORY_BUDGET',
    ]) {
      expect(HELP).toContain(option);
    }
  });

  it('writes logs for a person on a terminal and as JSON otherwise, unless LOG_FORMAT says', () => {
    const format = (env: Record<string, string>, stdoutIsTerminal: boolean) => {
      const parsed = parseConfig([], env, { stdoutIsTerminal });
      return parsed.help ? null : parsed.config.logFormat;
    };
    expect([format({}, true), format({}, false)]).toEqual(['pretty', 'json']);
    expect([format({ LOG_FORMAT: 'json' }, true), format({ LOG_FORMAT: 'Pretty' }, false), format({ LOG_FORMAT: ' ' }, true)]).toEqual([
      'json',
      'pretty',
      'pretty',
    ]);
  });

  it('takes a value that starts with a dash as the value of the flag before it', () => {
    expect(config(['--source', 'x', '--bbox', '-0.5,51.3,0.3,51.7']).x.bbox).toEqual([-0.5, 51.3, 0.3, 51.7]);
  });

  it('refuses source options where there is no source (the map-server service), naming the option', () => {
    expect(() => parseConfig(['--rate', '5'], {}, { sourceOptions: false })).toThrow(/--rate is an option of the producer: this service takes none/);
    expect(() => parseConfig(['--source', 'x'], {}, { sourceOptions: false })).toThrow(/--source is an option of the producer/);
    expect(parseConfig(['--help'], {}, { sourceOptions: false })).toEqual({ help: true });
    expect(parseConfig([], { KAFKA_BROKERS: 'k:9092' }, { sourceOptions: false }).help).toBe(false);
  });

  it('keeps state in ./data for a live source, nowhere for a replay unless given a directory, and nowhere with none', () => {
    expect(config([]).dataDir).toBe(resolve('data'));
    expect(config(['--source', 'x']).dataDir).toBe(resolve('data'));
    expect(config(['--source', 'replay', '--file', 'a']).dataDir).toBeNull();
    expect(config(['--source', 'replay', '--file', 'a'], { DATA_DIR: 'replays/day1' }).dataDir).toBe(resolve('replays/day1'));
    expect(config(['--data-dir', '/var/lib/trendmap'], { DATA_DIR: 'ignored' }).dataDir).toBe('/var/lib/trendmap');
    expect(config([], { DATA_DIR: 'none' }).dataDir).toBeNull();
    expect(config(['--data-dir', 'none']).dataDir).toBeNull();
    // The map-server service takes --data-dir (its only option); the producer service keeps no state.
    const service = parseConfig(['--data-dir', 'state'], {}, { sourceOptions: false });
    expect(service.help === false && service.config.dataDir).toBe(resolve('state'));
    expect(() => parseConfig(['--data-dir', 'state'], {}, { holdsState: false })).toThrow(/--data-dir is an option of the map-server/);
  });

  it('reads the save interval and the dedupe horizon as durations', () => {
    expect(config([])).toMatchObject({ saveEveryMs: 60_000, dedupeHorizonMs: 3_600_000 });
    expect(config([], { SAVE_EVERY: '15s', DEDUPE_HORIZON: '90m' })).toMatchObject({ saveEveryMs: 15_000, dedupeHorizonMs: 5_400_000 });
    expect(config([], { DEDUPE_HORIZON: '1d' }).dedupeHorizonMs).toBe(86_400_000);
    expect(() => config([], { SAVE_EVERY: '500ms' })).toThrow(/^SAVE_EVERY must be a duration from 1s to 1h, such as 30s, 15m or 1h; got "500ms"$/);
    expect(() => config([], { DEDUPE_HORIZON: '2d' })).toThrow(/^DEDUPE_HORIZON must be a duration from 1m to 1d, such as 30s, 15m or 1h; got "2d"$/);
    expect(() => config([], { DEDUPE_HORIZON: 'an hour' })).toThrow(/DEDUPE_HORIZON must be a duration/);
  });

  it('reads KAFKA_COMPRESSION, snappy unless told, on any Node (the publisher checks that it can write zstd)', () => {
    expect(config([], {}).kafkaCompression).toBe('snappy');
    expect(config([], { KAFKA_COMPRESSION: ' Snappy ' }).kafkaCompression).toBe('snappy');
    for (const name of ['none', 'gzip', 'lz4', 'zstd']) expect(config([], { KAFKA_COMPRESSION: name }).kafkaCompression).toBe(name);
  });

  it('reports every mistake as a ConfigError with a stable code and the usage exit code', () => {
    const error = (() => {
      try {
        parseConfig(['--rate', '-5'], {});
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', exitCode: EXIT_USAGE });
  });

  it.each([
    [['--source', 'pigeon'], {}, /--source must be synthetic, replay or x \(alias twitter\); got "pigeon"/],
    [['--source', 'replay'], {}, /--source replay needs --file <path>/],
    [['--file', 'a.jsonl'], {}, /--file is only used with --source replay/],
    [['--rate', 'fast'], {}, /--rate must be a number from 0.1 to 100000; got "fast"/],
    [['--rate', '0'], {}, /--rate must be/],
    [['--seed', '1.5'], {}, /--seed must be a whole number/],
    [['--source', 'replay', '--file', 'a', '--speed', 'fast'], {}, /--speed must be max, 1x or a factor like 10x; got "fast"/],
    [['--bogus'], {}, /^unknown option --bogus \(see --help\)$/],
    // Negative and zero numbers: the flag's own range, not parseArgs's "argument is ambiguous".
    [['--rate', '-5'], {}, /^--rate must be a number from 0.1 to 100000; got "-5"$/],
    [['--rate=-5'], {}, /^--rate must be a number from 0.1 to 100000; got "-5"$/],
    [['--rate', '-0.5'], {}, /^--rate must be a number from 0.1 to 100000; got "-0.5"$/],
    [['--seed', '-1'], {}, /^--seed must be a whole number from 0 to 4294967295; got "-1"$/],
    [['--source', 'replay', '--file', 'a', '--speed', '-2x'], {}, /^--speed must be max, 1x or a factor like 10x; got "-2x"$/],
    [['--source', 'replay', '--file', 'a', '--speed', '0x'], {}, /^--speed must be max, 1x or a factor like 10x; got "0x"$/],
    [[], { PORT: '-1' }, /^PORT must be a whole number from 0 to 65535; got "-1"$/],
    [[], { KAFKA_PARTITIONS: '0' }, /^KAFKA_PARTITIONS must be a whole number from 1 to 1000; got "0"$/],
    [[], { KAFKA_RETENTION_HOURS: '-48' }, /^KAFKA_RETENTION_HOURS must be a whole number from 25/],
    [[], { KAFKA_COMPRESSION: 'brotli' }, /^KAFKA_COMPRESSION must be one of none, gzip, snappy, lz4, zstd; got "brotli"$/],
    // Options that do not apply to the chosen source: every source option, with each source it does not fit.
    [['--speed', 'max'], {}, /^--speed is only used with --source replay, not with synthetic, the default$/],
    [['--source', 'synthetic', '--speed', '10x'], {}, /^--speed is only used with --source replay, not with synthetic$/],
    [['--source', 'x', '--speed', '10x'], {}, /^--speed is only used with --source replay, not with x$/],
    [['--source', 'replay', '--file', 'a', '--rate', '5'], {}, /^--rate is only used with --source synthetic, not with replay$/],
    [['--source', 'x', '--rate', '5'], {}, /^--rate is only used with --source synthetic, not with x$/],
    [['--source', 'replay', '--file', 'a', '--seed', '3'], {}, /^--seed is only used with --source synthetic, not with replay$/],
    [['--source', 'x', '--seed', '3'], {}, /^--seed is only used with --source synthetic, not with x$/],
    [['--source', 'replay', '--file', 'a', '--history', '1h'], {}, /^--history is only used with --source synthetic, not with replay$/],
    [['--history', '25h'], {}, /^--history must be 0 or a duration up to 24h, such as 30m, 6h or 24h; got "25h"$/],
    [['--history', 'lots'], {}, /^--history must be 0 or a duration/],
    [[], { SYNTHETIC_HISTORY: '-1h' }, /^SYNTHETIC_HISTORY must be 0 or a duration/],
    [['--source', 'x', '--file', 'a'], {}, /^--file is only used with --source replay, not with x$/],
    [['--source', 'replay', '--file', 'a', '--track', '#a'], {}, /^--track is only used with --source x, not with replay$/],
    [['--lang', 'en'], {}, /^--lang is only used with --source x, not with synthetic, the default$/],
    [['--bbox=1,2,3,4'], {}, /^--bbox is only used with --source x/],
    [['--bearer-token-file', 'f'], {}, /^--bearer-token-file is only used with --source x/],
    [['--dry-run-rules'], {}, /^--dry-run-rules is only used with --source x/],
    // The first misplaced option in the order given.
    [['--seed', '3', '--source', 'replay', '--file', 'a', '--speed', 'max'], {}, /^--seed is only used/],
    // Missing values, values where none belong, stray arguments.
    [['--rate'], {}, /^--rate needs a value \(see --help\)$/],
    [['--rate='], {}, /^--rate needs a value \(see --help\)$/],
    [['--file', '--speed', 'max'], {}, /^--file needs a value \(see --help; a value that starts with '-' is written --file=-value\)$/],
    [['--dry-run-rules=yes'], {}, /^--dry-run-rules takes no value \(see --help\)$/],
    [['replay'], {}, /^unexpected argument "replay": every option is named, such as --source replay \(see --help\)$/],
    [[], { LOG_FORMAT: 'xml' }, /^LOG_FORMAT must be json or pretty; got "xml"$/],
    [[], { PORT: '70000' }, /PORT must be a whole number from 0 to 65535; got "70000"/],
    [[], { LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [[], { KAFKA_BROKERS: 'localhost' }, /KAFKA_BROKERS must be host:port/],
    [['--countries', 'US'], {}, /--countries is only used with --source x/],
    [['--shard', '1/2'], {}, /^--shard is only used with --source replay, not with synthetic, the default$/],
    [['--normalise-thread', 'off'], {}, /^--normalise-thread is only used with --source replay, not with synthetic, the default$/],
    [
      ['--source', 'replay', '--file', 'a', '--normalise-thread', 'off'],
      {},
      /^--normalise-thread is for a replay as fast as possible: give --speed max \(at the original pace, 1x, the lines are normalised as they are played/,
    ],
    [['--source', 'replay', '--file', 'a', '--speed', 'max', '--normalise-thread', 'on'], {}, /^--normalise-thread must be auto or off; got "on"$/],
    [['--source', 'replay', '--file', 'a', '--speed', 'max'], { NORMALISE_THREAD: 'no' }, /^NORMALISE_THREAD must be auto or off; got "no"$/],
    [['--source', 'x', '--from', '2017-06-01'], {}, /^--from is only used with --source replay, not with x$/],
    [['--source', 'replay', '--file', 'a', '--to', 'tomorrow'], {}, /^--to tomorrow: not an ISO 8601 date or time/],
    [['--source', 'replay', '--file', 'a', '--from', '2017-06-02', '--to', '2017-06-01'], {}, /^--to 2017-06-01 must come after --from 2017-06-02/],
    [
      ['--source', 'replay', '--file', 'a', '--shard', '1/2'],
      {},
      /^--shard splits an archive for a load as fast as possible: give --speed max \(at the original pace, 1x,/,
    ],
    [['--source', 'replay', '--file', 'a', '--shard', '1/2', '--speed', '10x'], {}, /^--shard splits .*\(at 10x, each share would play/],
    ...['0/2', '3/2', '1/0', 'a/b', '1-2', '2', '1/1001', '1.5/2'].map((shard): [string[], Record<string, string>, RegExp] => [
      ['--source', 'replay', '--file', 'a', '--speed', 'max', '--shard', shard],
      {},
      new RegExp(
        `^--shard takes k/n, this producer's share of the archive's files \\(1 <= k <= n <= 1000\\), e\\.g\\. 1/2 and 2/2 for two producers; got "${shard}"$`,
      ),
    ]),
    [['--source', 'x', '--countries', 'US,XX'], {}, /--countries takes ISO 3166-1 alpha-2 codes such as US,GB,FR; got "XX"/],
    [['--source', 'x', '--bbox', '10,50,5,52'], {}, /--bbox must be west,south,east,north/],
    // An empty part is not 0 (`Number('')` is), nor is hex a degree.
    [['--source', 'x', '--bbox=,,1,1'], {}, /^--bbox must be west,south,east,north .*; got ",,1,1"$/],
    [['--source', 'x', '--bbox=-1,50, ,52'], {}, /^--bbox must be west,south,east,north/],
    [['--source', 'x', '--bbox=0x1,50,2,52'], {}, /^--bbox must be west,south,east,north/],
    [['--source', 'x', '--bbox=5,50,5,52'], {}, /^--bbox must be west,south,east,north/],
    [['--source', 'x', '--bbox=1,50,2,50'], {}, /^--bbox must be west,south,east,north/],
    [['--source', 'x', '--bbox=-1,-91,2,52'], {}, /^--bbox must be west,south,east,north/],
    [['--source', 'x', '--lang', 'english'], {}, /--lang takes language codes/],
    [['--source', 'x', '--bearer-token-file', '/nonexistent/token'], {}, /--bearer-token-file: cannot read \/nonexistent\/token \(ENOENT\)/],
    [['--source', 'x'], { X_API_BASE_URL: 'ftp://x' }, /X_API_BASE_URL must be an http or https URL/],
    [[], { API_RATE_LIMIT: 'lots' }, /API_RATE_LIMIT must be a whole number from 0 to 1000000; got "lots"/],
    [[], { API_RATE_LIMIT: '-1' }, /API_RATE_LIMIT must be a whole number/],
    [[], { TRUST_PROXY: 'proxy.local' }, /TRUST_PROXY must be true, false, or IP addresses and CIDR ranges .*; got "proxy.local"/],
    [[], { TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY must be .*; got "10.0.0.0\/33"/],
    [[], { TRUST_PROXY: '2' }, /TRUST_PROXY must be .*; got "2"/],
    [
      [],
      { TILE_URL: 'tiles.example.org/{z}/{x}/{y}.png' },
      /TILE_URL must be an http\(s\) URL template such as .*; got "tiles.example.org\/{z}\/{x}\/{y}.png"/,
    ],
    [[], { TILE_URL: 'https://tiles.{tld}/{z}/{x}/{y}.png' }, /TILE_URL must name its host's domain outright/],
  ])('refuses %j %j with a clear message', (argv, env, message) => {
    expect(() => parseConfig(argv, env)).toThrow(ConfigError);
    expect(() => parseConfig(argv, env)).toThrow(message);
  });
});

describe('the stream caps', () => {
  it('default to SSE_MAX_CLIENTS and SSE_MAX_CLIENTS_PER_ADDRESS of DEFAULTS, and read both', () => {
    expect(config([])).toMatchObject({ sseMaxClients: DEFAULTS.sseMaxClients, sseMaxClientsPerAddress: 20 });
    expect(config([], { SSE_MAX_CLIENTS: '5000', SSE_MAX_CLIENTS_PER_ADDRESS: ' 3 ' })).toMatchObject({
      sseMaxClients: 5_000,
      sseMaxClientsPerAddress: 3,
    });
    expect(config([], { SSE_MAX_CLIENTS: '' }).sseMaxClients).toBe(DEFAULTS.sseMaxClients);
  });

  it('are listed in --help with their defaults', () => {
    expect(HELP).toMatch(new RegExp(`SSE_MAX_CLIENTS +most live streams open at once \\(default ${DEFAULTS.sseMaxClients}`));
    expect(HELP).toMatch(/SSE_MAX_CLIENTS_PER_ADDRESS +most live streams from one client address \(default 20;/);
  });

  it.each([
    [{ SSE_MAX_CLIENTS: 'many' }, /SSE_MAX_CLIENTS must be a whole number from 1 to 1000000; got "many"/],
    [{ SSE_MAX_CLIENTS: '0' }, /SSE_MAX_CLIENTS must be a whole number from 1/],
    [{ SSE_MAX_CLIENTS: '1.5' }, /SSE_MAX_CLIENTS must be a whole number/],
    [{ SSE_MAX_CLIENTS_PER_ADDRESS: '-2' }, /SSE_MAX_CLIENTS_PER_ADDRESS must be a whole number from 1 to 1000000; got "-2"/],
    [{ SSE_MAX_CLIENTS_PER_ADDRESS: '2000000' }, /SSE_MAX_CLIENTS_PER_ADDRESS must be a whole number/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => parseConfig([], env)).toThrow(ConfigError);
    expect(() => parseConfig([], env)).toThrow(message);
  });
});

describe('the memory budget', () => {
  const KIB = 1024;
  const MIB = 1024 * KIB;
  const GIB = 1024 * MIB;
  const budget = (argv: string[], env: Record<string, string> = {}) => config(argv, env).memoryBudgetBytes;

  it('defaults to DEFAULT_MEMORY_BUDGET_BYTES, 384 MiB, listed in --help with the floor and binary units', () => {
    expect(DEFAULT_MEMORY_BUDGET_BYTES).toBe(384 * MIB);
    expect(MIN_MEMORY_BUDGET_BYTES).toBe(16 * MIB);
    expect(budget([])).toBe(DEFAULT_MEMORY_BUDGET_BYTES);
    expect(budget([], { MEMORY_BUDGET: '' })).toBe(DEFAULT_MEMORY_BUDGET_BYTES); // blank is unset, as every variable
    expect(budget([], { MEMORY_BUDGET: '  ' })).toBe(DEFAULT_MEMORY_BUDGET_BYTES);
    expect(HELP).toMatch(/MEMORY_BUDGET +what the map-server's counts may take in memory, e\.g\. 256MB or 1\.5GB \(default 384MB,/);
    expect(HELP).toMatch(
      /at least 16MB\)\. B, KB, MB, GB\s+are binary, as Docker's --memory reads them \(1KB = 1024 bytes; KiB, MiB, GiB mean the\s+same\)/,
    );
  });

  it.each([
    ['256MB', 256 * MIB],
    ['1GB', GIB],
    ['1.5GB', 1.5 * GIB],
    ['256 mb', 256 * MIB],
    ['256 MiB', 256 * MIB],
    ['1GiB', GIB],
    ['1gib', GIB],
    ['0.5 gB', 512 * MIB],
    ['65536KB', 64 * MIB],
    ['65536 kib', 64 * MIB],
    ['16777216', 16 * MIB], // a bare number is bytes: the floor itself
    ['16777216B', 16 * MIB],
    ['33554432.9 b', 32 * MIB], // whole bytes, rounded down
    ['0.0312500001GB', Math.floor(0.0312500001 * GIB)],
    [' 64MB ', 64 * MIB],
  ])('reads MEMORY_BUDGET=%j as %d bytes', (raw, bytes) => {
    expect(budget([], { MEMORY_BUDGET: raw })).toBe(bytes);
    expect(Number.isInteger(budget([], { MEMORY_BUDGET: raw }))).toBe(true);
  });

  it('takes --memory-budget over MEMORY_BUDGET, in every entry point that holds the state', () => {
    expect(budget(['--memory-budget', '64MB'], { MEMORY_BUDGET: '1GB' })).toBe(64 * MIB);
    expect(budget(['--memory-budget=2GiB'])).toBe(2 * GIB);
    expect(budget(['--memory-budget=16mb'])).toBe(MIN_MEMORY_BUDGET_BYTES); // the floor itself is taken
    expect(budget(['--source', 'replay', '--file', 'a', '--memory-budget', '1GB'])).toBe(GIB);
    expect(budget(['--source', 'x', '--memory-budget', '1GB'])).toBe(GIB);
    // The map-server service takes it (an option of the state, as --data-dir); the producer service keeps no state.
    const service = parseConfig(['--memory-budget', '1GB', '--data-dir', 'state'], {}, { sourceOptions: false });
    expect(service.help === false && service.config.memoryBudgetBytes).toBe(GIB);
    expect(() => parseConfig(['--memory-budget', '1GB'], {}, { holdsState: false })).toThrow(
      /^--memory-budget is an option of the map-server: the producer service keeps no state$/,
    );
  });

  const unreadable = (name: string, raw: string) =>
    `${name} must be a size such as 256MB or 1GB (B, KB, MB or GB, binary: 1KB = 1024 bytes); got "${raw}"`;
  const tooSmall = (name: string, raw: string) => `${name} must be at least 16MB: the store needs some room to count in; got "${raw}"`;

  it.each([
    [[], { MEMORY_BUDGET: 'lots' }, unreadable('MEMORY_BUDGET', 'lots')],
    [[], { MEMORY_BUDGET: 'NaN' }, unreadable('MEMORY_BUDGET', 'NaN')],
    [[], { MEMORY_BUDGET: '-256MB' }, unreadable('MEMORY_BUDGET', '-256MB')],
    [[], { MEMORY_BUDGET: '1TB' }, unreadable('MEMORY_BUDGET', '1TB')], // an unknown unit
    [[], { MEMORY_BUDGET: '256M' }, unreadable('MEMORY_BUDGET', '256M')],
    [[], { MEMORY_BUDGET: '256 MB RAM' }, unreadable('MEMORY_BUDGET', '256 MB RAM')],
    [[], { MEMORY_BUDGET: '1e9' }, unreadable('MEMORY_BUDGET', '1e9')],
    [[], { MEMORY_BUDGET: '.5GB' }, unreadable('MEMORY_BUDGET', '.5GB')],
    [[], { MEMORY_BUDGET: 'MB' }, unreadable('MEMORY_BUDGET', 'MB')],
    [[], { MEMORY_BUDGET: 'constructor' }, unreadable('MEMORY_BUDGET', 'constructor')],
    [[], { MEMORY_BUDGET: '9'.repeat(400) }, unreadable('MEMORY_BUDGET', '9'.repeat(400))],
    [[], { MEMORY_BUDGET: '512' }, tooSmall('MEMORY_BUDGET', '512')], // bytes, not MB
    [[], { MEMORY_BUDGET: '0' }, tooSmall('MEMORY_BUDGET', '0')],
    [[], { MEMORY_BUDGET: '15.99MB' }, tooSmall('MEMORY_BUDGET', '15.99MB')],
    [[], { MEMORY_BUDGET: '16777215' }, tooSmall('MEMORY_BUDGET', '16777215')],
    [['--memory-budget', ' '], { MEMORY_BUDGET: '1GB' }, unreadable('--memory-budget', ' ')],
    [['--memory-budget', '-5MB'], {}, unreadable('--memory-budget', '-5MB')],
    [['--memory-budget', '8MB'], { MEMORY_BUDGET: '1GB' }, tooSmall('--memory-budget', '8MB')],
    [['--memory-budget'], {}, '--memory-budget needs a value (see --help)'],
    [['--memory-budget='], {}, '--memory-budget needs a value (see --help)'],
  ])('refuses %j %j with a clear message', (argv, env, message) => {
    expect(() => parseConfig(argv, env)).toThrow(ConfigError);
    expect(() => parseConfig(argv, env)).toThrow(new ConfigError(message));
  });
});
