import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { SseSession } from './sse-session';
import type { StreamSubscription } from './stream-subscription';

/** A response whose unsent bytes (`writableLength`) the test sets: a client that reads, or one that stopped. */
function fakeResponse() {
  const res = {
    writableLength: 0,
    written: [] as string[],
    ended: false,
    destroyed: false,
    writeHead: () => res,
    write: (chunk: string) => res.written.push(chunk),
    end: () => (res.ended = true),
    destroy: () => (res.destroyed = true),
    on: () => res,
  };
  return res;
}

const OPTIONS = { highWaterBytes: 1_000, stallMs: 30_000, retryMs: 3_000 };

function session() {
  const res = fakeResponse();
  const closed: SseSession[] = [];
  const s = new SseSession(res as unknown as ServerResponse, {} as StreamSubscription, '127.0.0.1', OPTIONS, (c) => closed.push(c));
  return { res, s, closed };
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
});
