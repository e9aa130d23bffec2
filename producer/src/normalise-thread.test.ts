/**
 * The normalising thread against the main thread: the same results for every line the producer's tests use
 * (and hostile ones), the same stats and events from a whole replay, and no thread left behind when the
 * thread dies, cannot start, or the replay is stopped.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EventMessage, EventPublisher } from '../../common/node/bus/bus';
import type { TimeRange } from '../../common/node/time-range';
import type { Speed } from '../../common/node/config';
import { startWorkerBeside } from '../../common/node/start-worker';
import { areRuledTags } from '../../common/node/hashtag';
import { NO_STATUS } from './test-publisher';
import { createCountryLookup } from './normalise/country-lookup';
import { normaliseLine, resultsOf, type InputResult } from './normalise/normalise';
import { envelope, status } from './normalise/normalise-test-inputs';
import { NormaliseThreadError, NormaliseThreads } from './normalise-thread';
import { normalisedHere, normalisedInThread, READ_AHEAD_BATCHES } from './normalised-batches';
import { ProducerStats, runPipeline, type PipelineOptions } from './pipeline';
import { replaySource } from './sources/replay';
import { SkippedInput, type RawInput, type Source } from './sources/source';
import { SyntheticWorld } from './sources/synthetic-world';
import { BATCH_LINES } from './sources/replay';

const lookup = createCountryLookup();
const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));

/** Every line of the JSON-lines fixtures, as the files have them (blank lines included). */
function fixtureLines(): string[] {
  return readdirSync(fixtures)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) => readFileSync(join(fixtures, name), 'utf8').split('\n'));
}

/** Lines meant to hurt, or to catch what JSON does not carry (-0), beside the fixtures'. */
const hostileLines: string[] = [
  '',
  '   ',
  '\t',
  'not json',
  '{"truncated": ',
  'null',
  '42',
  '"a string"',
  '[]',
  '{}',
  '\uFEFF' + JSON.stringify(status()),
  '\uFEFF',
  '['.repeat(10_000) + ']'.repeat(10_000),
  JSON.stringify([status(), envelope(), [status()], 3]),
  // Coordinates that round to -0 (just west of Greenwich, just south of the equator).
  JSON.stringify(envelope({ geo: { coordinates: { type: 'Point', coordinates: [-0.000001, 51.5] } } })),
  JSON.stringify(envelope({ geo: { coordinates: { type: 'Point', coordinates: [9.5, -0.000001] } } })),
  JSON.stringify(status({ coordinates: { type: 'Point', coordinates: [-0.000004, -0.000002] } })),
  // A page with errors beside its posts, one of them not a post; and one with no posts but errors.
  JSON.stringify({
    data: [envelope().data, 7, { ...(envelope().data as object), id: '1635573202398409869' }],
    errors: [{ type: 'https://api.twitter.com/2/problems/resource-not-found' }, { type: 'nonsense' }],
  }),
  JSON.stringify({ data: [], errors: [{ type: 'https://api.twitter.com/2/problems/not-authorized-for-resource' }] }),
  // Dropped tags, a lone surrogate, and text that needs escaping.
  JSON.stringify(status({ text: 'a\ud800 "quoted" \\ #ok #2024 #x<img>', entities: undefined })),
  JSON.stringify(status({ place: { full_name: 'Zürich \u2028 ☃', country_code: 'CH' } })),
];

