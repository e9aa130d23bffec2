import { setImmediate } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventMessage, EventPublisher } from '../../common/node/bus/bus';
import { NO_STATUS } from './test-publisher';
import type { BusLog } from '../../common/node/bus/bus-log';
import { createCountryLookup } from './normalise/country-lookup';
import { ProducerStats, runPipeline } from './pipeline';
import { NORMALISE_THREADS, type NormaliseThreads } from './normalise-thread';
import { createSource, startProducer, stopAndFlush, type RunningProducer } from './producer';
import type { ProducerStatus } from '../../common/browser/api';
import { configFor, fixture } from '../../test/helpers';
import type { Source } from './sources/source';
import { SyntheticWorld } from './sources/synthetic-world';

/** Three posts a batch, without end. */
function endless(): Source {
  const world = new SyntheticWorld({ seed: 5 });
  return {
    name: 'endless',
    live: true,
    async *read(signal) {
      while (!signal?.aborted) {
        yield [world.next(Date.now()), world.next(Date.now()), world.next(Date.now())];
        await setImmediate(); // as a real source waits for its input: timers get their turn
      }
    },
  };
}

/** A bus like Kafka during an outage: takes the first batch, holds every later one until it is closed. */
function busThatGoesAway(): EventPublisher & { taken: EventMessage[] } {
  let close: () => void = () => {};
  const closed = new Promise<never>((_, reject) => (close = () => reject(new Error('closed'))));
  closed.catch(() => undefined);
  const taken: EventMessage[] = [];
  return {
    ...NO_STATUS,
    taken,
    publish: async (messages) => {
      if (taken.length > 0) return closed;
      taken.push(...messages);
    },
    close: async () => close(),
  };
}

function running(source: Source, publisher: EventPublisher): RunningProducer {
  const controller = new AbortController();
  const stats = new ProducerStats();
  const done = runPipeline({ source, publisher, lookup: createCountryLookup(), speed: { kind: 'max' }, signal: controller.signal, stats });
  return {
    id: 'test',
    source,
    stats,
    done,
    stop: async () => {
      controller.abort();
      await done.catch(() => undefined);
    },
  };
}

describe('stopAndFlush', () => {
  it('gives up on a bus that holds a batch after its grace, closes it, and says how many posts it did not publish', async () => {
    const bus = busThatGoesAway();
    const producer = running(endless(), bus);
    const warnings: string[] = [];
    const log: BusLog = { info: () => {}, warn: (m) => warnings.push(m), error: () => {} };
    await expect.poll(() => producer.stats.accepted, { timeout: 30_000 }).toBeGreaterThan(3);

    expect(await stopAndFlush(producer, bus, log, 50)).toBe(false);
    await expect(producer.done).rejects.toThrow('closed');
    const { accepted, published } = producer.stats;
    expect(published).toBe(bus.taken.length);
    expect(accepted).toBeGreaterThan(published);
    expect(warnings).toEqual([
      `stopping: the bus did not take the posts held for it within 0.05 s; they were not published (${accepted - published} of ${accepted} accepted)`,
    ]);
  });

  it('says nothing when the bus takes everything read', async () => {
    const taken: EventMessage[] = [];
    const bus: EventPublisher = { ...NO_STATUS, publish: async (messages) => void taken.push(...messages), close: async () => {} };
    const producer = running(endless(), bus);
    const warnings: string[] = [];
    await expect.poll(() => producer.stats.accepted, { timeout: 30_000 }).toBeGreaterThan(3);
    expect(await stopAndFlush(producer, bus, { info: () => {}, warn: (m) => warnings.push(m), error: () => {} }, 10_000)).toBe(true);
    expect(producer.stats.published).toBe(producer.stats.accepted);
    expect(taken).toHaveLength(producer.stats.accepted);
    expect(warnings).toEqual([]);
  });
});

