import { afterEach, describe, expect, it, vi } from 'vitest';
import { TrendEngine } from '../trend-engine';
import { event } from '../../test/helpers';
import { WORLD, eventsNamed, fakeSession, onWrite } from '../../test/fake-session';
import { MarkerHub } from './marker-hub';
import { TrendsFeed } from './trends-feed';

const owners: { close(): void }[] = [];
afterEach(() => owners.splice(0).forEach((owner) => owner.close()));

const NOW = Date.UTC(2014, 6, 13, 19, 0);

/** A feed whose rounds run by hand only: no timer fires within a test. */
function feedOver(engine: TrendEngine): TrendsFeed {
  const feed = new TrendsFeed(engine, { trendsMs: 3_600_000, trendsBudgetMs: 1_000 });
  owners.push(feed);
  return feed;
}

const trendsOf = (res: Parameters<typeof eventsNamed>[0]) => eventsNamed(res, 'trends');

/** A feed of `n` sessions on a clock that every write moves by 4 ms (so a 10 ms slice writes three). */
function clockedFeed(n: number) {
  const engine = new TrendEngine();
  const clock = { ms: NOW };
  const feed = new TrendsFeed(engine, { trendsMs: 3_600_000, trendsBudgetMs: 1_000 }, () => clock.ms);
  owners.push(feed);
  const clients = Array.from({ length: n }, () => fakeSession());
  for (const client of clients) {
    feed.register(client.session);
    onWrite(client.res, () => (clock.ms += 4));
  }
  return { engine, feed, clients };
}

