import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app';
import { TrendEngine } from '../src/trend-engine';
import { MarkerHub } from '../src/sse/marker-hub';
import { event } from './helpers';

describe('HTTP API', () => {
  const engine = new TrendEngine();
  const hub = new MarkerHub(() => engine.acceptedCount);
  let app: FastifyInstance;
  const t0 = Date.UTC(2014, 6, 13, 19, 0);
  const arrival = Date.UTC(2026, 0, 1); // a replay: arrival long after the events

  beforeAll(async () => {
    app = await buildApp({ engine, hub, clientConfig: { tileUrl: '', tileAttribution: '' }, staticDir: null });
    const add = (partial: Parameters<typeof event>[0]) => engine.ingestEvent(event(partial), arrival);
    add({ tags: ['worldcup', 'ger'], display: ['WorldCup', 'GER'], cc: 'DE', ts: t0 });
    add({ tags: ['worldcup'], display: ['worldcup'], cc: 'DE', ts: t0 + 1_000 });
    add({ tags: ['worldcup'], display: ['WorldCup'], cc: 'FR', ts: t0 + 2_000 });
    add({ tags: ['arg'], cc: 'AR', ts: t0 + 3_000 });
    add({ tags: ['ger'], cc: 'DE', ts: t0 - 2 * 3_600_000 }); // outside 1h, inside 6h
    add({ tags: ['ocean'], cc: null, ts: t0 });
    // The first post, before every reference period: rising rates are taken over whole periods.
    add({ tags: ['ancient'], cc: 'AR', ts: t0 - 20 * 3_600_000 });
  });
  afterAll(async () => app.close());

  const get = async (url: string) => {
    const response = await app.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json() };
  };

  it('answers the world top list over the default window, by count then tag', async () => {
    const { status, body } = await get('/api/trends');
    expect(status).toBe(200);
    // Everything in the last hour fell in its newest minute: the last of 30 two-minute spark slots.
    const spark = (n: number) => [...new Array(29).fill(0), n];
    // 1h is scored against the 5 h before it, from the start of its 10-minute bucket (301 minutes here):
    // 'ger' had one post there, so 60/301 were expected in the hour.
    const gerExpected = 60 / 301;
    const gerScore = (1 - gerExpected) / Math.sqrt(1 + gerExpected);
    expect(body).toEqual({
      region: 'world',
      window: '1h',
      sort: 'top',
      asOf: t0 + 3_000,
      // The window's first minute: the hour ending with the newest.
      from: (Math.floor((t0 + 3_000) / 60_000) - 59) * 60_000,
      approximate: false,
      maxError: 0,
      total: 5,
      spark: { slots: 30, slotMs: 120_000 },
      referenceMinutes: 301,
      resolution: '1m',
      trends: [
        { tag: 'worldcup', display: 'WorldCup', count: 3, share: 0.6, recent: 3, expected: 0, score: 3, spark: spark(3) },
        { tag: 'arg', display: 'arg', count: 1, share: 0.2, recent: 1, expected: 0, score: 1, spark: spark(1) },
        { tag: 'ger', display: 'GER', count: 1, share: 0.2, recent: 1, expected: gerExpected, score: gerScore, spark: spark(1) },
        { tag: 'ocean', display: 'ocean', count: 1, share: 0.2, recent: 1, expected: 0, score: 1, spark: spark(1) },
      ],
    });
  });

  it('ranks by rising score with sort=rising, listing only tags with enough posts', async () => {
    const { body } = await get('/api/trends?sort=rising');
    expect(body).toMatchObject({ sort: 'rising', total: 5, trends: [] }); // nothing has RISING.minCount posts
  });

  it('answers a country, a longer window and a limit', async () => {
    const { body } = await get('/api/trends?region=de&window=6h&limit=1');
    expect(body).toMatchObject({ region: 'DE', window: '6h', total: 3, trends: [{ tag: 'ger', count: 2 }] });
    const ger = await get('/api/trends?region=DE&window=6h');
    expect(ger.body.trends.map(({ tag, display, count, share }: Record<string, unknown>) => ({ tag, display, count, share }))).toEqual([
      { tag: 'ger', display: 'GER', count: 2, share: 2 / 3 },
      { tag: 'worldcup', display: 'WorldCup', count: 2, share: 2 / 3 },
    ]);
  });

  it('answers a valid country with no posts with an empty list', async () => {
    const { status, body } = await get('/api/trends?region=JP');
    expect(status).toBe(200);
    expect(body).toMatchObject({ region: 'JP', total: 0, trends: [] });
  });

  it.each([
    ['window=2d', /^window must be one of 15m, 1h, 6h, 24h, 7d, 30d; got "2d"$/],
    ['region=XX', /^region must be "world", an ISO 3166-1 alpha-2 country code or "view" \(with bbox\); got "XX"$/],
    ['region=FRA', /^region must be/],
    ['limit=0', /^limit must be a whole number from 1 to 50; got "0"$/],
    ['limit=abc', /^limit must be a whole number from 1 to 50; got "abc"$/],
    ['limit=51', /^limit must be/],
    ['limit=1.5', /^limit must be/],
    ['window=1h&window=6h', /^window must be given once$/],
  ])('refuses %s with 400 naming the parameter', async (query, message) => {
    const { status, body } = await get(`/api/trends?${query}`);
    expect(status).toBe(400);
    expect(body.error).toMatch(message);
  });

  it('refuses a bad tag filter on the stream with 400', async () => {
    const { status, body } = await get('/api/stream?tag=%23');
    expect(status).toBe(400);
    expect(body.error).toMatch(/^tag must be a hashtag/);
  });

  it('reports health with skips by reason', async () => {
    engine.ingest('not json', arrival);
    engine.ingest(JSON.stringify({ v: 1, id: 'x' }), arrival);
    const { body } = await get('/api/health');
    expect(body).toEqual({
      status: 'ok',
      ingested: 7,
      skipped: { invalid_event: 2 },
      clients: 0,
      newestEventTs: t0 + 3_000,
      memory: { budgetBytes: 384 * 1024 * 1024, countedBytes: engine.tileBytes + engine.windowBytes + engine.dictionaryBytes + engine.dedupeBytes },
    });
    expect(body.memory.countedBytes).toBeGreaterThan(0);
  });

  it('answers unknown API paths with a JSON 404', async () => {
    const { status, body } = await get('/api/nope');
    expect(status).toBe(404);
    expect(body.error).toBe('no route for GET /api/nope');
  });
});
