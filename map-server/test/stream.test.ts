import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect } from 'node:net';
import { EventSource } from 'eventsource';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app';
import { TrendEngine } from '../src/trend-engine';
import { MarkerHub, type HubOptions } from '../src/sse/marker-hub';
import { TrendsFeed, type TrendsFeedOptions } from '../src/sse/trends-feed';
import type { SessionOptions } from '../src/sse/sse-session';
import type { Marker, Post, StreamStats, TagRegionsResponse, TrendsResponse } from '../../common/browser/api';
import { until } from '../../test/helpers';
import { event } from './helpers';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const thing of open.splice(0).reverse()) await thing.close();
});

/** The most a flood may take to cut off a stalled client, in ms (seconds normally; a ceiling for a broken build). */
const FLOOD_CEILING_MS = 60_000;

/** A server on a random port; each owner of the stream (hub, trends feed, session) takes its own options. */
async function serve(options: { hub?: Partial<HubOptions>; feed?: Partial<TrendsFeedOptions>; session?: Partial<SessionOptions> } = {}) {
  const engine = new TrendEngine();
  const hub = new MarkerHub(() => engine.acceptedCount, { batchMs: 40, statsMs: 100, ...options.hub });
  engine.onAccepted((e) => hub.publish(e));
  const app: FastifyInstance = await buildApp({
    engine,
    hub,
    feedOptions: options.feed,
    sessionOptions: options.session,
    clientConfig: { tileUrl: '', tileAttribution: '' },
    staticDir: null,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  open.push(app);
  return { engine, hub, app, url };
}

/** Opens a real EventSource and collects its markers. */
function listen(url: string) {
  const source = new EventSource(url);
  open.push(source);
  const markers: Marker[] = [];
  const stats: StreamStats[] = [];
  const trends: TrendsResponse[] = [];
  const tagRegions: TagRegionsResponse[] = [];
  const posts: Post[][] = [];
  source.addEventListener('tweets', (e) => markers.push(...(JSON.parse(e.data) as Marker[])));
  source.addEventListener('stats', (e) => stats.push(JSON.parse(e.data) as StreamStats));
  source.addEventListener('trends', (e) => trends.push(JSON.parse(e.data) as TrendsResponse));
  source.addEventListener('tag-regions', (e) => tagRegions.push(JSON.parse(e.data) as TagRegionsResponse));
  source.addEventListener('posts', (e) => posts.push(JSON.parse(e.data) as Post[]));
  const opened = new Promise<void>((resolve, reject) => {
    source.onopen = () => resolve();
    source.onerror = (e) => reject(new Error(`stream failed: ${e.message ?? 'error'}`));
  });
  return { source, markers, stats, trends, tagRegions, posts, opened };
}

describe('GET /api/stream', () => {
  it('delivers accepted posts as batched markers, and only the tag asked for with ?tag', async () => {
    const { engine, hub, url } = await serve();
    const all = listen(`${url}/api/stream`);
    const cup = listen(`${url}/api/stream?tag=%23WorldCup`); // '#WorldCup' in any casing means key 'worldcup'
    const key = listen(`${url}/api/stream?tag=ger`);
    await Promise.all([all.opened, cup.opened, key.opened]);
    await until(() => hub.clients === 3, 'three clients');

    const now = Date.now();
    const posts = [
      event({ tags: ['worldcup', 'ger'], ts: now, lat: 52.52, lon: 13.405, cc: 'DE' }),
      event({ tags: ['arg'], ts: now, cc: 'AR' }),
      event({ tags: ['worldcup'], ts: now, cc: 'FR' }),
    ];
    for (const post of posts) engine.ingestEvent(post, now);
    engine.ingestEvent(posts[0], now); // a redelivery is not shown twice

    await until(() => all.markers.length === 3 && cup.markers.length === 2 && key.markers.length === 1, 'markers');
    expect(all.markers.map((m) => m.id)).toEqual(posts.map((p) => p.id));
    expect(all.markers[0]).toEqual({ id: posts[0].id, ts: now, lat: 52.52, lon: 13.405, cc: 'DE', tags: ['worldcup', 'ger'] });
    expect(cup.markers.map((m) => m.id)).toEqual([posts[0].id, posts[2].id]);
    expect(key.markers.map((m) => m.id)).toEqual([posts[0].id]);

    await until(() => all.stats.length > 0 && all.stats.at(-1)!.ingested === 3, 'stats');
    expect(all.stats.at(-1)).toMatchObject({ ingested: 3, dropped: 0 });
  });

  it('samples a burst larger than a batch and counts what a client did not get', async () => {
    const { engine, url } = await serve({ hub: { maxBatch: 10, batchMs: 200 } });
    const client = listen(`${url}/api/stream`);
    await client.opened;
    const now = Date.now();
    for (let i = 0; i < 50; i += 1) engine.ingestEvent(event({ tags: ['burst'], ts: now }), now);
    await until(() => client.stats.some((s) => s.dropped === 40), 'a dropped count of 40');
    expect(client.markers).toHaveLength(10);
  });

  it(
    'keeps serving fast clients while a stalled one is dropped and then disconnected',
    async () => {
      const { engine, hub, url } = await serve({
        hub: { batchMs: 20, statsMs: 100 },
        session: { highWaterBytes: 16 * 1024, stallMs: 300 },
      });
      const fast = listen(`${url}/api/stream`);
      await fast.opened;

      // A client that sends its request and never reads: its socket buffers fill up.
      const { port } = new URL(url);
      const slow = connect({ port: Number(port), host: '127.0.0.1' });
      open.push({ close: () => slow.destroy() });
      slow.pause();
      slow.write('GET /api/stream HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await until(() => hub.clients === 2, 'the slow client to connect');

      // Flood until the stalled one is cut off. Its socket first takes what the kernel buffers (megabytes on
      // loopback); only then does the server's own buffer pass the high-water mark and the stall begin. That
      // took 5.6 s idle and 7.1 s on a busy machine: wait for it, under a ceiling that only a broken build hits.
      const text = 'x'.repeat(900);
      let sent = 0;
      const deadline = Date.now() + FLOOD_CEILING_MS;
      while (hub.clients === 2) {
        if (Date.now() > deadline) throw new Error(`the stalled client was still registered after ${FLOOD_CEILING_MS / 1_000} s of flooding`);
        const now = Date.now();
        for (let i = 0; i < 200; i += 1) engine.ingestEvent(event({ tags: ['flood'], ts: now, text }), now);
        sent += 200;
        await new Promise((r) => setTimeout(r, 25));
      }

      // The fast one is still open and gets what comes next...
      const next = Array.from({ length: 10 }, () => event({ tags: ['next'], ts: Date.now() }));
      for (const post of next) engine.ingestEvent(post, post.ts);
      await until(() => next.every((post) => fast.markers.some((m) => m.id === post.id)), 'the posts after the drop', FLOOD_CEILING_MS);
      expect(fast.source.readyState).toBe(EventSource.OPEN);
      // ...and of the flood, it got every marker it was not told it missed (a busy machine may make it miss some).
      const dropped = () => fast.stats.at(-1)?.dropped ?? 0;
      await until(() => fast.markers.length + dropped() === sent + next.length, 'every marker delivered or counted as dropped', FLOOD_CEILING_MS);
      expect(fast.markers.length).toBeGreaterThan(0);
    },
    3 * FLOOD_CEILING_MS,
  );

  it('ends every stream when the server closes', async () => {
    const { hub, url } = await serve();
    const client = listen(`${url}/api/stream`);
    await client.opened;
    const app = open.shift() as FastifyInstance;
    await app.close();
    expect(hub.clients).toBe(0);
  });

  it('refuses bad parameters with 400 before the stream opens', async () => {
    const { hub, url } = await serve();
    for (const [query, message] of [
      ['bbox=1,2,3', /^bbox must be four comma-separated numbers/],
      ['region=view', /^region=view needs bbox/],
      ['sort=hot', /^sort must be one of top, rising/],
      ['window=2d', /^window must be one of/],
      ['region=FR&bbox=0,0,1,1', /^bbox answers for region "view" only/],
    ] as const) {
      const response = await fetch(`${url}/api/stream?${query}`);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
    }
    expect(hub.clients).toBe(0);
  });
});

describe('GET /api/stream: trends, tag regions and posts', () => {
  const now = Date.now();
  const seed = (engine: TrendEngine) => {
    engine.ingestEvent(event({ tags: ['worldcup', 'ger'], ts: now, lat: 52.52, lon: 13.405, cc: 'DE' }), now);
    engine.ingestEvent(event({ tags: ['arg'], ts: now, lat: -34.6, lon: -58.38, cc: 'AR' }), now);
  };

  it('sends its trends and tag regions at once, then again only when they change', async () => {
    const rounds = vi.spyOn(TrendsFeed.prototype, 'refresh');
    const { engine, app, url } = await serve({ feed: { trendsMs: 50 } });
    seed(engine);
    const de = listen(`${url}/api/stream?region=DE&window=15m`);
    const view = listen(`${url}/api/stream?bbox=-60,-40,-50,-30&sort=rising`);
    const cup = listen(`${url}/api/stream?tag=WorldCup&window=6h`);
    await Promise.all([de.opened, view.opened, cup.opened]);
    await until(() => de.trends.length === 1 && view.trends.length === 1 && cup.tagRegions.length === 1, 'the first trends');
    // The same answer as the REST route for the same query.
    expect(de.trends[0]).toEqual((await app.inject('/api/trends?region=DE&window=15m')).json());
    expect(view.trends[0]).toMatchObject({ region: 'view', bbox: [-60, -40, -50, -30], sort: 'rising', total: 1 });
    expect(cup.tagRegions[0]).toMatchObject({ tag: 'worldcup', window: '6h', total: 1, regions: [{ region: 'DE', count: 1, posts: 1, share: 1 }] });
    expect(view.tagRegions).toEqual([]); // no tag, no tag regions

    // Rounds pass while nothing changes (counted, not timed). Whether they sent anything shows below: a
    // stream delivers in order, so anything sent in them would arrive before the next real change.
    const quietFrom = rounds.mock.calls.length;
    await until(() => rounds.mock.calls.length >= quietFrom + 3, 'three rounds without a change');

    // A post in Germany at the same time as the newest: Germany's trends and #worldcup's regions change.
    engine.ingestEvent(event({ tags: ['worldcup'], ts: now, lat: 48.137, lon: 11.575, cc: 'DE' }), now);
    await until(() => de.trends.length >= 2 && cup.tagRegions.length >= 2, 'the changed trends');
    expect([de.trends.length, cup.tagRegions.length]).toEqual([2, 2]); // nothing in between
    expect(de.trends[1].trends.find((t) => t.tag === 'worldcup')?.count).toBe(2);
    expect(cup.tagRegions[1].regions).toEqual([{ region: 'DE', count: 2, posts: 2, share: 1 }]);

    // The Argentine view did not change with those rounds: its next message is the one its own change brings.
    engine.ingestEvent(event({ tags: ['arg'], ts: now, lat: -34.6, lon: -58.38, cc: 'AR' }), now);
    await until(() => view.trends.length >= 2, "the view's change");
    expect(view.trends).toHaveLength(2);
    expect(view.trends[1].total).toBe(2);
  });

  it('computes each distinct query once a round, however many streams follow it', async () => {
    const { engine, hub, url } = await serve({ feed: { trendsMs: 50 } });
    seed(engine);
    const world = Array.from({ length: 12 }, () => listen(`${url}/api/stream`));
    const fr = Array.from({ length: 3 }, () => listen(`${url}/api/stream?region=FR&sort=rising`));
    const all = [...world, ...fr];
    await Promise.all(all.map((c) => c.opened));
    await until(() => hub.clients === 15 && all.every((c) => c.trends.length === 1), "every stream's first trends");
    const trends = vi.spyOn(engine, 'trends');
    engine.ingestEvent(event({ tags: ['late'], ts: now + 1_000, cc: 'FR' }), now + 1_000);
    await until(() => all.every((c) => c.trends.length === 2), "every stream's second trends");
    expect(trends).toHaveBeenCalledTimes(2); // world and FR rising
    expect(world[0].trends[1].trends.some((t) => t.tag === 'late')).toBe(true);
  });

  it('sends the newest few posts of each batch in its area with its tag, newest first', async () => {
    const { engine, url } = await serve({ hub: { batchMs: 100, postsPerBatch: 5 } });
    const de = listen(`${url}/api/stream?region=DE&tag=ger`);
    const box = listen(`${url}/api/stream?bbox=170,-20,-170,-10`);
    await Promise.all([de.opened, box.opened]);
    const sent = [];
    for (let i = 0; i < 8; i += 1) {
      const post = event({ tags: ['ger'], ts: now, cc: 'DE', lat: 52.52, lon: 13.405, text: `<b>${i}</b>` });
      sent.push(post);
      engine.ingestEvent(post, now);
      engine.ingestEvent(event({ tags: ['other'], ts: now, cc: 'DE' }), now);
    }
    const fiji = event({ tags: ['fiji'], ts: now, cc: 'FJ', lat: -16.8, lon: -179.95, place: 'Taveuni' });
    engine.ingestEvent(fiji, now);
    await until(() => de.posts.length > 0 && box.posts.length > 0, 'posts');
    expect(de.posts[0].map((p) => p.id)).toEqual(
      sent
        .slice(-5)
        .reverse()
        .map((p) => p.id),
    );
    expect(de.posts[0][0]).toMatchObject({ text: '<b>7</b>', cc: 'DE', tags: ['ger'] });
    expect(box.posts[0]).toEqual([{ id: fiji.id, ts: now, lat: -16.8, lon: -179.95, cc: 'FJ', place: 'Taveuni', text: null, tags: ['fiji'] }]);
  });
});