describe('startProducer', () => {
  it('publishes its status at the start and, before `done` settles, a final one that accounts for every input', async () => {
    const statuses: ProducerStatus[] = [];
    // No status from the timer during this test: the first and the last are the ones under test.
    const bus: EventPublisher = {
      publish: async () => {},
      publishStatus: async (s) => void statuses.push(s),
      statusEveryMs: 3_600_000,
      close: async () => {},
    };
    const config = configFor(['--source', 'replay', '--file', fixture('replay-sample.jsonl'), '--speed', 'max']);
    const producer = await startProducer(config, bus, null, undefined, 'p-test');
    expect(statuses).toEqual([expect.objectContaining({ producer: 'p-test', state: 'running', read: 0 })]);
    const stats = await producer.done;
    expect(statuses).toHaveLength(2);
    expect(statuses[1]).toMatchObject({ producer: 'p-test', state: 'finished', sourceName: 'replay', read: 40, accepted: 34, published: 34 });
    expect(statuses[1].skipped).toEqual(stats.skipped.toJSON());
  });

  describe('--normalise-thread', () => {
    const quiet: EventPublisher = { ...NO_STATUS, publish: async () => {}, close: async () => {} };
    // The process's threads, told to start one at the first line and that they may: restored after.
    const threads = NORMALISE_THREADS as { -readonly [K in 'startAfterLines' | 'enabled']: NormaliseThreads[K] } & NormaliseThreads;
    const saved = { startAfterLines: threads.startAfterLines, enabled: threads.enabled };
    beforeEach(() => Object.assign(threads, { startAfterLines: 0, enabled: true }));
    afterEach(() => void Object.assign(threads, saved));

    async function threadsStarted(...flags: string[]): Promise<number> {
      const start = vi.spyOn(threads, 'start');
      try {
        const config = configFor(['--source', 'replay', '--file', fixture('replay-sample.jsonl'), '--speed', 'max', ...flags]);
        const stats = await (await startProducer(config, quiet)).done;
        expect(stats.published).toBe(34);
        return start.mock.calls.length;
      } finally {
        start.mockRestore();
      }
    }

    it('auto (the default) lets a replay at --speed max start its thread; off starts none', async () => {
      expect(await threadsStarted()).toBe(1);
      expect(await threadsStarted('--normalise-thread', 'auto')).toBe(1);
      expect(await threadsStarted('--normalise-thread', 'off')).toBe(0);
    });
  });
});

describe('a replay split between producers (--shard)', () => {
  it('says which share of how many files it reads, with the list they were dealt from, and warns when it has none', async () => {
    const said: string[] = [];
    const log = {
      info: (m: string) => said.push(`info ${m}`),
      warn: (m: string) => said.push(`warn ${m}`),
      error: (m: string) => said.push(`error ${m}`),
    };
    const file = fixture('replay-sample.jsonl');
    await createSource(configFor(['--source', 'replay', '--file', file, '--speed', 'max', '--shard', '1/2']), null, log);
    await createSource(configFor(['--source', 'replay', '--file', file, '--speed', 'max', '--shard', '2/2']), null, log);
    expect(said).toEqual([
      expect.stringMatching(
        new RegExp(
          `^info replay: share 1/2 of .*replay-sample\\.jsonl: 1 of its 1 files \\(file list [0-9a-f]{12}: the producers of one split must all print it\\)$`,
        ),
      ),
      expect.stringMatching(/^warn replay: share 2\/2 of .*: 0 of its 1 files, so nothing to publish \(file list [0-9a-f]{12}:/),
    ]);
    expect(said[0].match(/file list (\w+)/)![1]).toBe(said[1].match(/file list (\w+)/)![1]);
  });

  it('warns of each folder of the archive it could not read, once, at the start', async () => {
    const said: string[] = [];
    const log = { info: (m: string) => said.push(`info ${m}`), warn: (m: string) => said.push(`warn ${m}`), error: () => {} };
    const file = fixture('replay-sample.jsonl');
    const archive = {
      files: [{ path: file, name: 'replay-sample.jsonl', bytes: 1 }],
      totalBytes: 1,
      unreadable: [{ name: 'locked', reason: 'EACCES' }],
    };
    await createSource(configFor(['--source', 'replay', '--file', file, '--speed', 'max']), archive, log);
    expect(said).toEqual(['warn replay: passed over the folder locked: cannot read it (EACCES)']);
  });
});
