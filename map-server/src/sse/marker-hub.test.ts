import { afterEach, describe, expect, it, vi } from 'vitest';
import { SSE_EVENTS } from '../../../common/browser/api-constants';
import { event } from '../../test/helpers';
import { WORLD, eventsNamed, fakeSession, onWrite } from '../../test/fake-session';
import { MarkerHub } from './marker-hub';

const hubs: MarkerHub[] = [];
afterEach(() => hubs.splice(0).forEach((hub) => hub.close()));

/** A hub whose batches are flushed by hand (its timers are unref'd and far apart). */
function hub(options: ConstructorParameters<typeof MarkerHub>[1] = {}): MarkerHub {
  const made = new MarkerHub(() => 0, { batchMs: 3_600_000, statsMs: 3_600_000, keepAliveMs: 3_600_000, ...options });
  hubs.push(made);
  return made;
}

describe('MarkerHub', () => {
  it('counts registered sessions against its caps, and a session that closes gives its place back', () => {
    const h = hub({ maxClients: 2, maxClientsPerAddress: 1 });
    const first = fakeSession({ ip: '203.0.113.1' });
    expect(h.admit('203.0.113.1')).toEqual({ ok: true });
    h.register(first.session);
    h.register(first.session); // twice: one place
    expect(h.admit('203.0.113.1')).toMatchObject({ ok: false, status: 429 });
    h.register(fakeSession({ ip: '203.0.113.2' }).session);
    expect(h.admit('203.0.113.3')).toMatchObject({ ok: false, status: 503 });
    expect(h.clients).toBe(2);

    first.session.close();
    expect(h.clients).toBe(1);
    expect(h.admit('203.0.113.1')).toEqual({ ok: true });
    expect(h.counts).toMatchObject({ refusedAddressFull: 1, refusedServerFull: 1 });
  });

  it('sends markers (on the wire: `tweets`) to registered sessions only, and none after they close', () => {
    const h = hub();
    const registered = fakeSession();
    const stranger = fakeSession();
    h.register(registered.session);
    h.publish(event({ tags: ['a'] }));
    h.flush();
    expect(SSE_EVENTS.markers).toBe('tweets');
    expect(eventsNamed(registered.res, 'tweets')).toHaveLength(1);
    expect(stranger.res.written).toHaveLength(1); // its retry line only

    registered.session.close();
    expect(h.clients).toBe(0);
    h.publish(event({ tags: ['b'] }));
    h.flush();
    expect(eventsNamed(registered.res, 'tweets')).toHaveLength(1);
  });

  it('does not register a session that has already closed, and ends those it holds when it closes', () => {
    const h = hub();
    const gone = fakeSession();
    gone.session.close();
    h.register(gone.session);
    expect(h.clients).toBe(0);

    const open = fakeSession();
    h.register(open.session);
    h.close();
    expect(open.session.isClosed).toBe(true);
    expect(h.clients).toBe(0);
  });

  it('writes sessions that share a tag and an area one Buffer, the same for all, markers and posts together', () => {
    const h = hub();
    const raw = [fakeSession(), fakeSession()].map((client) => {
      const chunks: unknown[] = [];
      onWrite(client.res, (chunk) => {
        chunks.push(chunk);
      });
      h.register(client.session);
      return { chunks, res: client.res };
    });
    h.publish(event({ tags: ['a'] }));
    h.flush();
    // Markers and posts, each a Buffer encoded once and the same for both sessions (written in one corked write).
    expect(raw.map(({ chunks }) => chunks.length)).toEqual([2, 2]);
    for (const i of [0, 1]) {
      expect(raw[0].chunks[i]).toBeInstanceOf(Buffer);
      expect(raw[1].chunks[i]).toBe(raw[0].chunks[i]);
    }
    expect([eventsNamed(raw[0].res, 'tweets').length, eventsNamed(raw[0].res, 'posts').length]).toEqual([1, 1]);
  });

  it('writes sessions following different areas the same markers Buffer, and each area its own posts', () => {
    const h = hub();
    const areas: [number, number, number, number][] = [
      [-10, 40, 0, 50],
      [0, 40, 10, 50],
      [-180, -90, 180, 90],
    ];
    const raw = areas.map((bbox) => {
      const client = fakeSession({ subscription: { ...WORLD, region: 'view', bbox } });
      const chunks: unknown[] = [];
      onWrite(client.res, (chunk) => {
        chunks.push(chunk);
      });
      h.register(client.session);
      return chunks;
    });
    h.publish(event({ tags: ['a'], lat: 45, lon: 5 }));
    h.flush();
    // One markers event for all (a copy for each area would be held until the fan-out ends); posts where they match.
    expect(raw.map((chunks) => chunks.length)).toEqual([1, 2, 2]);
    expect(raw[1][0]).toBe(raw[0][0]);
    expect(raw[2][0]).toBe(raw[0][0]);
    expect(raw[2][1]).not.toBe(raw[1][1]);
  });

  describe('writing a slice at a time', () => {
    /** A hub on a clock that every write moves by `writeMs`, with `n` sessions registered in order. */
    function slicedHub(n: number, writeMs: number) {
      const clock = { ms: 0 };
      const h = new MarkerHub(
        () => 0,
        { batchMs: 3_600_000, statsMs: 3_600_000, keepAliveMs: 3_600_000 },
        () => clock.ms,
      );
      hubs.push(h);
      const clients = Array.from({ length: n }, () => fakeSession({ options: { highWaterBytes: 1_000, stallMs: 3_600_000 } }));
      for (const client of clients) {
        onWrite(client.res, (chunk) => {
          // A session's markers and posts leave in one corked write: the clock moves once for the two.
          if (Buffer.from(chunk).toString().startsWith('event: tweets')) clock.ms += writeMs;
        });
        h.register(client.session);
      }
      return { h, clients };
    }
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const tagsOf = (res: Parameters<typeof eventsNamed>[0]) =>
      eventsNamed(res, 'tweets').map((chunk) => (JSON.parse(chunk.split('\ndata: ')[1]) as { tags: string[] }[]).map((m) => m.tags[0]).join());

    it('writes the first slice at once and the rest on later turns; a batch waits for the last to reach everyone', async () => {
      const { h, clients } = slicedHub(5, 4); // 10 ms slices: three sessions, then two
      h.publish(event({ tags: ['a'] }));
      h.flush();
      expect(clients.map(({ res }) => tagsOf(res))).toEqual([['a'], ['a'], ['a'], [], []]);
      h.publish(event({ tags: ['b'] }));
      h.flush(); // too soon: it waits for batch a's end
      expect(clients.map(({ res }) => tagsOf(res).length)).toEqual([1, 1, 1, 0, 0]);
      await turn();
      expect(clients.map(({ res }) => tagsOf(res))).toEqual(clients.map(() => ['a']));
      h.flush(); // batch a is everywhere: b goes, in order (in what is left of this turn's slice, then later)
      await turn();
      await turn();
      expect(clients.map(({ res }) => tagsOf(res))).toEqual(clients.map(() => ['a', 'b']));
    });

    it('counts a batch dropped by a full socket in a later slice, and skips a session that left meanwhile', async () => {
      const { h, clients } = slicedHub(4, 6); // two sessions a slice
      h.publish(event({ tags: ['a'] }));
      h.flush();
      clients[2].res.writableLength = 2_000; // full by the time its slice comes
      clients[3].session.close();
      await turn();
      expect(clients.map(({ res }) => tagsOf(res))).toEqual([['a'], ['a'], [], []]);
      expect(h.counts).toMatchObject({ droppedBatches: 1, droppedMarkers: 1 });
    });
  });

  describe('batching', () => {
    afterEach(() => vi.useRealTimers());

    /** The markers of each `tweets` event a response got, by tag. */
    const batches = (res: Parameters<typeof eventsNamed>[0]) =>
      eventsNamed(res, 'tweets').map((chunk) => (JSON.parse(chunk.split('\ndata: ')[1]) as { tags: string[] }[]).map((m) => m.tags[0]));

    it('sends a post counted after a quiet spell at once, with those of the same turn; at a higher rate, one batch per batchMs', () => {
      vi.useFakeTimers({ now: Date.UTC(2026, 10, 27) });
      const h = hub({ batchMs: 50 });
      const client = fakeSession();
      h.register(client.session);
      h.publish(event({ tags: ['a'] }));
      h.publish(event({ tags: ['b'] }));
      expect(batches(client.res)).toEqual([]);
      vi.advanceTimersByTime(0); // the next turn of the event loop
      expect(batches(client.res)).toEqual([['a', 'b']]);
      vi.advanceTimersByTime(10);
      h.publish(event({ tags: ['c'] }));
      vi.advanceTimersByTime(39);
      expect(batches(client.res)).toHaveLength(1);
      h.publish(event({ tags: ['d'] }));
      vi.advanceTimersByTime(1); // 50 ms after the first
      expect(batches(client.res)).toEqual([
        ['a', 'b'],
        ['c', 'd'],
      ]);
      // Quiet again: the next leaves at once.
      vi.advanceTimersByTime(500);
      h.publish(event({ tags: ['e'] }));
      vi.advanceTimersByTime(0);
      expect(batches(client.res).at(-1)).toEqual(['e']);
    });

    it('waits three times as long as the last fan-out took, when that is longer than batchMs', () => {
      vi.useFakeTimers({ now: Date.UTC(2026, 10, 27) });
      const h = hub({ batchMs: 50 });
      const client = fakeSession();
      // A fan-out of 31 ms (one corked write, markers and posts together), measured on the slices' own time, the
      // write included: the next flush waits 3 x 31 = 93 ms from the start of this one.
      onWrite(client.res, (chunk) => {
        if (Buffer.from(chunk).toString().startsWith('event: tweets')) vi.setSystemTime(Date.now() + 31);
      });
      h.register(client.session);
      h.publish(event({ tags: ['a'] }));
      vi.advanceTimersByTime(0);
      h.publish(event({ tags: ['b'] })); // 31 ms after the flush began
      vi.advanceTimersByTime(61);
      expect(batches(client.res)).toEqual([['a']]);
      vi.advanceTimersByTime(1);
      expect(batches(client.res)).toEqual([['a'], ['b']]);
    });

    it('holds nothing for no one: with no stream open, a post is not kept for a batch', () => {
      vi.useFakeTimers({ now: Date.UTC(2026, 10, 27) });
      const h = hub({ batchMs: 50 });
      h.publish(event({ tags: ['a'] }));
      const client = fakeSession();
      h.register(client.session);
      vi.advanceTimersByTime(1_000);
      expect(batches(client.res)).toEqual([]);
      expect(h.rate).toBe(0.2); // counted all the same: 1 post over the 5 s the rate spans
    });
  });
});
