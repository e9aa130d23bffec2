/**
 * End to end, through the same code path as `npm start`: config parsing, the embedded bus, the producer's
 * pipeline and normaliser, the map-server's engine and HTTP API, and the built frontend.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createServer } from 'node:net';
import { EventSource } from 'eventsource';
import { beforeAllOrFail, configFor, ensureBuild, expectSampleCounts, fixture, getJson, replaySample, runStart } from './helpers';
import { startEmbedded, type Embedded } from '../app/embedded';
import type { Marker, PlacesResponse, TrendsResponse } from '../common/browser/api';
import { startProductProcess, type ProductProcess } from './browser/product-process';
import { FRESH_MS } from '../map-server/src/trend-engine';
import { GiveUp, until } from './kafka/services';
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

describe("the synthetic world's past, written at start", () => {
  let embedded: Embedded;
  let startedAt: number;

  beforeAllOrFail(async () => {
    startedAt = Date.now();
    // 20 minutes at 20 posts/s: 24,000 posts of history beside the live ones.
    embedded = await startEmbedded(configFor(['--rate', '20', '--seed', '5', '--history', '20m']), { staticDir: null });
  });
  afterAll(async () => embedded?.close());

  it('fills the windows at once, without showing the past as new posts', { timeout: 120_000 }, async () => {
    const url = embedded.server.url;
    // Dots streamed while the past is written: only posts of the last minute are new enough to show.
    const source = new EventSource(`${url}/api/stream`);
    const markers: Marker[] = [];
    source.addEventListener('tweets', (e) => markers.push(...JSON.parse(e.data)));
    const total = async (window: string) => (await getJson<TrendsResponse>(`${url}/api/trends?window=${window}`)).total;
    // Every post of the last 20 minutes counted (a busy machine takes longer, never fewer), and the live ones.
    await until(async () => ((await total('1h')) >= 24_000 ? true : undefined), "the history's 24,000 posts counted", 100_000);
    // 15m is the newest 15 minute buckets, the current one partly over: at least 14 minutes of the history.
    expect(await total('15m')).toBeGreaterThanOrEqual(14 * 60 * 20);
    expect(await total('15m')).toBeLessThan(await total('1h'));
    // Rising has a reference at once: tags score against the 15 minutes before.
    const rising = await getJson<TrendsResponse>(`${url}/api/trends?window=15m&sort=rising`);
    expect(rising.trends.length).toBeGreaterThan(0);
    // The recent posts are the live ones (made since the start), not the written past.
    const { posts } = await getJson<{ posts: { ts: number }[] }>(`${url}/api/posts?limit=100`);
    expect(posts.length).toBeGreaterThan(0);
    for (const post of posts) expect(post.ts).toBeGreaterThanOrEqual(startedAt - FRESH_MS);
    source.close();
    expect(markers.length).toBeGreaterThan(0);
    const old = markers.filter((marker) => marker.ts < startedAt - FRESH_MS);
    expect(old, 'dots of posts written as history').toEqual([]);
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

describe('the built `npm start` and its city search', () => {
  let product: ProductProcess | undefined;
  beforeAllOrFail(async () => {
    product = await startProductProcess([], { LOG_LEVEL: 'info' });
  });
  afterAll(async () => product?.stop());

  it("builds the city index once listening, in its worker (the bundle's own file), and searches it", async () => {
    const { url } = product!;
    const output = () => product!.output();
    await until(
      async () => {
        if (output().includes('the city search has no gazetteer')) throw new GiveUp(`its build failed:\n${output()}`);
        return output().includes('the city search is ready') ? true : undefined;
      },
      () => `the ready line:\n${output()}`,
    );
    expect(output()).toMatch(/the city search is ready: 1\d\d,\d{3} cities/);
    const { places } = await getJson<PlacesResponse>(`${url}/api/places?prefix=lyon&limit=1`);
    expect(places).toEqual([expect.objectContaining({ name: 'Lyon', country: 'FR' })]);
  });
});
