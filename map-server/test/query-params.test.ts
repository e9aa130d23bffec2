/**
 * Every message a bad query parameter gets, on every route that takes the parameter: the schema's rules
 * (enum, whole-number range, a repeat) as Fastify checks them, and the rules read after it (region, bbox,
 * tag), all as `400 { "error": ... }` with the security headers. GET and HEAD of the stream alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { POSTS_LIMIT, TAG_REGIONS_LIMIT, TRENDS_LIMIT, type TrendsResponse } from '../../common/browser/api';
import { buildApp } from '../src/app';
import { MarkerHub } from '../src/sse/marker-hub';
import { TrendEngine } from '../src/trend-engine';
import { event } from './helpers';
import { expectOurError, securityHeadersOf } from './test-app';

const ROUTES = { trends: '/api/trends', regions: '/api/tags/cup/regions', posts: '/api/posts', stream: '/api/stream' } as const;
type Route = keyof typeof ROUTES;

/** The live windows (the stream), and those history adds (the answers that read it). */
const LIVE_WINDOW = /^window must be one of 15m, 1h, 6h, 24h; got "2d"$/;
const WINDOW = /^window must be one of 15m, 1h, 6h, 24h, 7d, 30d; got "2d"$/;
const REGION = /^region must be "world", an ISO 3166-1 alpha-2 country code or "view" \(with bbox\); got "XX"$/;
const TAG = /^tag must be a hashtag such as "worldcup" or "#WorldCup"; got "#"$/;

/** [routes, query, the whole message]. */
const CASES: [Route[], string, RegExp][] = [
  [['trends', 'regions'], 'window=2d', WINDOW],
  [['stream'], 'window=2d', LIVE_WINDOW],
  [['trends', 'regions'], 'window=', /^window must be one of 15m, 1h, 6h, 24h, 7d, 30d; got ""$/],
  [['stream'], 'window=', /^window must be one of 15m, 1h, 6h, 24h; got ""$/],
  [
    ['trends', 'regions', 'posts'],
    'at=yesterday',
    /^at must be an ISO 8601 time such as 2026-11-20T18:00:00Z, or ms since the epoch; got "yesterday"$/,
  ],
  [['trends', 'regions', 'stream'], 'window=1h&window=6h', /^window must be given once$/],
  [['trends', 'stream'], 'sort=new', /^sort must be one of top, rising; got "new"$/],
  [['trends', 'stream'], 'sort=top&sort=top', /^sort must be given once$/],
  [['trends', 'stream'], 'limit=0', /^limit must be a whole number from 1 to 50; got "0"$/],
  [['trends', 'stream'], 'limit=51', /^limit must be a whole number from 1 to 50; got "51"$/],
  [['trends', 'stream'], 'limit=abc', /^limit must be a whole number from 1 to 50; got "abc"$/],
  [['trends', 'stream'], 'limit=1.5', /^limit must be a whole number from 1 to 50; got "1.5"$/],
  [['trends', 'stream'], 'limit=', /^limit must be a whole number from 1 to 50; got ""$/],
  [['trends', 'regions', 'posts', 'stream'], 'limit=5&limit=6', /^limit must be given once$/],
  [['regions'], 'limit=251', /^limit must be a whole number from 1 to 250; got "251"$/],
  [['posts'], 'limit=101', /^limit must be a whole number from 1 to 100; got "101"$/],
  [['trends', 'posts', 'stream'], 'region=XX', REGION],
  [['trends', 'posts', 'stream'], 'region=', /^region must be "world", an ISO 3166-1 alpha-2 country code or "view" \(with bbox\); got ""$/],
  [['trends', 'posts', 'stream'], `region=${'x'.repeat(50)}`, /^region must be .*; got "x{40}…"$/],
  [['trends', 'posts', 'stream'], 'region=FR&region=DE', /^region must be given once$/],
  [['trends', 'posts', 'stream'], 'region=view', /^region=view needs bbox=west,south,east,north \(degrees\)$/],
  [['trends', 'posts', 'stream'], 'region=FR&bbox=0,40,5,50', /^bbox answers for region "view" only; got region="FR" with it$/],
  [['trends', 'posts', 'stream'], 'bbox=1,2,3', /^bbox must be four comma-separated numbers west,south,east,north \(degrees\); got "1,2,3"$/],
  [['trends', 'posts', 'stream'], 'bbox=0,-91,1,0', /^bbox south and north must be latitudes from -90 to 90; got "0,-91,1,0"$/],
  [['trends', 'posts', 'stream'], 'bbox=0,10,1,5', /^bbox south must not be above north; got "0,10,1,5"$/],
  [['trends', 'posts', 'stream'], 'bbox=-181,0,0,1', /^bbox west and east .*; got "-181,0,0,1"$/],
  [['trends', 'posts', 'stream'], 'bbox=0,0,1,1&bbox=0,0,2,2', /^bbox must be given once$/],
  [['posts', 'stream'], 'tag=%23', TAG],
  [['posts', 'stream'], 'tag=a&tag=b', /^tag must be given once$/],
];

