import { afterEach, describe, expect, it } from 'vitest';
import { SSE_EVENTS } from '../../../common/browser/api-constants';
import { event } from '../../test/helpers';
import { eventsNamed, fakeSession } from '../../test/fake-session';
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
});
