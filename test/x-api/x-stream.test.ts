/**
 * The X source on its own against the stand-in: silence detection, 403, stopping on abort.
 *
 * The stand-in runs in this process, so a busy machine delays its keep-alives as much as it delays the
 * watchdog: the watchdog is set far above the keep-alive period (seconds against 50 ms), and nothing here
 * asserts how long something took.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../common/node/config';
import { configFor, until } from '../helpers';
import { xSource, type XStreamTuning } from '../../producer/src/sources/x-stream';
import type { RawInput } from '../../producer/src/sources/source';
import { ProducerStats, runPipeline } from '../../producer/src/pipeline';
import { createCountryLookup } from '../../producer/src/normalise/country-lookup';
import { NO_STATUS } from '../../producer/src/test-publisher';
import { FakeXApi, type FakeXApiOptions } from './fake-x-api';
import { makeFakePosts } from './fake-x-posts';

const TOKEN = 'stream-test-token';
/** Silence after which the source gives a connection up, in ms; the stand-in's keep-alives come every 50 ms. */
const WATCHDOG_MS = 2_000;
const FAST: Partial<XStreamTuning> = {
  keepAliveTimeoutMs: WATCHDOG_MS,
  backoffBaseMs: 10,
  backoffMaxMs: 50,
  rateLimitMinWaitMs: 50,
  rateLimitMaxWaitMs: 100,
  healthyAfterMs: 200,
};

let fake: FakeXApi | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function start(options: Omit<FakeXApiOptions, 'token'>): Promise<{ config: Config; logs: string[] }> {
  fake = await FakeXApi.start({ token: TOKEN, ...options });
  const config = configFor(['--source', 'x', '--track', '#worldcup'], { X_BEARER_TOKEN: TOKEN, X_API_BASE_URL: `${fake.url}/2` });
  return { config, logs: [] };
}

const logTo = (logs: string[]) => ({ info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) });

/** Reads into `items` until `count` items arrived, then aborts; returns the items. */
async function take(
  source: ReturnType<typeof xSource>,
  count: number,
  controller = new AbortController(),
  items: RawInput[] = [],
): Promise<RawInput[]> {
  for await (const batch of source.read(controller.signal)) {
    items.push(...batch);
    if (items.length >= count) controller.abort();
  }
  return items;
}

describe('xSource', () => {
  it('treats a silent connection (no keep-alive) as dead and reconnects', async () => {
    const { config, logs } = await start({ posts: makeFakePosts(10, Date.now()), stallAfter: 4, keepAliveMs: 50 });
    const source = xSource(config, logTo(logs), FAST);
    const items = await take(source, 10);
    expect(items).toHaveLength(10);
    expect(logs.some((line) => line.includes(`no data or keep-alive for ${WATCHDOG_MS} ms`))).toBe(true);
    expect(source.state!().reconnects).toBeGreaterThanOrEqual(1);
    expect(fake!.streamStatuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
  });

  it('keeps a connection that only sends keep-alives', async () => {
    const { config, logs } = await start({ posts: makeFakePosts(2, Date.now()), keepAliveMs: 50 });
    const source = xSource(config, logTo(logs), FAST);
    const controller = new AbortController();
    const items: RawInput[] = [];
    const reading = take(source, 1_000, controller, items);
    await until(() => items.length === 2, 'both posts');
    // Then twice the watchdog of nothing but keep-alives. Were they not counted, the watchdog would fire
    // first: it was armed before this timer, for less, and timers fire in order however late they run.
    setTimeout(() => controller.abort(), 2 * WATCHDOG_MS);
    expect(await reading).toHaveLength(2);
    expect(source.state!().reconnects).toBe(0);
    expect(fake!.streamStatuses).toEqual([200]);
  });

  it('counts a message that is not JSON as read and skipped (not_json), between the posts around it', async () => {
    // Cut off mid-object, as a message broken on its way would be; and one that is no JSON at all.
    const junk = new Map([
      [1, '{"data":{"id":"1635573202398409999", BROKEN'],
      [2, 'not json'],
    ]);
    const { config, logs } = await start({ posts: makeFakePosts(3, Date.now()), junk, keepAliveMs: 50 });
    const controller = new AbortController();
    const stats = new ProducerStats();
    const publisher = { ...NO_STATUS, publish: async () => {}, close: async () => {} };
    const source = xSource(config, logTo(logs), FAST);
    const running = runPipeline({ source, publisher, lookup: createCountryLookup(), speed: { kind: 'max' }, signal: controller.signal, stats });
    // The last post comes after both messages, on the same connection, in order.
    await until(() => stats.accepted >= 3, 'the 3 posts');
    controller.abort();
    await running;
    expect({ read: stats.read, accepted: stats.accepted, skipped: stats.skipped.toJSON() }).toEqual({
      read: 5,
      accepted: 3,
      skipped: { not_json: 2 },
    });
    // Nothing to reconnect for: a message that is not JSON costs neither the connection nor the posts after it.
    expect(fake!.streamStatuses).toEqual([200]);
  });

  it('stops for good on 403, naming the access level the filtered stream needs', async () => {
    const { config, logs } = await start({ posts: [], forbiddenStream: true });
    const source = xSource(config, logTo(logs), FAST);
    const error = (await take(source, 1).then(
      () => null,
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toMatch(/403/);
    expect(error.message).toMatch(/Pro or Enterprise/);
    expect(error.message).toContain('X_BEARER_TOKEN');
    expect(error.message).toContain('Client Forbidden');
    expect(source.state!()).toMatchObject({ state: 'failed', reconnects: 0 });
    expect([error.message, ...logs].join('\n')).not.toContain(TOKEN);
  });

  it('stops promptly when the signal aborts, even while waiting to reconnect', async () => {
    const { config, logs } = await start({ posts: [], tooManyConnectionsFirst: true });
    // A wait of 10 minutes after the 429: only the abort can end this test within its timeout.
    const source = xSource(config, logTo(logs), { ...FAST, rateLimitMinWaitMs: 600_000, rateLimitMaxWaitMs: 600_000 });
    const controller = new AbortController();
    const reading = take(source, 1, controller);
    await until(() => source.state!().state === 'reconnecting', 'the wait after the 429');
    controller.abort();
    expect(await reading).toEqual([]);
    expect(source.state!().state).toBe('finished');
  });
});
