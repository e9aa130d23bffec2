/**
 * End to end, through the same code path as `npm start`: config parsing, the embedded bus, the producer's
 * pipeline and normaliser, the map-server's engine and HTTP API, and the built frontend.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createServer } from 'node:net';
import { EventSource } from 'eventsource';
import { beforeAllOrFail, configFor, ensureBuild, expectSampleCounts, fixture, getJson, replaySample, runStart } from './helpers';
import { startEmbedded, type Embedded } from '../app/embedded';
import type { Marker, TrendsResponse } from '../common/browser/api';
import { until } from './kafka/services';
import { KafkaPublisher } from '../common/node/bus/kafka-publisher';

describe('replaying an archive through the embedded product', () => {
  const { expected } = replaySample();
  let embedded: Embedded;

  beforeAllOrFail(async () => {
    embedded = await startEmbedded(configFor(['--source', 'replay', '--file', fixture('replay-sample.jsonl'), '--speed', 'max']), {
      staticDir: null,
    });
    const stats = await embedded.producer.done;
    expect(stats.finished).toBe(true);
  });
  afterAll(async () => embedded?.close());

  it('counts exactly what the archive holds, per region', async () => {
    await expectSampleCounts(embedded.server.url);
  });

  it('shows the archive time, not the wall clock, and accounts for every line', async () => {
    const world = await getJson<TrendsResponse>(`${embedded.server.url}/api/trends`);
    expect(new Date(world.asOf!).getUTCFullYear()).toBe(2014);
    expect(world.total).toBe(expected.accepted);
    const health = await getJson<{ ingested: number; skipped: Record<string, number> }>(`${embedded.server.url}/api/health`);
    expect(health.ingested).toBe(expected.accepted);
    expect(health.skipped).toEqual(expected.skipped);
  });
});

describe('npm start on the default synthetic world', () => {
  let embedded: Embedded;
  /** The wall clock before the product started, in ms: no live post is older. */
  let startedAt: number;

  beforeAllOrFail(async () => {
    // What `npm start` runs first: build the frontend and the server if there is no build.
    ensureBuild();
    startedAt = Date.now();
    embedded = await startEmbedded(configFor(['--rate', '200', '--seed', '7']));
  });
  afterAll(async () => embedded?.close());

  it('serves the map page and its assets', async () => {
    const page = await fetch(`${embedded.server.url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="map"');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${embedded.server.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('streams live markers and fills the world top 10', { timeout: 90_000 }, async () => {
    const source = new EventSource(`${embedded.server.url}/api/stream`);
    const markers: Marker[] = [];
    source.addEventListener('tweets', (e) => markers.push(...JSON.parse(e.data)));
    // A quarter of a second at 200 posts/s; the ceiling is for a broken build, not a busy machine.
    await until(async () => (markers.length >= 50 ? true : undefined), '50 markers', 60_000).finally(() => source.close());
    for (const m of markers.slice(0, 50)) {
      expect(m.lat).toBeGreaterThanOrEqual(-90);
      expect(m.lat).toBeLessThanOrEqual(90);
      expect(m.tags.length).toBeGreaterThan(0);
    }
    const world = await getJson<TrendsResponse>(`${embedded.server.url}/api/trends`);
    expect(world.trends).toHaveLength(10);
    expect(world.total).toBeGreaterThan(0);
    // Live: the windows end at the newest post, made on the wall clock since the product started (however
    // long a busy machine took over it).
    expect(world.asOf).toBeGreaterThanOrEqual(startedAt);
    expect(world.asOf).toBeLessThanOrEqual(Date.now());
  });
});

describe('the command line (the built `npm start`)', () => {
  beforeAllOrFail(async () => ensureBuild());
  const run = runStart;

  it('prints --help', () => {
    const { code, out } = run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('--source');
  });

  it('prints the X stream rules with --dry-run-rules and exits 0, with no token needed', () => {
    const { code, out } = run(['--source', 'x', '--countries', 'US,GB', '--track', '#worldcup', '--dry-run-rules'], {
      X_BEARER_TOKEN: '',
      TWITTER_BEARER_TOKEN: '',
    });
    expect(code).toBe(0);
    expect(out).toContain('has:geo has:hashtags (place_country:US OR place_country:GB) #worldcup');
  });

  it('refuses a bad configuration with a clear message and exit code 2', () => {
    const { code, out } = run(['--rate', 'lots']);
    expect(code).toBe(2);
    expect(out).toContain('--rate must be a number');
  });
});

describe('startEmbedded that cannot start', () => {
  it('stops the Kafka publisher it started when the port is in use, instead of leaving it retrying', async () => {
    const held = createServer();
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    const { port } = held.address() as { port: number };
    const close = vi.spyOn(KafkaPublisher.prototype, 'close');
    try {
      // Nothing listens at the broker's address: the publisher would retry it for ever.
      const config = configFor([], { PORT: String(port), KAFKA_BROKERS: '127.0.0.1:9' });
      await expect(startEmbedded(config, { staticDir: null })).rejects.toMatchObject({ code: 'PORT_IN_USE' });
      expect(close).toHaveBeenCalledTimes(1);
    } finally {
      close.mockRestore();
      await new Promise((resolve) => held.close(resolve));
    }
  });
});
