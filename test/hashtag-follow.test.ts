/**
 * Every tag trendmap lists can be followed: for any tag the normaliser accepts, the server lists it under
 * its key, and `/api/tags/<key>/regions`, `/api/posts?tag=<key>` and `/api/stream?tag=<key>` all answer
 * for that same key, over real HTTP. The tags come from fast-check, from texts full of what makes and
 * breaks hashtags (`test/hashtag-text.ts`), plus the longest and oddest a tag may be. And an archive of
 * hostile hashtags, replayed through the embedded product, lists only hashtags and counts what it dropped.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { HealthResponse, PostsResponse, TagRegionsResponse, TrendsResponse } from '../common/browser/api';
import { buildApp } from '../map-server/src/app';
import { startEmbedded, type Embedded } from '../app/embedded';
import { MarkerHub } from '../map-server/src/sse/marker-hub';
import { TrendEngine } from '../map-server/src/trend-engine';
import { createCountryLookup } from '../producer/src/normalise/country-lookup';
import { normalisePost } from '../producer/src/normalise/normalise';
import { tagKey } from '../common/browser/tag-key';
import { hashtagCandidate } from './hashtag-text';
import { beforeAllOrFail, configFor, fixture, getJson, until } from './helpers';

const lookup = createCountryLookup();
/** Each post is this much newer than the one before, so the 15 min window holds only the newest: ms. */
const STEP_MS = 20 * 60_000;
const T0 = Date.UTC(2024, 5, 1);
/** Long enough on a busy machine; the condition, not the time, ends every wait. */
const WAIT_MS = 20_000;

describe('every tag the normaliser accepts can be followed', () => {
  const engine = new TrendEngine();
  const hub = new MarkerHub(() => engine.acceptedCount);
  engine.onAccepted((event) => hub.publish(event));
  let app: FastifyInstance;
  let url: string;
  let posts = 0;

  beforeAllOrFail(async () => {
    app = await buildApp({ engine, hub, clientConfig: { tileUrl: '', tileAttribution: '' }, staticDir: null, apiRateLimit: 0 });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => app?.close());

  /** A v2 post from Paris with `tag` as its only hashtag entity, newer than every post before it. */
  function post(tag: string): { id: string; raw: unknown } {
    posts += 1;
    const id = String(1_796_928_000_000_000_000n + BigInt(posts));
    const raw = {
      data: {
        id,
        text: `ce soir #${tag}`,
        created_at: new Date(T0 + posts * STEP_MS).toISOString(),
        entities: { hashtags: [{ start: 8, end: 9 + tag.length, tag }] },
        geo: { coordinates: { type: 'Point', coordinates: [2.3522, 48.8566] } },
      },
    };
    return { id, raw };
  }

  async function get<T>(path: string): Promise<T> {
    const response = await fetch(`${url}${path}`);
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  }

  it('lists it under its key, and each route answers for that key (fast-check)', async () => {
    let followed = 0;
    await fc.assert(
      fc.asyncProperty(hashtagCandidate, async (tag) => {
        const { id, raw } = post(tag);
        const result = normalisePost(raw, lookup);
        if (!result.ok) return; // not a hashtag: the normaliser's own tests say why
        expect(engine.ingestEvent(result.event, Date.UTC(2030, 0, 1)).ok).toBe(true);
        const [key] = result.event.tags;
        const path = encodeURIComponent(key);
        followed += 1;

        // Listed: the only tag of the window, under its key, shown in a spelling of that key (the most
        // frequent so far, which an earlier post may have set).
        const trends = await get<TrendsResponse>('/api/trends?region=FR&window=15m');
        expect(trends.trends.map((t) => [t.tag, tagKey(t.display)])).toEqual([[key, key]]);

        const regions = await get<TagRegionsResponse>(`/api/tags/${path}/regions?window=15m`);
        expect([regions.tag, regions.total, regions.regions[0]?.region]).toEqual([key, 1, 'FR']);
        // Followed as a person writes it, too: the spelling shown, with its hash sign.
        expect((await get<TagRegionsResponse>(`/api/tags/${encodeURIComponent(`#${tag}`)}/regions?window=15m`)).tag).toBe(key);

        const found = await get<PostsResponse>(`/api/posts?tag=${path}&region=FR&limit=1`);
        expect(found.posts.map((p) => p.id)).toEqual([id]);

        const streamed = await firstEvent<TagRegionsResponse>(`${url}/api/stream?tag=${path}&window=15m`, 'tag-regions');
        expect([streamed.tag, streamed.total]).toEqual([key, 1]);
        await until(() => hub.clients === 0, 'the stream to close', WAIT_MS);
      }),
      { numRuns: 150 },
    );
    expect(followed).toBeGreaterThan(50); // a check on the generator: most candidates are hashtags
  }, 180_000);
});

describe('an archive of hostile hashtags through the embedded product (test/fixtures/hostile-hashtags.jsonl)', () => {
  let embedded: Embedded;

  beforeAllOrFail(async () => {
    embedded = await startEmbedded(configFor(['--source', 'replay', '--file', fixture('hostile-hashtags.jsonl'), '--speed', 'max']), {
      staticDir: null,
    });
    expect((await embedded.producer.done).finished).toBe(true);
  });
  afterAll(async () => embedded?.close());

  it('lists only hashtags, and counts the tags it dropped apart from the posts it skipped', async () => {
    const { url } = embedded.server;
    await until(() => embedded.server.engine.acceptedCount === 3, 'the accepted posts', WAIT_MS);
    const trends = await getJson<TrendsResponse>(`${url}/api/trends?window=24h`);
    expect(trends.trends.map((t) => t.tag).sort()).toEqual(['jo2024', 'paris']);
    const health = await getJson<HealthResponse>(`${url}/api/health`);
    // 5 lines read = 3 accepted + 2 skipped; the 14 dropped tags are not posts.
    expect([health.ingested, health.skipped, health.droppedTags]).toEqual([3, { no_hashtag: 2 }, { invalid_hashtag: 14 }]);
    for (const { tag } of trends.trends) {
      expect((await getJson<TagRegionsResponse>(`${url}/api/tags/${encodeURIComponent(tag)}/regions?window=24h`)).regions).toEqual([
        expect.objectContaining({ region: 'FR', count: tag === 'paris' ? 2 : 1 }),
      ]);
    }
  });
});

/** Opens an SSE stream, returns the data of the first event called `name`, and closes the stream. */
async function firstEvent<T>(streamUrl: string, name: string): Promise<T> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), WAIT_MS);
  try {
    const response = await fetch(streamUrl, { signal: abort.signal });
    expect(response.status, streamUrl).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffered += decoder.decode(chunk.value, { stream: true });
      for (const message of buffered.split('\n\n').slice(0, -1)) {
        const lines = message.split('\n');
        if (lines.includes(`event: ${name}`)) {
          const data = lines.find((line) => line.startsWith('data: '));
          return JSON.parse(data!.slice('data: '.length)) as T;
        }
      }
    }
    throw new Error(`the stream ended before a ${name} event`);
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}
