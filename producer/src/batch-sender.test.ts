import { describe, expect, it } from 'vitest';
import type { EventMessage, EventPublisher } from '../../common/node/bus/bus';
import { checkedEvent, EVENT_VERSION } from '../../common/node/event';
import { NO_STATUS } from './test-publisher';
import { BatchSender } from './batch-sender';

let nextId = 1_850_006_781_237_256_000n;

/** A post of Paris with one tag. */
function post(tag: string) {
  nextId += 1n;
  return checkedEvent({
    v: EVENT_VERSION,
    id: String(nextId),
    ts: Date.UTC(2026, 0, 1),
    lat: 48.8566,
    lon: 2.3522,
    loc: 'point',
    cc: 'FR',
    tags: [tag],
    display: [tag],
  });
}

/** `n` messages tagged `name0`, `name1`…, so that the order they were sent in can be read back. */
const messages = (name: string, n: number): EventMessage[] =>
  Array.from({ length: n }, (_, i) => ({ key: 'FR', event: post(`${name}${i}`), timestamp: 0 }));

/**
 * A sender (holding at most `maxHeld`) on a bus whose sends return only when the test says: each send's tags
 * and what resolves or fails it, and the posts counted as published.
 */
function heldBus(maxHeld = 100) {
  const sends: { tags: string[]; done: () => void; fail: (error: Error) => void }[] = [];
  const publisher: EventPublisher = {
    ...NO_STATUS,
    publish: (batch) =>
      new Promise<void>((resolve, reject) => {
        sends.push({ tags: batch.map((m) => m.event.tags[0]), done: resolve, fail: reject });
      }),
    close: async () => {},
  };
  const counted = { published: 0 };
  const sender = new BatchSender(publisher, (n) => (counted.published += n), maxHeld);
  return { sends, publisher, sender, counted };
}

/** Lets the promises settled so far run their callbacks. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchSender', () => {
  it('sends at once when idle, holds what comes while a send is on its way, and sends it together next, in order', async () => {
    const { sends, sender, counted } = heldBus();
    await sender.add(messages('a', 2));
    await sender.add(messages('b', 1));
    await sender.add(messages('c', 2));
    expect(sends.map((s) => s.tags)).toEqual([['a0', 'a1']]);
    expect(counted.published).toBe(0); // counted once the bus took them, not before
    sends[0].done();
    await settle();
    expect(counted.published).toBe(2);
    expect(sends.map((s) => s.tags)).toEqual([
      ['a0', 'a1'],
      ['b0', 'c0', 'c1'],
    ]);
    const drained = sender.drain();
    sends[1].done();
    await drained;
    expect(counted.published).toBe(5);
    expect(sends).toHaveLength(2);
  });

  it('makes `add` wait for the send on its way once maxHeld posts are held', async () => {
    const { sends, sender } = heldBus(3);
    await sender.add(messages('a', 1));
    await sender.add(messages('b', 2));
    let returned = false;
    const adding = sender.add(messages('c', 1)).then(() => (returned = true));
    await settle();
    expect(returned).toBe(false);
    sends[0].done();
    await adding;
    expect(sends.map((s) => s.tags)).toEqual([['a0'], ['b0', 'b1', 'c0']]);
  });

  it('fails the next add or drain with a failed send, and sends nothing after it', async () => {
    const { sends, sender, counted } = heldBus();
    await sender.add(messages('a', 1));
    await sender.add(messages('b', 1));
    sends[0].fail(new Error('the broker is gone'));
    await settle();
    await expect(sender.add(messages('c', 1))).rejects.toThrow('the broker is gone');
    await expect(sender.drain()).rejects.toThrow('the broker is gone');
    expect(sends).toHaveLength(1);
    expect(counted.published).toBe(0);
  });

  it('drains the posts held behind the send on its way too, not only that send', async () => {
    const { sends, sender, counted } = heldBus();
    await sender.add(messages('a', 1));
    await sender.add(messages('b', 1));
    let drained = false;
    const draining = sender.drain().then(() => (drained = true));
    sends[0].done();
    await settle();
    expect([drained, sends.length]).toEqual([false, 2]);
    sends[1].done();
    await draining;
    expect(counted.published).toBe(2);
  });

  it('records a publish that throws at once as a failed send', async () => {
    const sender = new BatchSender(
      {
        ...NO_STATUS,
        publish: () => {
          throw new Error('not connected');
        },
        close: async () => {},
      },
      () => {},
    );
    await sender.add(messages('a', 1));
    await expect(sender.drain()).rejects.toThrow('not connected');
  });

  it('drains nothing quickly when nothing was added', async () => {
    const { sends, sender } = heldBus();
    await sender.drain();
    expect(sends).toEqual([]);
  });
});
