import { describe, expect, it } from 'vitest';
import type { EventMessage, EventPublisher } from '../../common/node/bus/bus';
import { NO_STATUS } from './test-publisher';
import { createCountryLookup } from './normalise/country-lookup';
import { runPipeline } from './pipeline';
import { checkEvent } from '../../common/node/event';
import type { RawInput, Source } from './sources/source';
import { SyntheticWorld } from './sources/synthetic-world';

const lookup = createCountryLookup();

/** An archive of one batch: a post, a line that is not JSON, and a post an hour later. */
function archive(): Source {
  const world = new SyntheticWorld({ seed: 3 });
  const t0 = Date.UTC(2023, 0, 1);
  const batch: RawInput[] = [world.next(t0), 'not json', world.next(t0 + 3_600_000)];
  return {
    name: 'test',
    live: false,
    async *read() {
      yield batch;
    },
  };
}

describe('runPipeline', () => {
  it('keeps read = accepted + skipped when stopped while a paced post waits for its time', async () => {
    const controller = new AbortController();
    const published: EventMessage[] = [];
    const publisher: EventPublisher = {
      ...NO_STATUS,
      publish: async (messages) => {
        published.push(...messages);
        if (published.length > 0) controller.abort(); // the first post is out; the last one waits an hour
      },
      close: async () => {},
    };
    const stats = await runPipeline({ source: archive(), publisher, lookup, speed: { kind: 'factor', factor: 1 }, signal: controller.signal });
    expect(published).toHaveLength(1);
    expect({ read: stats.read, accepted: stats.accepted, skipped: stats.skipped.toJSON() }).toEqual({
      read: 2,
      accepted: 1,
      skipped: { not_json: 1 },
    });
    expect(stats.finished).toBe(false);
  });

  it('publishes each event checked and frozen, as an object: the bus, not the pipeline, decides on bytes', async () => {
    const published: EventMessage[] = [];
    const publisher: EventPublisher = { ...NO_STATUS, publish: async (messages) => void published.push(...messages), close: async () => {} };
    await runPipeline({ source: archive(), publisher, lookup, speed: { kind: 'max' }, signal: new AbortController().signal });
    expect(published).toHaveLength(2);
    for (const { key, event } of published) {
      expect(checkEvent(event)).toEqual({ ok: true, event });
      expect([Object.isFrozen(event), Object.isFrozen(event.tags), Object.isFrozen(event.display)]).toEqual([true, true, true]);
      expect(key).toBe(event.cc);
    }
  });

  it("still sends what a failing source accepted before it failed, and reports the source's failure", async () => {
    const world = new SyntheticWorld({ seed: 3 });
    const t0 = Date.UTC(2023, 0, 1);
    // The first send stays on its way until the source has failed: held by this gate, which the source opens
    // in the turn after it fails (a pipeline that did not wait for the send would have settled by then).
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const source: Source = {
      name: 'test',
      live: false,
      async *read() {
        yield [world.next(t0), world.next(t0 + 1_000)];
        setImmediate(open);
        throw new Error('the archive is cut short');
      },
    };
    const published: EventMessage[] = [];
    const publisher: EventPublisher = {
      ...NO_STATUS,
      publish: async (messages) => {
        await gate;
        published.push(...messages);
      },
      close: async () => {},
    };
    const run = runPipeline({ source, publisher, lookup, speed: { kind: 'max' }, signal: new AbortController().signal });
    const publishedWhenSettled = run.then(
      () => null,
      () => published.length,
    );
    await expect(run).rejects.toThrow(/^the archive is cut short$/);
    expect(await publishedWhenSettled).toBe(2);
  });

  it("reports a failing bus's error once, as it is", async () => {
    const world = new SyntheticWorld({ seed: 3 });
    const t0 = Date.UTC(2023, 0, 1);
    const source: Source = {
      name: 'test',
      live: false,
      async *read() {
        for (let i = 0; i < 4; i += 1) yield [world.next(t0 + i * 1_000)];
      },
    };
    const failure = new Error('the broker refused the batch');
    const publisher: EventPublisher = { ...NO_STATUS, publish: () => Promise.reject(failure), close: async () => {} };
    await expect(runPipeline({ source, publisher, lookup, speed: { kind: 'max' }, signal: new AbortController().signal })).rejects.toBe(failure);
  });
});
