/**
 * What the map-server takes from the bus in one process: the producer's checked event objects, counted as
 * they are (no encoding, no second check), and the producers' statuses, shown in /api/health with their age.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthResponse } from '../../common/browser/api';
import { MemoryBus } from '../../common/node/bus/memory-bus';
import { checkedEvent, type CheckedEvent, type GeoEvent } from '../../common/node/event';
import { startMapServer, type RunningMapServer } from '../src/map-server';
import { configFor } from '../../test/helpers';
import { event, producerStatus } from './helpers';
import { closeAfterTest } from './test-app';

let bus: MemoryBus;

afterEach(async () => bus?.subscriber.close());

async function serverOnMemoryBus(ownProducer: string | null = null): Promise<RunningMapServer> {
  bus = new MemoryBus();
  return closeAfterTest(await startMapServer({ config: configFor([]), subscriber: bus.subscriber, staticDir: null, ownProducer }));
}

async function health(server: RunningMapServer): Promise<HealthResponse> {
  return (await server.app.inject('/api/health')).json<HealthResponse>();
}

describe('the map-server on the in-process bus', () => {
  it('counts the very event object the producer published, without serialising it', async () => {
    const server = await serverOnMemoryBus();
    const accepted: GeoEvent[] = [];
    server.engine.onAccepted((e) => accepted.push(e));
    const published = checkedEvent(event({ tags: ['worldcup'], ts: Date.now() }));
    // A serialiser on the way would call this and fail the publish.
    const unserialisable = Object.freeze(
      Object.assign(Object.create(published) as CheckedEvent, {
        toJSON(): never {
          throw new Error('serialised on the in-process path');
        },
      }),
    );
    await bus.publisher.publish([{ key: 'FR', event: unserialisable, timestamp: Date.now() }]);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toBe(unserialisable);
    expect(server.engine.acceptedCount).toBe(1);
  });

  it("shows its own producer's skips, dropped tags and source as its own, and every producer with its age", async () => {
    const server = await serverOnMemoryBus('own');
    const t = Date.now();
    await bus.publisher.publishStatus(
      producerStatus({
        producer: 'own',
        at: t - 1_000,
        sourceName: 'x',
        source: { name: 'x', state: 'connected', lastError: null, reconnects: 2 },
        read: 5,
        accepted: 3,
        published: 3,
        skipped: { not_json: 2 },
        droppedTags: { invalid_hashtag: 4 },
      }),
    );
    await bus.publisher.publishStatus(producerStatus({ producer: 'elsewhere', at: t, skipped: { no_hashtag: 7 } }));
    // An older status of a producer, arriving late (a redelivery), does not replace the newer one.
    await bus.publisher.publishStatus(producerStatus({ producer: 'elsewhere', at: t - 60_000, read: 1 }));
    server.engine.ingest('not json', Date.now());

    const h = await health(server);
    expect(h.skipped).toEqual({ not_json: 2, invalid_event: 1 });
    expect(h.droppedTags).toEqual({ invalid_hashtag: 4 });
    expect(h.source).toEqual({ name: 'x', state: 'connected', lastError: null, reconnects: 2 });
    expect(h.producers?.map((p) => [p.producer, p.read, p.skipped])).toEqual([
      ['elsewhere', 0, { no_hashtag: 7 }],
      ['own', 5, { not_json: 2 }],
    ]);
    for (const p of h.producers!) expect(p.ageMs).toBeGreaterThanOrEqual(p.producer === 'own' ? 1_000 : 0);
  });

  it('without a producer of its own: no droppedTags or source, and producers only once one is heard', async () => {
    const server = await serverOnMemoryBus(null);
    const before = await health(server);
    expect(before).not.toHaveProperty('droppedTags');
    expect(before).not.toHaveProperty('producers');
    await bus.publisher.publishStatus(producerStatus({ producer: 'elsewhere', at: Date.now(), skipped: { no_hashtag: 7 } }));
    const after = await health(server);
    expect(after.skipped).toEqual({});
    expect(after).not.toHaveProperty('source');
    expect(after.producers).toHaveLength(1);
  });
});