describe('query parameters', () => {
  let app: FastifyInstance;
  let security: Record<string, string>;
  const t0 = Date.UTC(2026, 0, 1, 12);

  beforeAll(async () => {
    const engine = new TrendEngine();
    const hub = new MarkerHub(() => engine.acceptedCount);
    // No rate limit: this suite asks a few hundred questions.
    app = await buildApp({ engine, hub, clientConfig: { tileUrl: '', tileAttribution: '' }, staticDir: null, apiRateLimit: 0 });
    security = await securityHeadersOf(app);
    for (let i = 0; i < 60; i++) {
      engine.ingestEvent(event({ id: String(i + 1), tags: [`t${i}`, 'cup'], display: [`T${i}`, 'Cup'], cc: 'FR', ts: t0 }), t0);
    }
  });

  afterAll(async () => app.close());

  for (const [routes, query, message] of CASES) {
    for (const route of routes) {
      it(`${route}: ${query}`, async () => {
        for (const method of route === 'stream' ? (['GET', 'HEAD'] as const) : (['GET'] as const)) {
          const response = await app.inject({ method, url: `${ROUTES[route]}?${query}` });
          expect(response.statusCode).toBe(400);
          expect(response.headers).toMatchObject(security);
          if (method === 'HEAD') continue;
          expectOurError(response, security);
          expect(response.json<{ error: string }>().error).toMatch(message);
        }
      });
    }
  }

  it('says what is wrong with a path tag', async () => {
    const response = await app.inject('/api/tags/%23/regions');
    expectOurError(response, security);
    expect(response.json<{ error: string }>().error).toMatch(TAG);
  });

  it('fills in the defaults the contract names', async () => {
    const trends = (await app.inject('/api/trends')).json<TrendsResponse>();
    expect(trends).toMatchObject({ region: 'world', window: '1h', sort: 'top' });
    expect(trends.trends).toHaveLength(TRENDS_LIMIT.default);
    expect((await app.inject('/api/tags/cup/regions')).json<{ regions: unknown[] }>().regions).toHaveLength(1);
    expect((await app.inject('/api/posts')).json<{ posts: unknown[] }>().posts).toHaveLength(POSTS_LIMIT.default);
    expect(TAG_REGIONS_LIMIT.default).toBeGreaterThan(1);
  });

  it('reads regions in any casing and takes the limits at their bounds', async () => {
    expect((await app.inject('/api/trends?region=fr')).json<TrendsResponse>().region).toBe('FR');
    expect((await app.inject('/api/trends?region=WORLD')).json<TrendsResponse>().region).toBe('world');
    expect((await app.inject('/api/trends?region=View&bbox=0,40,5,50')).json<TrendsResponse>()).toMatchObject({
      region: 'view',
      bbox: [0, 40, 5, 50],
    });
    expect((await app.inject(`/api/trends?limit=${TRENDS_LIMIT.max}`)).json<TrendsResponse>().trends).toHaveLength(TRENDS_LIMIT.max);
    expect((await app.inject(`/api/posts?limit=${POSTS_LIMIT.min}&tag=%23Cup`)).json<{ posts: unknown[] }>().posts).toHaveLength(1);
  });

  it('leaves parameters it does not know alone', async () => {
    expect((await app.inject('/api/trends?utm_source=x&limit=2')).statusCode).toBe(200);
  });
});
