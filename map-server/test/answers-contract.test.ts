/**
 * What the server sends fits the contract's schemas as the page checks them (frontend/src/api/answer-check.ts):
 * every REST answer and every SSE event, whole, for posts at the bounds the event contract allows (longest
 * text and place, most tags, the sea). The schemas state bounds the serialiser does not enforce: this is
 * where a server answer outside them would show, before a browser dropped it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventSource } from 'eventsource';
import type { FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';
import { Check } from 'typebox/schema';
import {
  ClientConfigSchema,
  HealthResponseSchema,
  LabelsResponseSchema,
  PlacesResponseSchema,
  PostsResponseSchema,
  SSE_EVENTS,
  SSE_PAYLOADS,
  TagRegionsResponseSchema,
  TagSearchResponseSchema,
  TrendsResponseSchema,
  type LabelsResponse,
} from '../../common/browser/api';
import { POST_LIMITS } from '../../common/browser/api-constants';
import { MAX_TAG_LENGTH } from '../../common/browser/tag-key';
import { buildApp } from '../src/app';
import { MarkerHub } from '../src/sse/marker-hub';
import { TrendEngine } from '../src/trend-engine';
import { until } from '../../test/helpers';
import { event } from './helpers';

describe('answers and events fit the schemas the page checks them with', () => {
  const engine = new TrendEngine();
  const hub = new MarkerHub(() => engine.acceptedCount, { batchMs: 40, statsMs: 100 });
  engine.onAccepted((e) => hub.publish(e));
  let app: FastifyInstance;
  let url = '';
  const now = Date.UTC(2026, 0, 1, 12);
  const ingest = () => {
    const many = Array.from({ length: POST_LIMITS.maxTags }, (_, i) => `${'t'.repeat(MAX_TAG_LENGTH - 3)}${String(i).padStart(3, '0')}`);
    engine.ingestEvent(event({ tags: ['cup', 'ger'], display: ['Cup', 'GER'], cc: 'DE', lat: 52.5, lon: 13.4, ts: now }), now);
    engine.ingestEvent(
      event({ tags: ['cup'], display: ['CUP'], cc: null, lat: -90, lon: 180, ts: now, text: 'x'.repeat(POST_LIMITS.maxTextLength) }),
      now,
    );
    engine.ingestEvent(event({ tags: ['cup', ...many.slice(1)], cc: 'FR', ts: now, place: 'p'.repeat(POST_LIMITS.maxPlaceLength) }), now);
  };

  beforeAll(async () => {
    app = await buildApp({ engine, hub, clientConfig: { tileUrl: 'https://tile.example/{z}/{x}/{y}.png', tileAttribution: 'x' }, staticDir: null });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    // A tag rising in Berlin (5 posts now, none in the hour before, with one post 2 hours back for a
    // reference period), so that a rising labels answer has labels to check.
    engine.ingestEvent(event({ tags: ['old'], cc: 'DE', lat: 52.5, lon: 13.4, ts: now - 2 * 3_600_000 }), now);
    for (let i = 0; i < 5; i += 1) engine.ingestEvent(event({ tags: ['rise'], cc: 'DE', lat: 52.5, lon: 13.4, ts: now }), now);
    ingest();
  });
  afterAll(async () => app.close());

  const fits = (schema: TSchema, value: unknown) => expect(Check(schema, value), JSON.stringify(value).slice(0, 300)).toBe(true);

  it('REST answers', async () => {
    const answers: [string, TSchema][] = [
      ['/api/trends', TrendsResponseSchema],
      ['/api/trends?region=de&sort=rising&window=24h', TrendsResponseSchema],
      ['/api/trends?bbox=170,-90,-170,90&limit=50', TrendsResponseSchema],
      ['/api/tags/cup/regions', TagRegionsResponseSchema],
      ['/api/labels', LabelsResponseSchema],
      ['/api/labels?bbox=170,-90,-170,90&zoom=22&window=24h&limit=1000', LabelsResponseSchema],
      ['/api/labels?sort=rising&window=1h&zoom=5', LabelsResponseSchema],
      ['/api/tags/never/regions', TagRegionsResponseSchema],
      ['/api/posts', PostsResponseSchema],
      ['/api/posts?region=fr&tag=cup', PostsResponseSchema],
      ['/api/health', HealthResponseSchema],
      ['/api/config', ClientConfigSchema],
      ['/api/tags?prefix=t&limit=50', TagSearchResponseSchema],
      ['/api/tags', TagSearchResponseSchema],
      ['/api/places?prefix=s&limit=50', PlacesResponseSchema],
    ];
    for (const [path, schema] of answers) {
      const response = await app.inject(path);
      expect(response.statusCode, path).toBe(200);
      fits(schema, response.json());
    }
    // All 9: the old post was the newest when it came, so it was new then.
    expect((await app.inject('/api/posts')).json<{ posts: unknown[] }>().posts).toHaveLength(9);
    const rising = (await app.inject('/api/labels?sort=rising&window=1h&zoom=5')).json<LabelsResponse>();
    expect(rising.labels.map(({ tag, count, recent, expected, score }) => ({ tag, count, recent, expected, score }))).toEqual([
      { tag: 'rise', count: 5, recent: 5, expected: 0, score: 5 },
    ]);
  });

  it('every SSE event', async () => {
    const source = new EventSource(`${url}/api/stream?tag=cup`);
    const seen = new Map<keyof typeof SSE_EVENTS, unknown[]>();
    for (const key of Object.keys(SSE_EVENTS) as (keyof typeof SSE_EVENTS)[]) {
      seen.set(key, []);
      source.addEventListener(SSE_EVENTS[key], (e) => seen.get(key)!.push(JSON.parse(e.data as string)));
    }
    try {
      await until(() => hub.clients === 1, 'the stream to open');
      ingest();
      await until(() => [...seen.values()].every((events) => events.length > 0), 'one event of each kind');
      for (const [key, events] of seen) for (const payload of events) fits(SSE_PAYLOADS[key], payload);
    } finally {
      source.close();
    }
  });
});
