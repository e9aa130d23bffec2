import { describe, expect, it } from 'vitest';
import { PRODUCER_STATUS_VERSION, type ProducerStatus } from '../../browser/api';
import { checkedEvent, type CheckedEvent } from '../event';
import type { DeliveredMessage } from './bus';
import { MemoryBus } from './memory-bus';

function anEvent(): CheckedEvent {
  return checkedEvent({
    v: 1,
    id: '1850006781237256193',
    ts: Date.UTC(2014, 6, 13),
    lat: 48.85,
    lon: 2.35,
    loc: 'point',
    cc: 'FR',
    tags: ['worldcup'],
    display: ['WorldCup'],
  });
}

function aStatus(): ProducerStatus {
  return {
    v: PRODUCER_STATUS_VERSION,
    producer: 'here/1/abcd',
    at: 1,
    state: 'running',
    sourceName: 'replay',
    read: 3,
    accepted: 2,
    published: 2,
    skipped: { not_json: 1 },
    droppedTags: {},
  };
}

describe('MemoryBus', () => {
  it('hands the subscriber the very objects published, within publish, with nothing encoded', async () => {
    const bus = new MemoryBus();
    const got: DeliveredMessage[] = [];
    await bus.subscriber.start({ events: (messages) => got.push(...messages), status: () => {} });
    const event = anEvent();
    // Anything that serialised the event on the way would call this and fail the publish.
    const unserialisable = Object.freeze(
      Object.assign(Object.create(event) as CheckedEvent, {
        toJSON(): never {
          throw new Error('the in-process bus serialised the event');
        },
      }),
    );
    const message = { key: 'FR', event: unserialisable, timestamp: 5 };
    const publishing = bus.publisher.publish([message]);
    expect(got).toEqual([message]); // delivered before publish resolves: its backpressure
    await publishing;
    expect(got[0]).toBe(message);
    expect('event' in got[0] && got[0].event).toBe(unserialisable);
  });

  it('hands over statuses frozen, so that the map-server keeps them as they were', async () => {
    const bus = new MemoryBus();
    const got: ProducerStatus[] = [];
    await bus.subscriber.start({ events: () => {}, status: (status) => got.push(status) });
    const status = aStatus();
    await bus.publisher.publishStatus(status);
    expect(got).toEqual([status]);
    expect(Object.isFrozen(got[0]) && Object.isFrozen(got[0].skipped) && Object.isFrozen(got[0].droppedTags)).toBe(true);
  });

  it('refuses events once closed, and drops statuses without failing', async () => {
    const bus = new MemoryBus();
    await bus.subscriber.start({ events: () => {}, status: () => {} });
    await bus.subscriber.close();
    expect(bus.subscribers).toBe(0);
    await expect(bus.publisher.publish([{ key: null, event: anEvent(), timestamp: 0 }])).rejects.toThrow(/closed/);
    await expect(bus.publisher.publishStatus(aStatus())).resolves.toBeUndefined();
  });
});
