/**
 * The page's checks of answers and events, with the contract's schemas. The cases are those the hand-written
 * parsers had (parse-trends, parse-tag-regions, parse-posts, stream-messages); where the schema is stricter
 * than they were (a field missing or out of range refuses the row or the answer, where they filled it in
 * or clamped it), the test says so.
 */
import { describe, expect, it } from 'vitest';
import type { TSchema } from 'typebox';
import {
  PostsResponseSchema,
  SSE_PAYLOADS,
  TagRegionsResponseSchema,
  TrendsResponseSchema,
  type Post,
  type TagRegionsResponse,
  type Trend,
  type TrendsResponse,
} from '../../../common/browser/api';
import { POST_LIMITS } from '../../../common/browser/api-constants';
import { checkAnswer, checkEvent } from './answer-check';

const trend: Trend = { tag: 'a', display: 'A', count: 20, share: 0.5, recent: 20, expected: 4, score: 7.2, spark: [1, 2, 3] };

const trends: TrendsResponse = {
  region: 'view',
  bbox: [170, -20, -170, 10],
  window: '15m',
  sort: 'rising',
  asOf: 5,
  from: 0,
  approximate: false,
  maxError: 0,
  total: 40,
  spark: { slots: 15, slotMs: 60_000 },
  referenceMinutes: 45,
  trends: [trend],
};

const post: Post = {
  id: '1',
  ts: 1_700_000_000_000,
  lat: 48.85,
  lon: 2.35,
  cc: 'FR',
  place: 'Paris',
  text: '<img src=x onerror=alert(1)> #WorldCup',
  tags: ['WorldCup'],
};

const tagRegions: TagRegionsResponse = {
  tag: 'worldcup',
  display: 'WorldCup',
  window: '1h',
  asOf: 10,
  from: 0,
  approximate: false,
  maxError: 0,
  total: 60,
  regions: [{ region: 'FR', count: 40, posts: 100, share: 0.4 }],
};

describe('trends answers', () => {
  it('reads a full response', () => {
    expect(checkAnswer(TrendsResponseSchema, trends)).toEqual(trends);
    expect(checkAnswer(TrendsResponseSchema, { ...trends, bbox: undefined, region: 'world' })).toMatchObject({ region: 'world' });
  });

  it('drops broken rows and keeps the well-formed ones (a share above 1 or a negative spark slot: dropped, was clamped)', () => {
    const rows = [trend, { tag: 'b', count: 'many' }, { ...trend, tag: 'c', share: 7 }, { ...trend, tag: 'd', spark: [1, -1, 'x'] }, null];
    expect(checkAnswer(TrendsResponseSchema, { ...trends, trends: rows })?.trends).toEqual([trend]);
  });

  it('refuses a response with a field missing (was: filled with a default) or that is not a trends response', () => {
    const { sort: _sort, ...withoutSort } = trends;
    expect(checkAnswer(TrendsResponseSchema, withoutSort)).toBeNull();
    expect(checkAnswer(TrendsResponseSchema, { ...trends, sort: 'hot' })).toBeNull();
    expect(checkAnswer(TrendsResponseSchema, { ...trends, bbox: [1, 2, 3] })).toBeNull();
    expect(checkAnswer(TrendsResponseSchema, '<html>')).toBeNull();
    expect(checkAnswer(TrendsResponseSchema, { ...trends, trends: 'none' })).toBeNull();
  });
});

describe('tag-regions answers', () => {
  it('reads regions, dropping rows with a bad code or counts (a lower-case code or a missing share: dropped, was mended)', () => {
    const rows = [
      ...tagRegions.regions,
      { region: 'de', count: 10, posts: 40, share: 0.25 },
      { region: 'DE', count: 10, posts: 40 },
      { region: 'XXX', count: 1, posts: 1, share: 1 },
      { region: 'GB', count: -1, posts: 3, share: 0 },
    ];
    expect(checkAnswer(TagRegionsResponseSchema, { ...tagRegions, regions: rows })).toEqual(tagRegions);
  });

  it('refuses a body without a tag or regions', () => {
    expect(checkAnswer(TagRegionsResponseSchema, { ...tagRegions, tag: undefined })).toBeNull();
    expect(checkAnswer(TagRegionsResponseSchema, { ...tagRegions, regions: undefined })).toBeNull();
  });
});

