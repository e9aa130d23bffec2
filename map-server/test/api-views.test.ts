/** The API behind the map's views: trends in a box, tag mode, recent posts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { LabelsResponse, Post, TagRegionsResponse, TrendsResponse } from '../../common/browser/api';
import { buildApp } from '../src/app';
import { TrendEngine } from '../src/trend-engine';
import { MarkerHub } from '../src/sse/marker-hub';
import { event } from './helpers';

const BERLIN = { cc: 'DE', lat: 52.52, lon: 13.405 };
const MUNICH = { cc: 'DE', lat: 48.137, lon: 11.575 };
const PARIS = { cc: 'FR', lat: 48.857, lon: 2.352 };
const SUVA = { cc: 'FJ', lat: -18.14, lon: 178.44 };
const TAVEUNI = { cc: 'FJ', lat: -16.85, lon: -179.95 };
const HOSTILE = '<img src=x onerror=alert(1)> "quoted" & </script>';

describe('trends in a view, tag mode and recent posts', () => {
  const engine = new TrendEngine();
  const hub = new MarkerHub(() => engine.acceptedCount);
  let app: FastifyInstance;
  const t0 = Date.UTC(2014, 6, 13, 19, 0);
  const arrival = Date.UTC(2026, 0, 1);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await buildApp({ engine, hub, clientConfig: { tileUrl: '', tileAttribution: '' }, staticDir: null });
    const add = (name: string, partial: Parameters<typeof event>[0]) => {
      const post = event(partial);
      ids[name] = post.id;
      engine.ingestEvent(post, arrival);
    };
    add('berlin1', { tags: ['worldcup', 'ger'], display: ['WorldCup', 'GER'], ...BERLIN, ts: t0, place: 'Berlin' });
    add('berlin2', { tags: ['ger'], display: ['GER'], ...BERLIN, ts: t0 + 1_000 });
    add('munich', { tags: ['worldcup'], ...MUNICH, ts: t0 + 2_000 });
    add('paris', { tags: ['worldcup'], display: ['WorldCup'], ...PARIS, ts: t0 + 3_000, text: HOSTILE, place: 'Paris <b>bold</b>' });
    add('suva', { tags: ['fiji'], ...SUVA, ts: t0 + 4_000 });
    add('taveuni', { tags: ['fiji'], ...TAVEUNI, ts: t0 + 5_000 });
  });
  afterAll(async () => app.close());

  const get = async <T = { error: string }>(url: string) => {
    const response = await app.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json<T>(), raw: response.body };
  };

  describe('GET /api/trends?bbox=', () => {
    it('answers for the box as region "view", echoing the box', async () => {
      const { status, body } = await get<TrendsResponse>('/api/trends?bbox=10,47,15,53');
      expect(status).toBe(200);
      expect(body).toMatchObject({ region: 'view', bbox: [10, 47, 15, 53], window: '1h', sort: 'top', total: 3 });
      expect(body.trends.map(({ tag, count, share }) => ({ tag, count, share }))).toEqual([
        { tag: 'ger', count: 2, share: 2 / 3 },
        { tag: 'worldcup', count: 2, share: 2 / 3 },
      ]);
    });

    it('takes region=view with the box, and a box across the antimeridian', async () => {
      expect((await get<TrendsResponse>('/api/trends?region=view&bbox=2,48,3,49')).body.total).toBe(1);
      const fiji = await get<TrendsResponse>('/api/trends?bbox=178,-19,-179,-16&window=15m');
      expect(fiji.body.trends.map(({ tag, count }) => ({ tag, count }))).toEqual([{ tag: 'fiji', count: 2 }]);
      expect((await get<TrendsResponse>('/api/trends?bbox=179,-19,-179.5,-16')).body.total).toBe(1);
    });

    it.each([
      ['region=view', /^region=view needs bbox=west,south,east,north \(degrees\)$/],
      ['region=FR&bbox=0,40,5,50', /^bbox answers for region "view" only; got region="FR" with it$/],
      ['region=world&bbox=0,40,5,50', /^bbox answers for region "view" only; got region="world" with it$/],
      ['bbox=1,2,3', /^bbox must be four comma-separated numbers west,south,east,north \(degrees\); got "1,2,3"$/],
      ['bbox=a,b,c,d', /^bbox must be four comma-separated numbers/],
      ['bbox=0,,1,2', /^bbox must be four comma-separated numbers/],
      ['bbox=Infinity,0,1,1', /^bbox must be four comma-separated numbers/],
      ['bbox=0x10,0,1,1', /^bbox must be four comma-separated numbers/],
      ['bbox=0,-91,1,0', /^bbox south and north must be latitudes from -90 to 90; got "0,-91,1,0"$/],
      ['bbox=0,10,1,5', /^bbox south must not be above north; got "0,10,1,5"$/],
      ['bbox=-181,0,0,1', /^bbox west and east must be longitudes from -180 to 180 \(west > east crosses the antimeridian\); got "-181,0,0,1"$/],
      ['bbox=0,0,1,1&bbox=0,0,2,2', /^bbox must be given once$/],
      ['sort=new', /^sort must be one of top, rising; got "new"$/],
    ])('refuses %s with 400 naming the parameter', async (query, message) => {
      const { status, body } = await get(`/api/trends?${query}`);
      expect(status).toBe(400);
      expect(body.error).toMatch(message);
    });
  });

  describe('GET /api/tags/:tag/regions', () => {
    it('lists the countries where the tag is strongest, reading the tag as typed', async () => {
      const { status, body } = await get<TagRegionsResponse>('/api/tags/%23WorldCup/regions?window=6h');
      expect(status).toBe(200);
      expect(body).toEqual({
        tag: 'worldcup',
        display: 'WorldCup',
        window: '6h',
        asOf: t0 + 5_000,
        // 6 h back from the newest minute, rounded back to its 10-minute bucket.
        from: Math.floor((Math.floor((t0 + 5_000) / 60_000) - 359) / 10) * 600_000,
        approximate: false,
        maxError: 0,
        resolution: '10m',
        total: 3,
        regions: [
          { region: 'DE', count: 2, posts: 3, share: 2 / 3 },
          { region: 'FR', count: 1, posts: 1, share: 1 },
        ],
      });
      expect((await get<TagRegionsResponse>('/api/tags/worldcup/regions?limit=1')).body.regions).toHaveLength(1);
    });

    it.each([
      ['/api/tags/%23/regions', /^tag must be a hashtag such as "worldcup" or "#WorldCup"; got "#"$/],
      ['/api/tags/a%20b/regions', /^tag must be a hashtag/],
      ['/api/tags/cup/regions?window=2d', /^window must be one of 15m, 1h, 6h, 24h, 7d, 30d; got "2d"$/],
      ['/api/tags/cup/regions?limit=251', /^limit must be a whole number from 1 to 250; got "251"$/],
    ])('refuses %s with 400', async (url, message) => {
      const { status, body } = await get(url);
      expect(status).toBe(400);
      expect(body.error).toMatch(message);
    });
  });

  describe('GET /api/labels', () => {
    it("writes each tile's top tag at the weighted centre of its posts, the largest first", async () => {
      const { status, body } = await get<LabelsResponse>('/api/labels?window=15m');
      expect(status).toBe(200);
      // Zoom 2 (the default) counts in level-4 tiles (22.5° wide): Berlin, Munich and Paris share one, the
      // Fiji posts fall either side of the antimeridian.
      expect(body).toEqual({
        bbox: [-180, -90, 180, 90],
        zoom: 2,
        level: 4,
        window: '15m',
        sort: 'top',
        asOf: t0 + 5_000,
        from: t0 - 14 * 60_000,
        approximate: false,
        maxError: 0,
        resolution: '1m',
        labels: [
          { tag: 'worldcup', display: 'WorldCup', count: 3, posts: 4, lat: 50.5085, lon: 10.18425 },
          { tag: 'fiji', display: 'fiji', count: 1, posts: 1, lat: TAVEUNI.lat, lon: TAVEUNI.lon },
          { tag: 'fiji', display: 'fiji', count: 1, posts: 1, lat: SUVA.lat, lon: SUVA.lon },
        ],
      });
    });

    it('counts finer tiles as the map zooms in, and only those in the box', async () => {
      // Zoom 8: level-10 tiles (about 0.35°): Berlin alone, where #GER has both posts.
      const berlin = await get<LabelsResponse>('/api/labels?bbox=13,52,14,53&zoom=8.4');
      expect(berlin.body).toMatchObject({ bbox: [13, 52, 14, 53], zoom: 8.4, level: 10, window: '1h' });
      expect(berlin.body.labels).toEqual([{ tag: 'ger', display: 'GER', count: 2, posts: 2, lat: BERLIN.lat, lon: BERLIN.lon }]);
      const fiji = await get<LabelsResponse>('/api/labels?bbox=178,-19,-179,-16&zoom=6');
      expect(fiji.body.labels.map((label) => [label.tag, label.lon])).toEqual([
        ['fiji', TAVEUNI.lon],
        ['fiji', SUVA.lon],
      ]);
      expect((await get<LabelsResponse>('/api/labels?bbox=-10,-10,0,0&zoom=4')).body.labels).toEqual([]);
      expect((await get<LabelsResponse>('/api/labels?limit=1')).body.labels.map((label) => label.tag)).toEqual(['worldcup']);
      // The whole world at zoom 22 would be 16M level-12 tiles: it is counted in level-6 ones (4,096) instead.
      expect((await get<LabelsResponse>('/api/labels?zoom=22')).body).toMatchObject({ zoom: 22, level: 6 });
      expect((await get<LabelsResponse>('/api/labels?zoom=22&bbox=13.3,52.4,13.5,52.6')).body).toMatchObject({ level: 12, labels: [{ tag: 'ger' }] });
      // The answer echoes the zoom asked, also right after a zoom of the same level (2 and 2.5: level 4).
      expect((await get<LabelsResponse>('/api/labels')).body).toMatchObject({ zoom: 2, level: 4 });
      expect((await get<LabelsResponse>('/api/labels?zoom=2.5')).body).toMatchObject({ zoom: 2.5, level: 4 });
    });

    it("with tag=, writes that tag in each tile where it has posts, with its count there (the tag's map)", async () => {
      // Zoom 2: level-4 tiles, Berlin, Munich and Paris in one; the Fiji tiles have no #WorldCup.
      const { status, body } = await get<LabelsResponse>('/api/labels?window=15m&tag=%23WorldCup');
      expect(status).toBe(200);
      expect(body).toMatchObject({ level: 4, approximate: false, maxError: 0 });
      expect(body.labels).toEqual([{ tag: 'worldcup', display: 'WorldCup', count: 3, posts: 4, lat: 50.5085, lon: 10.18425 }]);
      // Zoom 4: level-6 tiles (5.6°), one per city; Berlin's holds #GER's post too. Ties go north to south, west to east.
      expect((await get<LabelsResponse>('/api/labels?zoom=4&tag=worldcup')).body.labels).toEqual([
        { tag: 'worldcup', display: 'WorldCup', count: 1, posts: 2, lat: BERLIN.lat, lon: BERLIN.lon },
        { tag: 'worldcup', display: 'WorldCup', count: 1, posts: 1, lat: PARIS.lat, lon: PARIS.lon },
        { tag: 'worldcup', display: 'WorldCup', count: 1, posts: 1, lat: MUNICH.lat, lon: MUNICH.lon },
      ]);
      // Not the tiles' top tags: Berlin's tile at zoom 8 has #GER on top, and #WorldCup once.
      expect((await get<LabelsResponse>('/api/labels?bbox=13,52,14,53&zoom=8.4&tag=worldcup')).body.labels).toEqual([
        { tag: 'worldcup', display: 'WorldCup', count: 1, posts: 2, lat: BERLIN.lat, lon: BERLIN.lon },
      ]);
      // A tag never seen has no tiles; an unusable one is refused like everywhere else.
      expect((await get<LabelsResponse>('/api/labels?tag=nowhere')).body).toMatchObject({ labels: [], approximate: false });
      const bad = await get('/api/labels?tag=%23');
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatch(/^tag /);
    });

    it('with sort=rising, writes only where a tag rises: nothing here, with no history before the last minute', async () => {
      // Every post is in one minute: no reference period to compare with, so no tile has a rising tag
      // (map-server/src/trend-engine.test.ts has tiles that do).
      const { status, body } = await get<LabelsResponse>('/api/labels?window=15m&sort=rising');
      expect(status).toBe(200);
      expect(body).toMatchObject({ sort: 'rising', window: '15m', level: 4, approximate: false, labels: [] });
      // In tag mode the sort plays no part: the tag's own tiles, as with sort=top.
      const tagged = await get<LabelsResponse>('/api/labels?window=15m&sort=rising&tag=worldcup');
      expect(tagged.body.labels.map((label) => label.count)).toEqual([3]);
    });

    it("says where the counts start: the window's start, rounded back to its time bucket", async () => {
      expect((await get<LabelsResponse>('/api/labels?window=1h')).body.from).toBe(t0 - 59 * 60_000);
      expect((await get<LabelsResponse>('/api/labels?window=6h')).body.from).toBe(t0 - 6 * 3_600_000);
      expect((await get<LabelsResponse>('/api/labels?window=24h')).body.from).toBe(t0 - 24 * 3_600_000);
    });

    it.each([
      ['zoom=abc', /^zoom must be a number from 0 to 22 \(the map's zoom\); got "abc"$/],
      ['zoom=23', /^zoom must be a number from 0 to 22/],
      ['zoom=-1', /^zoom must be a number from 0 to 22/],
      ['bbox=1,2,3', /^bbox must be four comma-separated numbers west,south,east,north \(degrees\); got "1,2,3"$/],
      ['bbox=0,10,1,5', /^bbox south must not be above north; got "0,10,1,5"$/],
      ['window=2d', /^window must be one of 15m, 1h, 6h, 24h, 7d, 30d; got "2d"$/],
      ['sort=new', /^sort must be one of top, rising; got "new"$/],
      ['limit=1001', /^limit must be a whole number from 1 to 1000; got "1001"$/],
      ['zoom=1&zoom=2', /^zoom must be given once$/],
    ])('refuses %s with 400', async (query, message) => {
      const { status, body } = await get(`/api/labels?${query}`);
      expect(status).toBe(400);
      expect(body.error).toMatch(message);
    });
  });

  describe('GET /api/posts', () => {
    const idsOf = (posts: Post[]) => posts.map((p) => p.id);

    it('answers the newest posts first, filtered by region, box and tag', async () => {
      expect(idsOf((await get<{ posts: Post[] }>('/api/posts')).body.posts)).toEqual(
        ['taveuni', 'suva', 'paris', 'munich', 'berlin2', 'berlin1'].map((name) => ids[name]),
      );
      expect(idsOf((await get<{ posts: Post[] }>('/api/posts?region=de&limit=2')).body.posts)).toEqual([ids.munich, ids.berlin2]);
      expect(idsOf((await get<{ posts: Post[] }>('/api/posts?tag=%23WorldCup')).body.posts)).toEqual([ids.paris, ids.munich, ids.berlin1]);
      expect(idsOf((await get<{ posts: Post[] }>('/api/posts?bbox=10,47,15,53&tag=ger')).body.posts)).toEqual([ids.berlin2, ids.berlin1]);
      expect(idsOf((await get<{ posts: Post[] }>('/api/posts?bbox=178,-19,-179,-16')).body.posts)).toEqual([ids.taveuni, ids.suva]);
    });

    it('returns post text and place as JSON strings, exactly as they came', async () => {
      const { body, raw } = await get<{ posts: Post[] }>('/api/posts?region=FR');
      expect(body.posts).toEqual([
        { id: ids.paris, ts: t0 + 3_000, lat: PARIS.lat, lon: PARIS.lon, cc: 'FR', place: 'Paris <b>bold</b>', text: HOSTILE, tags: ['WorldCup'] },
      ]);
      expect(raw).toContain(JSON.stringify(HOSTILE));
    });

    it.each([
      ['limit=0', /^limit must be a whole number from 1 to 100; got "0"$/],
      ['limit=101', /^limit must be a whole number from 1 to 100; got "101"$/],
      ['region=XX', /^region must be/],
      ['tag=%23', /^tag must be a hashtag/],
      ['bbox=0,0,1', /^bbox must be four/],
    ])('refuses %s with 400', async (query, message) => {
      const { status, body } = await get(`/api/posts?${query}`);
      expect(status).toBe(400);
      expect(body.error).toMatch(message);
    });
  });
});

describe('trends in a view past the tile budget', () => {
  const engine = new TrendEngine({ tileBudgetBytes: 3_000 });
  let app: FastifyInstance;
  const t0 = Date.UTC(2026, 5, 1, 8, 17);

  beforeAll(async () => {
    app = await buildApp({
      engine,
      hub: new MarkerHub(() => engine.acceptedCount),
      clientConfig: { tileUrl: '', tileAttribution: '' },
      staticDir: null,
    });
    // Three hours of 20 posts a minute in Paris and Berlin over 40 tags: more than 3 KB of tile counts.
    for (let i = 0; i < 3 * 60 * 20; i += 1) {
      const ts = t0 + Math.floor(i / 20) * 60_000;
      const place = i % 2 === 0 ? PARIS : BERLIN;
      engine.ingestEvent(event({ tags: [`t${i % 40}`, i % 3 === 0 ? 'cup' : 'ger'], ts, ...place }), ts);
    }
  });
  afterAll(async () => app.close());

  it('says so: approximate, the most a count may fall short, and where its hour buckets start', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/trends?bbox=-5,41,15,55&window=24h' });
    expect(response.statusCode).toBe(200);
    const body = response.json<TrendsResponse>();
    expect(body).toMatchObject({ region: 'view', total: 3 * 60 * 20, approximate: true });
    expect(body.maxError).toBeGreaterThan(0);
    // 24 h back from the newest minute, rounded back to its hour: the counts start on an hour, at most 59 minutes early.
    const start = (Math.floor(body.asOf! / 60_000) - 1_439) * 60_000;
    expect(body.from! % 3_600_000).toBe(0);
    expect(start - body.from!).toBeGreaterThanOrEqual(0);
    expect(start - body.from!).toBeLessThan(3_600_000);
    // The region's counts fit the windows' share of the default budget, so they are exact; its 24h window starts on the same hour.
    const france = (await app.inject({ method: 'GET', url: '/api/trends?region=FR&window=24h' })).json<TrendsResponse>();
    expect(france).toMatchObject({ approximate: false, maxError: 0, from: body.from });
  });
});
