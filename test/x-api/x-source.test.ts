/**
 * The X source end to end, through the production path (`startEmbedded` -> `createSource` -> `xSource`)
 * against the local stand-in of the X API. Only the timings are shortened (keep-alive, backoff, the wait
 * after 429), by wrapping `xSource`; the logs are captured to check that the token never shows.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Config } from '../../common/node/config';
import { tagKey } from '../../common/browser/tag-key';
import type { TrendsResponse } from '../../common/browser/api';
import { startEmbedded, type Embedded } from '../../app/embedded';
import { beforeAllOrFail, configFor, getJson } from '../helpers';
import { health, until } from '../kafka/services';
import { FakeXApi } from './fake-x-api';
import { makeFakePosts, type FakeEnvelope } from './fake-x-posts';
import { RULE_TAG_PREFIX, xRules } from '../../producer/src/sources/x-rules';
import { dryRunRules } from '../../producer/src/sources/x-rule-sync';

const harness = vi.hoisted(() => ({ logs: [] as string[] }));

vi.mock('../../producer/src/sources/x-stream', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../producer/src/sources/x-stream')>();
  const log = {
    info: (m: string) => harness.logs.push(`info ${m}`),
    warn: (m: string) => harness.logs.push(`warn ${m}`),
    error: (m: string) => harness.logs.push(`error ${m}`),
  };
  return {
    ...actual,
    xSource: (config: Config) =>
      actual.xSource(config, log, {
        // Generous: a loaded CI machine must not make a healthy connection look dead (which would add a
        // reconnect the assertions below do not expect). Silence detection has its own test in x-stream.test.ts.
        keepAliveTimeoutMs: 10_000,
        backoffBaseMs: 20,
        backoffMaxMs: 100,
        rateLimitMinWaitMs: 50,
        rateLimitMaxWaitMs: 200,
        healthyAfterMs: 500,
      }),
  };
});

const TOKEN = 'test-token';
const POSTS = 60;
const DROP_AFTER = 25;
const REDELIVER = 5;

function xConfigFor(fake: FakeXApi, token: string, extra: string[] = []): Config {
  return configFor(['--source', 'x', '--countries', 'US,GB,FR', ...extra], { X_BEARER_TOKEN: token, X_API_BASE_URL: `${fake.url}/2` });
}

/** Per tag key, how many distinct posts carry it: computed from the envelopes, not by the product's code. */
function expectedCounts(posts: FakeEnvelope[]): Map<string, number> {
  const byId = new Map(posts.map((post) => [post.data.id, post]));
  const counts = new Map<string, number>();
  for (const post of byId.values()) {
    for (const key of new Set(post.data.entities.hashtags.map((h) => h.tag.toLowerCase()))) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

describe('the X source against the stand-in API', () => {
  const posts = makeFakePosts(POSTS, Date.now() - 60_000);
  let fake: FakeXApi;
  let embedded: Embedded;
  let foreignId: string;
  let staleId: string;

  // A set-up that failed fails the tests instead of skipping them.
  beforeAllOrFail(async () => {
    harness.logs.length = 0;
    fake = await FakeXApi.start({
      token: TOKEN,
      posts,
      tooManyConnectionsFirst: true,
      dropAfter: DROP_AFTER,
      redeliver: REDELIVER,
      keepAliveMs: 100,
    });
    foreignId = fake.addRule('#catsofinstagram has:images', 'someone-else').id;
    staleId = fake.addRule('has:geo has:hashtags place_country:DE', `${RULE_TAG_PREFIX}0123456789ab`).id;
    embedded = await startEmbedded(xConfigFor(fake, TOKEN), { staticDir: null });
    await until(async () => ((await health(embedded.server.url)).ingested >= POSTS ? true : undefined), 'every post of the stand-in counted');
  });
  afterAll(async () => {
    await embedded?.close();
    await fake?.close();
  });

  it("syncs rules: adds this app's, deletes its stale one, leaves a foreign one alone", () => {
    const desired = xRules(xConfigFor(fake, TOKEN).x);
    const ours = fake.rules.filter((rule) => rule.tag?.startsWith(RULE_TAG_PREFIX));
    expect(ours.map(({ value, tag }) => ({ value, tag }))).toEqual(desired);
    expect(fake.rules.find((rule) => rule.id === foreignId)?.tag).toBe('someone-else');
    expect(fake.rules.some((rule) => rule.id === staleId)).toBe(false);
  });

  it('asks for the place expansion and the fields the normaliser reads', () => {
    expect(fake.lastStreamQuery?.get('expansions')).toBe('geo.place_id');
    expect(fake.lastStreamQuery?.get('place.fields')?.split(',')).toEqual(expect.arrayContaining(['country_code', 'geo', 'full_name']));
    expect(fake.lastStreamQuery?.get('tweet.fields')?.split(',')).toEqual(
      expect.arrayContaining(['created_at', 'entities', 'geo', 'lang', 'note_tweet']),
    );
  });

  it('survives the 429 and the mid-stream drop, reconnecting', () => {
    expect(fake.streamStatuses).toEqual([429, 200, 200]);
    expect(harness.logs.some((line) => line.includes('HTTP 429') && line.includes('another connection'))).toBe(true);
    const state = embedded.producer.source.state!();
    expect(state.state).toBe('connected');
    expect(state.reconnects).toBe(2);
  });

  it('counts redelivered posts once: /api/trends counts exactly what the stand-in sent', async () => {
    expect(fake.sent.length).toBe(POSTS + REDELIVER);
    const expected = expectedCounts(fake.sent);
    const world = await getJson<TrendsResponse>(`${embedded.server.url}/api/trends?window=1h&limit=50`);
    expect(world.total).toBe(POSTS);
    // The redelivered posts did reach the pipeline: the map-server counted them once.
    expect(embedded.producer.stats.read).toBe(POSTS + REDELIVER);
    expect(embedded.producer.stats.accepted).toBe(POSTS + REDELIVER);
    expect(new Map(world.trends.map((t) => [t.tag, t.count]))).toEqual(expected);
    for (const cc of ['US', 'GB', 'FR']) {
      const inCountry = fake.sent.filter((post) => post.includes.places[0].country_code === cc);
      const region = await getJson<TrendsResponse>(`${embedded.server.url}/api/trends?region=${cc}&window=1h&limit=50`);
      expect(new Map(region.trends.map((t) => [t.tag, t.count])), cc).toEqual(expectedCounts(inCountry));
    }
    expect([...expected.keys()].every((key) => key === tagKey(key))).toBe(true);
  });
});

describe('the X source with a wrong token', () => {
  const WRONG = 'wrong-token-5f3a9c';
  let fake: FakeXApi;
  let embedded: Embedded;

  beforeAllOrFail(async () => {
    harness.logs.length = 0;
    fake = await FakeXApi.start({ token: TOKEN, posts: makeFakePosts(3, Date.now()) });
    embedded = await startEmbedded(xConfigFor(fake, WRONG), { staticDir: null });
  });
  afterAll(async () => {
    await embedded?.close();
    await fake?.close();
  });

  it('fails with a clear message naming X_BEARER_TOKEN, and the token shows nowhere', async () => {
    const error = (await embedded.producer.done.then(
      () => null,
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain('X_BEARER_TOKEN');
    expect(error.message).toContain('401');
    const state = embedded.producer.source.state!();
    expect(state.state).toBe('failed');
    const everything = [error.message, String(error.stack), JSON.stringify(state), ...harness.logs].join('\n');
    expect(everything).not.toContain(WRONG);
    expect(harness.logs.some((line) => line.startsWith('error '))).toBe(true);
    // Nothing was changed on the account with a token the API refused.
    expect(fake.requests.every((r) => r === 'GET /2/tweets/search/stream/rules')).toBe(true);
  });
});

describe('dryRunRules', () => {
  let fake: FakeXApi;
  beforeAll(async () => (fake = await FakeXApi.start({ token: TOKEN, posts: [] })));
  afterAll(async () => fake?.close());

  it("prints the rules and the API's verdict, changing nothing", async () => {
    const lines: string[] = [];
    expect(await dryRunRules(xConfigFor(fake, TOKEN, ['--lang', 'en']), (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).toContain('has:geo has:hashtags (place_country:US OR place_country:GB OR place_country:FR) lang:en');
    expect(lines.join('\n')).toMatch(/valid 1, invalid 0/);
    expect(fake.rules).toEqual([]);
    expect(fake.requests).toEqual(['POST /2/tweets/search/stream/rules']);
  });

  it('returns 1 and prints the refusal for filters that cannot be rules', async () => {
    const lines: string[] = [];
    const config = xConfigFor(fake, TOKEN);
    config.x.countries = [];
    expect(await dryRunRules(config, (l) => lines.push(l))).toBe(1);
    expect(lines.join('\n')).toContain('--countries');
  });

  it('prints the rules without validating them when no token is set', async () => {
    const lines: string[] = [];
    const config = xConfigFor(fake, TOKEN);
    config.x.bearerToken = null;
    expect(await dryRunRules(config, (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).toContain('not validated');
  });
});
