import { afterEach, describe, expect, it } from 'vitest';
import { TrendEngine } from '../trend-engine';
import { fakeSession } from '../../test/fake-session';
import { MarkerHub } from './marker-hub';
import { TrendsFeed } from './trends-feed';
import type { SseSession } from './sse-session';

const OPTIONS = { highWaterBytes: 1_000, stallMs: 30_000, retryMs: 3_000, retryJitterMs: 0 };

function session() {
  const { res, session: s } = fakeSession({ options: OPTIONS });
  const closed: SseSession[] = [];
  s.on('close', () => closed.push(s));
  return { res, s, closed };
}

const owners: { close(): void }[] = [];
afterEach(() => owners.splice(0).forEach((owner) => owner.close()));

/** A hub and a trends feed over one engine, as the app builds them; timers are theirs, rounds are by hand. */
function hubAndFeed() {
  const engine = new TrendEngine();
  const hub = new MarkerHub(() => engine.acceptedCount);
  const feed = new TrendsFeed(engine, { trendsMs: 3_600_000 });
  owners.push(hub, feed);
  return { hub, feed };
}

// Time is an argument of send(): these run on a clock the test moves, not on the machine's.
describe('SseSession', () => {
  it('drops messages while the client is behind, and cuts it off after stallMs behind', () => {
    const { res, s, closed } = session();
    expect(s.send('a', 0)).toBe(true);
    res.writableLength = OPTIONS.highWaterBytes + 1;
    expect(s.send('b', 1_000)).toBe(false); // behind from t = 1 s
    expect(s.send('c', 1_000 + OPTIONS.stallMs - 1)).toBe(false);
    expect(closed).toEqual([]);
    expect(s.send('d', 1_000 + OPTIONS.stallMs)).toBe(false);
    expect(closed).toEqual([s]);
    expect(s.isClosed).toBe(true);
    expect(res.ended && res.destroyed).toBe(true); // a full socket would never finish `end`
    expect(res.written.slice(1)).toEqual(['a']); // after the retry line
  });

  it("writes with its socket corked, so that the response's pieces leave together at once", () => {
    const { res, s } = session();
    const calls: string[] = [];
    const write = res.write;
    Object.assign(res, {
      socket: { cork: () => calls.push('cork'), uncork: () => calls.push('uncork') },
      write: (chunk: string) => calls.push(`write ${chunk}`) > 0 && write(chunk),
    });
    s.send('a', 0);
    expect(calls).toEqual(['cork', 'write a', 'uncork']);
  });

  it('starts the stall clock again once the client has caught up', () => {
    const { res, s, closed } = session();
    res.writableLength = OPTIONS.highWaterBytes + 1;
    s.send('a', 0);
    res.writableLength = 0;
    expect(s.send('b', OPTIONS.stallMs - 1)).toBe(true); // caught up just in time
    res.writableLength = OPTIONS.highWaterBytes + 1;
    s.send('c', OPTIONS.stallMs);
    expect(s.send('d', 2 * OPTIONS.stallMs - 1)).toBe(false);
    expect(closed).toEqual([]);
    s.keepAlive(2 * OPTIONS.stallMs); // keep-alives count as sends: an idle stalled client is cut off too
    expect(closed).toEqual([s]);
  });

  it('tells the client its reconnect delay first, and emits close once however often it is closed', () => {
    const { res, s, closed } = session();
    expect(res.written).toEqual([`retry: ${OPTIONS.retryMs}\n\n`]);
    s.close();
    s.close();
    expect(closed).toEqual([s]);
    expect(res.ended).toBe(true);
    expect(res.destroyed).toBe(false); // a socket that is not full finishes `end` by itself
  });

  it('spreads the reconnect delays it suggests over retryMs to retryMs + retryJitterMs', () => {
    const shares = [0, 0.25, 0.999];
    const retries = shares.map((share) => fakeSession({ options: { retryMs: 3_000, retryJitterMs: 3_000, random: () => share } }).res.written[0]);
    expect(retries).toEqual(['retry: 3000\n\n', 'retry: 3750\n\n', 'retry: 5997\n\n']);
    // By default, from Math.random: a thousand browsers do not all come back in the same second.
    const seconds = new Set(Array.from({ length: 1_000 }, () => Math.floor(Number(/retry: (\d+)/.exec(fakeSession().res.written[0])![1]) / 1_000)));
    expect([...seconds].sort()).toEqual([3, 4, 5]);
  });

  it('leaves the hub and the trends feed it was registered with when the client goes', () => {
    const { hub, feed } = hubAndFeed();
    const { session: s } = fakeSession({ options: OPTIONS });
    hub.register(s);
    feed.register(s);
    expect([hub.clients, feed.clients]).toEqual([1, 1]);
    s.close();
    expect([hub.clients, feed.clients]).toEqual([0, 0]);
  });

  it('leaves both when it is cut off for stalling, and the hub counts that', () => {
    const { hub, feed } = hubAndFeed();
    const { session: s, res } = fakeSession({ options: OPTIONS });
    hub.register(s);
    feed.register(s);
    res.writableLength = OPTIONS.highWaterBytes + 1;
    s.keepAlive(0);
    s.keepAlive(OPTIONS.stallMs);
    expect([hub.clients, feed.clients]).toEqual([0, 0]);
    expect(hub.counts.stalledDisconnects).toBe(1);
  });
});
