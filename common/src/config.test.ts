import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, HELP, parseConfig, type Config } from './config';

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
    expect(config([], { KAFKA_BROKERS: '127.0.0.1:9092, kafka:9092' }).kafkaBrokers).toEqual(['127.0.0.1:9092', 'kafka:9092']);
    expect(config([], { TILE_URL: '' }).tileUrl).toBe('');
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
    expect(x.x).toMatchObject({ countries: ['US', 'GB'], track: ['#worldcup', 'olympics'], bbox: [-0.5, 51.3, 0.3, 51.7], baseUrl: 'http://127.0.0.1:9999/2' });
    expect(x.x.bearerToken?.reveal()).toBe('AAAA-secret');
    expect(JSON.stringify(x)).not.toContain('AAAA-secret');
    expect(String(x.x.bearerToken)).toBe('[redacted]');
    expect(config(['--source', 'x'], { X_BEARER_TOKEN: 'one', TWITTER_BEARER_TOKEN: 'two' }).x.bearerToken?.reveal()).toBe('one');
  });

  it('lists every option in --help', () => {
    expect(parseConfig(['--help'], {})).toEqual({ help: true });
    for (const option of ['--source', '--file', '--speed', '--rate', '--seed', 'PORT', 'HOST', 'TILE_URL', 'API_RATE_LIMIT', 'KAFKA_BROKERS']) {
      expect(HELP).toContain(option);
    }
  });

  it.each([
    [['--source', 'pigeon'], {}, /--source must be synthetic, replay or x \(alias twitter\); got "pigeon"/],
    [['--source', 'replay'], {}, /--source replay needs --file <path>/],
    [['--file', 'a.jsonl'], {}, /--file is only used with --source replay/],
    [['--rate', 'fast'], {}, /--rate must be a number from 0.1 to 100000; got "fast"/],
    [['--rate', '0'], {}, /--rate must be/],
    [['--seed', '1.5'], {}, /--seed must be a whole number/],
    [['--source', 'replay', '--file', 'a', '--speed', 'fast'], {}, /--speed must be max, 1x or a factor like 10x; got "fast"/],
    [['--bogus'], {}, /Unknown option '--bogus'.*see --help/],
    [[], { PORT: '70000' }, /PORT must be a whole number from 0 to 65535; got "70000"/],
    [[], { LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [[], { KAFKA_BROKERS: 'localhost' }, /KAFKA_BROKERS must be host:port/],
    [['--countries', 'US'], {}, /--countries is only used with --source x/],
    [['--source', 'x', '--countries', 'US,XX'], {}, /--countries takes ISO 3166-1 alpha-2 codes such as US,GB,FR; got "XX"/],
    [['--source', 'x', '--bbox', '10,50,5,52'], {}, /--bbox must be west,south,east,north/],
    [['--source', 'x', '--lang', 'english'], {}, /--lang takes language codes/],
    [['--source', 'x', '--bearer-token-file', '/nonexistent/token'], {}, /--bearer-token-file: cannot read \/nonexistent\/token \(ENOENT\)/],
    [['--source', 'x'], { X_API_BASE_URL: 'ftp://x' }, /X_API_BASE_URL must be an http or https URL/],
    [[], { API_RATE_LIMIT: 'lots' }, /API_RATE_LIMIT must be a whole number from 0 to 1000000; got "lots"/],
    [[], { API_RATE_LIMIT: '-1' }, /API_RATE_LIMIT must be a whole number/],
    [[], { TRUST_PROXY: 'proxy.local' }, /TRUST_PROXY must be true, false, or IP addresses and CIDR ranges .*; got "proxy.local"/],
    [[], { TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY must be .*; got "10.0.0.0\/33"/],
    [[], { TRUST_PROXY: '2' }, /TRUST_PROXY must be .*; got "2"/],
    [[], { TILE_URL: 'tiles.example.org/{z}/{x}/{y}.png' }, /TILE_URL must be an http\(s\) URL template such as .*; got "tiles.example.org\/{z}\/{x}\/{y}.png"/],
    [[], { TILE_URL: 'https://tiles.{tld}/{z}/{x}/{y}.png' }, /TILE_URL must name its host's domain outright/],
  ])('refuses %j %j with a clear message', (argv, env, message) => {
    expect(() => parseConfig(argv, env)).toThrow(ConfigError);
    expect(() => parseConfig(argv, env)).toThrow(message);
  });
});

describe('the stream caps', () => {
  it('default to SSE_MAX_CLIENTS and SSE_MAX_CLIENTS_PER_ADDRESS of DEFAULTS, and read both', () => {
    expect(config([])).toMatchObject({ sseMaxClients: DEFAULTS.sseMaxClients, sseMaxClientsPerAddress: 20 });
    expect(config([], { SSE_MAX_CLIENTS: '5000', SSE_MAX_CLIENTS_PER_ADDRESS: ' 3 ' })).toMatchObject({ sseMaxClients: 5_000, sseMaxClientsPerAddress: 3 });
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