describe('posts answers', () => {
  it('reads the REST body and the bare array of an SSE event, keeping text as data', () => {
    expect(checkAnswer(PostsResponseSchema, { posts: [post] })).toEqual({ posts: [post] });
    expect(checkAnswer(SSE_PAYLOADS.posts, [post])).toEqual([post]);
  });

  it('drops malformed posts (a bad code, text over its length or a bad tag: dropped, were mended or cut)', () => {
    const bad = [
      { ...post, id: 2 },
      { ...post, id: '3', lat: 91 },
      { ...post, id: '4', ts: 1e20 },
      { ...post, id: '5', cc: 'France' },
      { ...post, id: '6', text: 'x'.repeat(POST_LIMITS.maxTextLength + 1) },
      { ...post, id: '7', tags: ['a', 7] },
      { ...post, id: '8', tags: ['a', ''] },
      { ...post, id: '' },
    ];
    const good = { ...post, id: '9', cc: null, place: null, text: 'x'.repeat(POST_LIMITS.maxTextLength) };
    expect(checkAnswer(SSE_PAYLOADS.posts, [...bad, good])).toEqual([good]);
  });

  it('refuses a body that is not posts', () => {
    expect(checkAnswer(PostsResponseSchema, { error: 'nope' })).toBeNull();
    expect(checkAnswer(PostsResponseSchema, '[]')).toBeNull();
    expect(checkAnswer(SSE_PAYLOADS.posts, { posts: [post] })).toBeNull();
  });
});

describe('SSE events', () => {
  const marker = { id: 'a', ts: 1, lat: 48.8, lon: 2.3, cc: 'FR', tags: ['worldcup'] };

  it('reads a batch of markers (tags are keys as sent: an id as a number or a lower-case code drops the marker, was mended)', () => {
    expect(checkEvent(SSE_PAYLOADS.markers, JSON.stringify([marker]))).toEqual([marker]);
    const rows = [
      null,
      { ...marker, id: 7 },
      { ...marker, cc: 'fr' },
      { ...marker, lat: 100 },
      { ...marker, lat: '1' },
      { ...marker, ts: undefined },
    ];
    expect(checkEvent(SSE_PAYLOADS.markers, JSON.stringify([...rows, { ...marker, id: 'z' }]))?.map((m) => m.id)).toEqual(['z']);
  });

  it('ignores malformed events without throwing', () => {
    expect(checkEvent(SSE_PAYLOADS.markers, '{not json')).toBeNull();
    expect(checkEvent(SSE_PAYLOADS.markers, '{"a":1}')).toBeNull();
    expect(checkEvent(SSE_PAYLOADS.markers, undefined)).toBeNull();
    expect(checkEvent(SSE_PAYLOADS.trends, '{"trends":')).toBeNull();
    expect(checkEvent(SSE_PAYLOADS.tagRegions, 'null')).toBeNull();
    expect(checkEvent(SSE_PAYLOADS.posts, '{"oops":1}')).toBeNull();
  });

  it('reads stats and rejects nonsense', () => {
    expect(checkEvent(SSE_PAYLOADS.stats, '{"rate":4.5,"ingested":10,"dropped":2}')).toEqual({ rate: 4.5, ingested: 10, dropped: 2 });
    expect(checkEvent(SSE_PAYLOADS.stats, '{"rate":"fast"}')).toBeNull();
    expect(checkEvent(SSE_PAYLOADS.stats, '{"rate":-1,"ingested":10,"dropped":2}')).toBeNull();
    expect(checkEvent(SSE_PAYLOADS.stats, '[]')).toBeNull();
    expect(checkEvent(SSE_PAYLOADS.stats, '')).toBeNull();
  });

  it('reads the trends, tag-regions and posts events', () => {
    expect(checkEvent(SSE_PAYLOADS.trends, JSON.stringify(trends))).toEqual(trends);
    expect(checkEvent(SSE_PAYLOADS.tagRegions, JSON.stringify(tagRegions))).toEqual(tagRegions);
    expect(checkEvent(SSE_PAYLOADS.posts, JSON.stringify([{ ...post, place: null, text: null, tags: [] }]))).toHaveLength(1);
  });

  it('takes fields a newer server adds', () => {
    expect(checkEvent(SSE_PAYLOADS.stats, '{"rate":1,"ingested":1,"dropped":0,"clients":4}')).toMatchObject({ rate: 1 });
  });
});

describe('the schemas as JSON, as the build bundles them (vite.config.ts)', () => {
  const asJson = <T>(schema: T): T => JSON.parse(JSON.stringify(schema)) as T;

  it('check exactly as the built schemas do', () => {
    const cases: [TSchema, unknown][] = [
      [TrendsResponseSchema, trends],
      [TrendsResponseSchema, { ...trends, trends: [trend, { ...trend, share: 7 }] }],
      [TrendsResponseSchema, { ...trends, sort: 'hot' }],
      [TagRegionsResponseSchema, { ...tagRegions, regions: [...tagRegions.regions, { region: 'de', count: 1, posts: 1, share: 1 }] }],
      [PostsResponseSchema, { posts: [post, { ...post, lat: 91 }] }],
      [SSE_PAYLOADS.markers, [{ id: 'a', ts: 1, lat: 0, lon: 0, cc: null, tags: [] }, { id: 7 }]],
      [SSE_PAYLOADS.stats, { rate: -1, ingested: 0, dropped: 0 }],
    ];
    for (const [schema, value] of cases) expect(checkAnswer(asJson(schema), value)).toEqual(checkAnswer(schema, value));
    expect(checkAnswer(asJson(TrendsResponseSchema), { ...trends, trends: [trend, null] })?.trends).toEqual([trend]);
  });
});
