import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerResponse } from 'node:http';
import { TrendEngine } from '../trend-engine';
import { event } from '../../test/helpers';
import { TrendsFeed } from './trends-feed';
import { SseSession } from './sse-session';

const feeds: TrendsFeed[] = [];
afterEach(() => feeds.splice(0).forEach((feed) => feed.close()));

/** A session over a stand-in response that keeps what is written to it. */
function session(): { session: SseSession; written: string[] } {
  const written: string[] = [];
  const res = { writableLength: 0, writeHead() {}, write: (chunk: string) => written.push(chunk), end() {}, on() {} };
  const subscription = { region: 'world', bbox: null, window: '1h', sort: 'top', limit: 10, tag: null } as const;
  const opened = new SseSession(
    res as unknown as ServerResponse,
    subscription,
    '203.0.113.1',
    { highWaterBytes: 1_000, stallMs: 1_000, retryMs: 1_000 },
    () => {},
  );
  return { session: opened, written };
}

const trendsOf = (written: string[]) => written.filter((chunk) => chunk.startsWith('event: trends\n'));

describe('TrendsFeed', () => {
  it('gives a session joining a known query the current chunk without computing; the next round brings it up to date', () => {
    const now = Date.UTC(2014, 6, 13, 19, 0);
    const engine = new TrendEngine();
    // Rounds by hand only: no timer fires within the test.
    const feed = new TrendsFeed(engine, { trendsMs: 3_600_000, trendsBudgetMs: 1_000 });
    feeds.push(feed);
    engine.ingestEvent(event({ tags: ['first'], ts: now }), now);
    const early = session();
    feed.attach(early.session);
    expect(trendsOf(early.written)).toHaveLength(1);

    engine.ingestEvent(event({ tags: ['second'], ts: now }), now);
    const computed = vi.spyOn(engine, 'trends');
    const late = session();
    feed.attach(late.session);
    expect(computed).not.toHaveBeenCalled();
    expect(trendsOf(late.written)).toEqual(trendsOf(early.written));

    feed.refresh();
    expect(computed).toHaveBeenCalledTimes(1);
    for (const { written } of [early, late]) {
      expect(trendsOf(written)).toHaveLength(2);
      expect(trendsOf(written)[1]).toContain('"second"');
    }
  });
});