function batchesOf<T>(items: T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

async function* yieldAll(batches: RawInput[][]): AsyncGenerator<RawInput[]> {
  yield* batches;
}

async function collect(results: AsyncIterable<InputResult[]>): Promise<InputResult[]> {
  const all: InputResult[] = [];
  for await (const batch of results) all.push(...batch);
  return all;
}

/** A worker started from `source` (CommonJS), standing in for a thread that fails. */
const evalWorker = (source: string) => () => new Worker(source, { eval: true });

/** Answers its first batch (every line `not_json`), then runs `second` on its second. */
const failsAtSecondBatch = (second: string) =>
  evalWorker(`const { parentPort } = require('node:worker_threads');
    let batches = 0;
    parentPort.on('message', (lines) => {
      batches += 1;
      if (batches === 2) { ${second} }
      parentPort.postMessage({ type: 'results', json: JSON.stringify(lines.map(() => ({ ok: false, reason: 'not_json' }))) });
    });
    parentPort.postMessage({ type: 'ready' });`);

/** A publisher that keeps what it is sent, in order. */
function recorder(): { publisher: EventPublisher; published: EventMessage[] } {
  const published: EventMessage[] = [];
  return { published, publisher: { ...NO_STATUS, publish: async (messages) => void published.push(...messages), close: async () => {} } };
}

/** Every counter of a run's stats. */
function counters(stats: ProducerStats) {
  return {
    read: stats.read,
    lines: stats.lines,
    accepted: stats.accepted,
    published: stats.published,
    skipped: stats.skipped.toJSON(),
    droppedTags: stats.droppedTags.toJSON(),
    apiErrors: stats.apiErrors.toJSON(),
    finished: stats.finished,
  };
}

/**
 * An archive of `batches` batches (endless by default) of the same lines, each read in a turn of the event
 * loop of its own, as a file's are; counts the batches taken.
 */
function archiveOf(lines: string[], batches = Infinity): Source & { taken: () => number } {
  let taken = 0;
  return {
    name: 'archive',
    live: false,
    taken: () => taken,
    async *read() {
      while (taken < batches) {
        await new Promise(setImmediate);
        taken += 1;
        yield lines;
      }
    },
  };
}

describe('the normalising thread', () => {
  let started = 0;
  // The module's own worker, counted: a run that fell back to the main thread would start none.
  const threads = new NormaliseThreads(() => {
    started += 1;
    return startWorkerBeside(new URL('./normalise-thread.ts', import.meta.url).href, 'normalise-worker');
  });
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trendmap-normalise-thread-'));
    // The fixtures and the hostile lines as one archive, with a line over the length limit (line_too_long).
    const lines = [...fixtureLines(), ...hostileLines, JSON.stringify(status({ text: '#long ' + 'x'.repeat(1_100_000) })), ...fixtureLines()];
    writeFileSync(join(dir, 'all.jsonl'), lines.join('\n'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** `runPipeline` over a replay of that archive to its end, with `options`, into a new recorder. */
  async function replayAll(options: Partial<PipelineOptions>) {
    const { publisher, published } = recorder();
    const source = replaySource({ file: join(dir, 'all.jsonl') });
    const stats = await runPipeline({ source, publisher, lookup, speed: { kind: 'max' }, signal: new AbortController().signal, ...options });
    return { stats, published };
  }

  it('gives exactly what normaliseLine gives on the main thread, for every line of the fixtures and hostile ones', async () => {
    const lines = [...fixtureLines(), ...hostileLines].filter((line) => line.trim() !== '');
    const thread = await threads.acquire();
    expect(thread).not.toBeNull();
    try {
      const results = (await Promise.all(batchesOf(lines, 7).map((batch) => thread!.normalise(batch)))).flat();
      // toStrictEqual tells -0 from 0, and a missing field from one that is undefined.
      expect(results).toStrictEqual(lines.map((line) => normaliseLine(line, lookup)));
      // Every event's tags are marked as ruled, as normaliseLine marks them: checkedEvent takes them as they are.
      const events = results.flatMap(resultsOf).flatMap((r) => (r.ok ? [r.event] : []));
      expect(events.length).toBeGreaterThan(50);
      for (const event of events) expect(areRuledTags(event.tags, event.display)).toBe(true);
      // The -0s came back as -0.
      expect(results.flatMap(resultsOf).filter((r) => r.ok && (Object.is(r.event.lat, -0) || Object.is(r.event.lon, -0)))).toHaveLength(3);
    } finally {
      await thread!.terminate();
    }
    expect(threads.liveThreads).toBe(0);
  });

  it('merges the inputs that are not lines back in their places, and leaves blank lines out', async () => {
    const world = new SyntheticWorld({ seed: 7 });
    const t0 = Date.UTC(2023, 0, 1);
    const inputs = [...fixtureLines(), ...hostileLines].flatMap((line, i): RawInput[] => {
      if (i % 5 === 0) return [line, new SkippedInput('line_too_long'), world.next(t0 + i * 1_000)];
      return i % 7 === 0 ? [status({ id_str: `${1050118620314268812n + BigInt(i)}` })] : [line];
    });
    const batches = [...batchesOf(inputs, 11), [], [new SkippedInput('line_too_long')], ['', ' ']];
    const here = await collect(normalisedHere(yieldAll(batches), lookup));
    const acquired = threads.acquire();
    try {
      const there = await collect(normalisedInThread(yieldAll(batches), lookup, acquired, new AbortController().signal));
      expect(there).toStrictEqual(here);
    } finally {
      await (await acquired)?.terminate();
    }
    expect(here.length).toBe(inputs.filter((raw) => typeof raw !== 'string' || raw.trim() !== '').length + 1);
  });

  describe('runPipeline over a replay, thread on and off', () => {
    async function replay(normaliseThread: boolean, range: TimeRange | null = null, speed: Speed = { kind: 'max' }) {
      const startedBefore = started;
      const { stats, published } = await replayAll({ range, speed, normaliseThread, normaliseThreads: threads });
      expect(started - startedBefore).toBe(normaliseThread ? 1 : 0);
      return { stats: counters(stats), events: published.map(({ key, event }) => ({ key, event })) };
    }

    it('gives the same stats and the same events, in the same order', async () => {
      const off = await replay(false);
      const on = await replay(true);
      expect(on).toStrictEqual(off);
      expect(off.stats.skipped).toMatchObject({ line_too_long: 1, not_json: expect.any(Number), unknown_shape: expect.any(Number) });
      expect(Object.keys(off.stats.apiErrors).length).toBeGreaterThan(0);
      expect(Object.keys(off.stats.droppedTags).length).toBeGreaterThan(0);
      expect(off.stats.read).toBeGreaterThan(off.stats.lines);
      expect(threads.liveThreads).toBe(0);
    });

    it('and within a range of time', async () => {
      const range = { fromMs: Date.UTC(2014, 0, 1), toMs: Date.UTC(2020, 0, 1) };
      const off = await replay(false, range);
      expect(off.stats.skipped.out_of_range).toBeGreaterThan(0);
      expect(await replay(true, range)).toStrictEqual(off);
    });

    it('and paced (the archive spans 9 years: a second of them is 1 µs here)', async () => {
      const speed: Speed = { kind: 'factor', factor: 1e9 };
      expect(await replay(true, null, speed)).toStrictEqual(await replay(false, null, speed));
    });
  });

  it('starts no thread where the threads are turned off (as the replay bench does)', async () => {
    let tried = 0;
    const off = new NormaliseThreads(() => {
      tried += 1;
      throw new Error('turned off, so never started');
    });
    off.enabled = false;
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const { stats, published } = await replayAll({ normaliseThreads: off });
      expect([tried, warn.mock.calls.length, stats.accepted, published.length > 0]).toEqual([0, 0, published.length, true]);
    } finally {
      warn.mockRestore();
    }
  });

  it('fails the run, naming the thread and why, when the thread exits midway; no thread is left', async () => {
    const dying = new NormaliseThreads(failsAtSecondBatch('process.exit(3);'));
    const { publisher } = recorder();
    const source = archiveOf(['not json', 'nor this'], 50);
    const run = runPipeline({ source, publisher, lookup, speed: { kind: 'max' }, signal: new AbortController().signal, normaliseThreads: dying });
    await expect(run).rejects.toThrow(/^the normalising thread failed: it exited with code 3$/);
    await expect(run).rejects.toBeInstanceOf(NormaliseThreadError);
    await vi.waitFor(() => expect(dying.liveThreads).toBe(0));
  });

  it('fails the run when the thread throws midway', async () => {
    const throwing = new NormaliseThreads(failsAtSecondBatch(`throw new Error('out of luck');`));
    const { publisher } = recorder();
    const source = archiveOf(['not json'], 50);
    const run = runPipeline({ source, publisher, lookup, speed: { kind: 'max' }, signal: new AbortController().signal, normaliseThreads: throwing });
    await expect(run).rejects.toThrow(/^the normalising thread failed: out of luck$/);
    await vi.waitFor(() => expect(throwing.liveThreads).toBe(0));
  });

  it('normalises on the main thread, after one warning, when no thread can start; the results are the same', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const off = await replayAll({ normaliseThread: false });
      for (const start of [
        () => {
          throw new Error('no threads here');
        },
        evalWorker(`throw new Error('no such module')`),
      ]) {
        const unloadable = new NormaliseThreads(start);
        for (let run = 0; run < 2; run += 1) {
          const on = await replayAll({ normaliseThreads: unloadable });
          expect(counters(on.stats)).toStrictEqual(counters(off.stats));
          expect(on.published.map(({ event }) => event)).toStrictEqual(off.published.map(({ event }) => event));
        }
        await vi.waitFor(() => expect(unloadable.liveThreads).toBe(0));
      }
      // Said once for each set of threads (once in a process), with why.
      expect(warn.mock.calls).toEqual([
        [
          expect.stringMatching(/^lines are normalised on the main thread: the normalising thread could not start \(no threads here\)$/),
          { code: 'TRENDMAP_NORMALISE_THREAD' },
        ],
        [
          expect.stringMatching(/^lines are normalised on the main thread: the normalising thread could not start \(.*no such module/),
          { code: 'TRENDMAP_NORMALISE_THREAD' },
        ],
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('ends when stopped midway, reads no further ahead than it may, and leaves no thread', async () => {
    const controller = new AbortController();
    const source = archiveOf(
      Array.from({ length: BATCH_LINES }, (_, i) => JSON.stringify(status({ id_str: `${1050118620314268812n + BigInt(i)}` }))),
    );
    let batchesPublished = 0;
    const publisher: EventPublisher = {
      ...NO_STATUS,
      publish: async () => {
        batchesPublished += 1;
        if (batchesPublished === 10) controller.abort();
      },
      close: async () => {},
    };
    const stats = await runPipeline({ source, publisher, lookup, speed: { kind: 'max' }, signal: controller.signal, normaliseThreads: threads });
    expect(stats.finished).toBe(false);
    expect(stats.read).toBe(stats.accepted + stats.skipped.total);
    expect(stats.read % BATCH_LINES).toBe(0);
    // The batches taken from the source: those counted, and at most READ_AHEAD_BATCHES more.
    expect(source.taken() - stats.read / BATCH_LINES).toBeLessThanOrEqual(READ_AHEAD_BATCHES + 1);
    expect(threads.liveThreads).toBe(0);
  });
});
