import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { EventSource } from 'eventsource';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app';
import { TrendEngine } from '../src/trend-engine';
import { MarkerHub, type HubOptions } from '../src/sse/marker-hub';
import type { Marker, StreamStats } from '../../common/src/api';
import { event } from './helpers';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function serve(hubOptions: Partial<HubOptions> = {}) {
  const engine = new TrendEngine();
  const hub = new MarkerHub(() => engine.ingested, { batchMs: 40, statsMs: 100, ...hubOptions });
  engine.onAccepted((e) => hub.publish(e));
  const app: FastifyInstance = await buildApp({ engine, hub, clientConfig: { tileUrl: '', tileAttribution: '' }, staticDir: null });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  open.push(app);
  return { engine, hub, url };
}

/** Opens a real EventSource and collects its markers. */
function listen(url: string) {
  const source = new EventSource(url);
  open.push(source);
  const markers: Marker[] = [];
  const stats: StreamStats[] = [];
  source.addEventListener('tweets', (e) => markers.push(...(JSON.parse(e.data) as Marker[])));
  source.addEventListener('stats', (e) => stats.push(JSON.parse(e.data) as StreamStats));
  const opened = new Promise<void>((resolve, reject) => {
    source.onopen = () => resolve();
    source.onerror = (e) => reject(new Error(`stream failed: ${e.message ?? 'error'}`));
  });
  return { source, markers, stats, opened };
}

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
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
    const { engine, url } = await serve({ maxBatch: 10, batchMs: 200 });
    const client = listen(`${url}/api/stream`);
    await client.opened;
    const now = Date.now();
    for (let i = 0; i < 50; i += 1) engine.ingestEvent(event({ tags: ['burst'], ts: now }), now);
    await until(() => client.stats.some((s) => s.dropped === 40), 'a dropped count of 40');
    expect(client.markers).toHaveLength(10);
  });

  it('keeps serving fast clients while a stalled one is dropped and then disconnected', async () => {
    const { engine, hub, url } = await serve({ highWaterBytes: 16 * 1024, stallMs: 300, batchMs: 20, statsMs: 10_000 });
    const fast = listen(`${url}/api/stream`);
    await fast.opened;

    // A client that sends its request and never reads: its socket buffers fill up.
    const { port } = new URL(url);
    const slow = connect({ port: Number(port), host: '127.0.0.1' });
    open.push({ close: () => slow.destroy() });
    slow.pause();
    slow.write('GET /api/stream HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await until(() => hub.clients === 2, 'the slow client to connect');

    const text = 'x'.repeat(900);
    let sent = 0;
    const deadline = Date.now() + 8_000;
    while (hub.clients === 2 && Date.now() < deadline) {
      const now = Date.now();
      for (let i = 0; i < 200; i += 1) engine.ingestEvent(event({ tags: ['flood'], ts: now, text }), now);
      sent += 200;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(hub.clients).toBe(1); // the stalled one is gone
    await until(() => fast.markers.length >= sent - 500, 'the fast client to catch up');
    expect(fast.source.readyState).toBe(EventSource.OPEN);
  });

  it('ends every stream when the server closes', async () => {
    const { hub, url } = await serve();
    const client = listen(`${url}/api/stream`);
    await client.opened;
    const app = open.shift() as FastifyInstance;
    await app.close();
    expect(hub.clients).toBe(0);
  });
});