describe('TrendsFeed', () => {
  it('runs a round as soon as a post is counted after a quiet trendsMs, and waits for the timed round within it', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'], now: NOW });
    try {
      const engine = new TrendEngine();
      const feed = new TrendsFeed(engine, { trendsMs: 1_000, trendsBudgetMs: 1_000 });
      owners.push(feed);
      const client = fakeSession();
      feed.register(client.session);
      const turn = () => new Promise((resolve) => setImmediate(resolve));
      // Timed rounds that find nothing changed do not make the next post wait.
      vi.advanceTimersByTime(3_000);
      engine.ingestEvent(event({ tags: ['first'], ts: NOW }), NOW);
      await turn();
      expect(trendsOf(client.res)).toHaveLength(2);
      expect(trendsOf(client.res)[1]).toContain('"first"');
      // Within trendsMs of that round, a post waits for the timed round.
      vi.advanceTimersByTime(999);
      engine.ingestEvent(event({ tags: ['second'], ts: NOW }), NOW);
      await turn();
      expect(trendsOf(client.res)).toHaveLength(2);
      vi.advanceTimersByTime(1);
      expect(trendsOf(client.res)).toHaveLength(3);
      expect(trendsOf(client.res)[2]).toContain('"second"');
      // Quiet rounds again, then a post: at once.
      vi.advanceTimersByTime(5_000);
      expect(trendsOf(client.res)).toHaveLength(3);
      engine.ingestEvent(event({ tags: ['third'], ts: NOW }), NOW);
      await turn();
      expect(trendsOf(client.res)).toHaveLength(4);
      expect(trendsOf(client.res)[3]).toContain('"third"');
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives a session joining a known query the current chunk without computing; the next round brings it up to date', () => {
    const engine = new TrendEngine();
    const feed = feedOver(engine);
    engine.ingestEvent(event({ tags: ['first'], ts: NOW }), NOW);
    const early = fakeSession();
    feed.register(early.session);
    expect(trendsOf(early.res)).toHaveLength(1);

    engine.ingestEvent(event({ tags: ['second'], ts: NOW }), NOW);
    const computed = vi.spyOn(engine, 'trends');
    const late = fakeSession();
    feed.register(late.session);
    expect(computed).not.toHaveBeenCalled();
    expect(trendsOf(late.res)).toEqual(trendsOf(early.res));

    feed.refresh();
    expect(computed).toHaveBeenCalledTimes(1);
    for (const { res } of [early, late]) {
      expect(trendsOf(res)).toHaveLength(2);
      expect(trendsOf(res)[1]).toContain('"second"');
    }
  });

  it('lets a session go when it closes, and its group with the last one', () => {
    const engine = new TrendEngine();
    const feed = feedOver(engine);
    engine.ingestEvent(event({ tags: ['first'], ts: NOW }), NOW);
    const tagged = { ...WORLD, tag: 'first' };
    const [a, b] = [fakeSession({ subscription: tagged }), fakeSession({ subscription: tagged })];
    feed.register(a.session);
    feed.register(a.session); // twice: one registration
    feed.register(b.session);
    expect(eventsNamed(a.res, 'tag-regions')).toHaveLength(1);
    expect(feed.clients).toBe(2);

    a.session.close();
    expect(feed.clients).toBe(1);
    engine.ingestEvent(event({ tags: ['first'], ts: NOW }), NOW);
    feed.refresh();
    expect([trendsOf(a.res).length, trendsOf(b.res).length]).toEqual([1, 2]);

    // With its last session gone the group goes too: the next session on that query computes afresh.
    b.session.close();
    expect(feed.clients).toBe(0);
    const computed = vi.spyOn(engine, 'trends');
    feed.register(fakeSession({ subscription: tagged }).session);
    expect(computed).toHaveBeenCalledTimes(1);
  });

  it('does not touch a session registered with the hub only', () => {
    const engine = new TrendEngine();
    const feed = feedOver(engine);
    const hub = new MarkerHub(() => engine.acceptedCount);
    owners.push(hub);
    const both = fakeSession();
    const hubOnly = fakeSession();
    hub.register(both.session);
    feed.register(both.session);
    hub.register(hubOnly.session);

    engine.ingestEvent(event({ tags: ['first'], ts: NOW }), NOW);
    feed.refresh();
    expect(trendsOf(both.res)).toHaveLength(2);
    expect(trendsOf(hubOnly.res)).toEqual([]);

    // It leaves the hub when it closes; the feed's session stays and keeps getting its rounds.
    hubOnly.session.close();
    feed.deregister(hubOnly.session); // not registered: nothing happens
    expect([hub.clients, feed.clients]).toEqual([1, 1]);
    engine.ingestEvent(event({ tags: ['second'], ts: NOW }), NOW);
    feed.refresh();
    expect(trendsOf(both.res)).toHaveLength(3);
  });

  it('lets go of a session cut off by its first send, and of the groups it would have joined', () => {
    const engine = new TrendEngine();
    const feed = feedOver(engine);
    const tagged = { ...WORLD, tag: 'first' };
    // No time allowed behind, and already behind: the first send cuts it off.
    const stalled = fakeSession({ subscription: tagged, buffered: 2_000, options: { highWaterBytes: 1_000, stallMs: 0 } });
    feed.register(stalled.session);
    expect(stalled.session.isClosed).toBe(true);
    expect(feed.clients).toBe(0);
    // No group outlived it: the next session on that query computes both of its chunks afresh.
    const trends = vi.spyOn(engine, 'trends');
    const tagRegions = vi.spyOn(engine, 'tagRegions');
    feed.register(fakeSession({ subscription: tagged }).session);
    expect([trends.mock.calls.length, tagRegions.mock.calls.length]).toEqual([1, 1]);
  });

  it("writes a round's chunks a slice at a time: the first slice at once, the rest on later turns, skipping sessions that left", async () => {
    const { engine, feed, clients } = clockedFeed(5); // 10 ms slices: three sessions, then two
    engine.ingestEvent(event({ tags: ['first'], ts: NOW }), NOW);
    feed.refresh();
    expect(clients.map(({ res }) => trendsOf(res).length)).toEqual([2, 2, 2, 1, 1]);
    clients[4].session.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(clients.map(({ res }) => trendsOf(res).length)).toEqual([2, 2, 2, 2, 1]);
    expect(trendsOf(clients[3].res)[1]).toContain('"first"');
  });

  it("skips a round's chunk for a session whose group has a newer one by its turn: only the newest is written", async () => {
    const { engine, feed, clients } = clockedFeed(6); // 10 ms slices: three sessions a turn
    engine.ingestEvent(event({ tags: ['first'], ts: NOW }), NOW);
    feed.refresh(); // three sessions get "first"; three wait for a turn
    engine.ingestEvent(event({ tags: ['second'], ts: NOW }), NOW);
    feed.refresh(); // a newer chunk before the last three had the older one
    for (let i = 0; i < 4; i += 1) await new Promise((resolve) => setImmediate(resolve));
    const last = trendsOf(clients[5].res);
    expect(last).toHaveLength(2); // the join's, then the newest: never the stale "first" round's
    expect(last[1]).toContain('"second"');
    expect(clients.map(({ res }) => trendsOf(res).at(-1))).toEqual(clients.map(() => last[1]));
  });

  it('does not register a session that has already closed', () => {
    const feed = feedOver(new TrendEngine());
    const { session, res } = fakeSession();
    session.close();
    feed.register(session);
    expect(feed.clients).toBe(0);
    expect(trendsOf(res)).toEqual([]);
  });

  it('keeps one close listener per owner however often a session is deregistered and registered again', () => {
    const feed = feedOver(new TrendEngine());
    const hub = new MarkerHub(() => NOW, { batchMs: 3_600_000, statsMs: 3_600_000, keepAliveMs: 3_600_000 });
    owners.push(hub);
    const { session } = fakeSession();
    const before = session.listenerCount('close');
    for (let i = 0; i < 3; i += 1) {
      feed.register(session);
      hub.register(session);
      feed.deregister(session);
      hub.deregister(session);
    }
    expect(session.listenerCount('close')).toBe(before);
    feed.register(session);
    hub.register(session);
    expect(session.listenerCount('close')).toBe(before + 2);
    session.close();
    expect([feed.clients, hub.clients, session.listenerCount('close')]).toEqual([0, 0, before]);
  });
});
