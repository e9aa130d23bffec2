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
import { compact } from './normalise-answer';
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

/** The fixtures' lines that are inputs (not blank). */
function fixtureInputs(): string[] {
  return fixtureLines().filter((line) => line.trim() !== '');
}

/** The producer's own normalising worker, from the sources. */
const realWorker = () => startWorkerBeside(new URL('./normalise-thread.ts', import.meta.url).href, 'normalise-worker');

/** The same batch for ever, with no turn of the event loop between batches (no I/O). */
async function* endless<T>(batch: T[]): AsyncGenerator<T[]> {
  for (;;) yield batch;
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
  // A time of -0 (JSON.stringify would write it as 0).
  JSON.stringify(status({ created_at: undefined, timestamp_ms: 1_000 })).replace('"timestamp_ms":1000', '"timestamp_ms":-0'),
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
  // The module's own worker, counted; each run waits for it to load, so that the thread does the normalising.
  const threads = new NormaliseThreads({
    start: () => {
      started += 1;
      return realWorker();
    },
    waitUntilReady: true,
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
      const here = lines.map((line) => normaliseLine(line, lookup));
      expect(results).toStrictEqual(here);
      // And the fields come in the same order (the bus writes events as JSON).
      expect(results.map((result) => JSON.stringify(result))).toEqual(here.map((result) => JSON.stringify(result)));
      // Every event's tags are marked as ruled, as normaliseLine marks them: checkedEvent takes them as they are.
      const events = results.flatMap(resultsOf).flatMap((r) => (r.ok ? [r.event] : []));
      expect(events.length).toBeGreaterThan(50);
      for (const event of events) expect(areRuledTags(event.tags, event.display)).toBe(true);
      // The -0s came back as -0.
      const ok = results.flatMap(resultsOf).flatMap((r) => (r.ok ? [r.event] : []));
      expect(ok.filter((event) => Object.is(event.lat, -0) || Object.is(event.lon, -0))).toHaveLength(3);
      expect(ok.filter((event) => Object.is(event.ts, -0))).toHaveLength(1);
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
    const answeredBefore = threads.batchesAnswered;
    const there = await collect(normalisedInThread(yieldAll(batches), lookup, threads, new AbortController().signal));
    expect(there).toStrictEqual(here);
    // Every batch with a line went to the thread (the generator's run ends its thread).
    expect(threads.batchesAnswered - answeredBefore).toBe(
      batches.filter((batch) => batch.some((raw) => typeof raw === 'string' && raw.trim() !== '')).length,
    );
    expect(threads.liveThreads).toBe(0);
    expect(here.length).toBe(inputs.filter((raw) => typeof raw !== 'string' || raw.trim() !== '').length + 1);
  });

  describe('runPipeline over a replay, thread on and off', () => {
    async function replay(normaliseThread: boolean, range: TimeRange | null = null, speed: Speed = { kind: 'max' }) {
      const [startedBefore, answeredBefore] = [started, threads.batchesAnswered];
      const { stats, published } = await replayAll({ range, speed, normaliseThread, normaliseThreads: threads });
      expect(started - startedBefore).toBe(normaliseThread ? 1 : 0);
      expect(threads.batchesAnswered > answeredBefore).toBe(normaliseThread);
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

  it('by default, normalises on a thread only an archive replayed as fast as it goes', async () => {
    const before = started;
    await replayAll({ normaliseThreads: threads });
    expect(started - before).toBe(1);
    await replayAll({ normaliseThreads: threads, speed: { kind: 'factor', factor: 1e9 } });
    const live: Source = { ...archiveOf(['not json'], 3), live: true };
    await runPipeline({
      source: live,
      publisher: recorder().publisher,
      lookup,
      speed: { kind: 'max' },
      signal: new AbortController().signal,
      normaliseThreads: threads,
    });
    expect(started - before).toBe(1);
  });

  it('starts no thread where the threads are turned off (as the replay bench does)', async () => {
    let tried = 0;
    const off = new NormaliseThreads({
      start: () => {
        tried += 1;
        throw new Error('turned off, so never started');
      },
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
    const dying = new NormaliseThreads({ start: failsAtSecondBatch('process.exit(3);'), waitUntilReady: true });
    const { publisher } = recorder();
    const source = archiveOf(['not json', 'nor this'], 50);
    const run = runPipeline({ source, publisher, lookup, speed: { kind: 'max' }, signal: new AbortController().signal, normaliseThreads: dying });
    await expect(run).rejects.toThrow(/^the normalising thread failed: it exited with code 3$/);
    await expect(run).rejects.toBeInstanceOf(NormaliseThreadError);
    await vi.waitFor(() => expect(dying.liveThreads).toBe(0));
  });

  it('fails the run when the thread throws midway', async () => {
    const throwing = new NormaliseThreads({ start: failsAtSecondBatch(`throw new Error('out of luck');`), waitUntilReady: true });
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
        const unloadable = new NormaliseThreads({ start, waitUntilReady: true });
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

  it('starts the thread only after the lines it is told, and a run shorter than that starts none', async () => {
    let begun = 0;
    const later = new NormaliseThreads({
      start: () => {
        begun += 1;
        return realWorker();
      },
      startAfterLines: 350,
      waitUntilReady: true,
    });
    const lines = fixtureInputs();
    const batches = batchesOf(
      Array.from({ length: 1_000 }, (_, i) => lines[i % lines.length]),
      100,
    );
    expect(batches.at(-1)).toHaveLength(100);
    const here = await collect(normalisedHere(yieldAll(batches), lookup));
    // 300 lines: no thread.
    expect(await collect(normalisedInThread(yieldAll(batches.slice(0, 3)), lookup, later, new AbortController().signal))).toStrictEqual(
      here.slice(0, 300),
    );
    expect([begun, later.batchesAnswered]).toEqual([0, 0]);
    // 1,000 lines: the thread starts after 400 (the first whole batches past 350) and answers the other 6.
    expect(await collect(normalisedInThread(yieldAll(batches), lookup, later, new AbortController().signal))).toStrictEqual(here);
    expect([begun, later.batchesAnswered, later.liveThreads]).toEqual([1, 6, 0]);
  });

  it('normalises here while the thread loads, and hands over once it has, even from a source that does no I/O', async () => {
    const loading = new NormaliseThreads({
      start: realWorker,
    });
    const lines = fixtureInputs();
    const expected = lines.map((line) => normaliseLine(line, lookup));
    // Batches without a turn of the event loop between them: the thread's word that it loaded must get in.
    let batches = 0;
    let answeredAtFirst = -1;
    for await (const results of normalisedInThread(endless(lines), lookup, loading, new AbortController().signal)) {
      expect(results).toStrictEqual(expected);
      if (batches === 0) answeredAtFirst = loading.batchesAnswered;
      batches += 1;
      // It loads in about a second (a few hundred batches); the bound ends the loop if it never takes over.
      if (loading.batchesAnswered >= 3 || batches === 5_000) break;
    }
    expect(loading.batchesAnswered).toBeGreaterThanOrEqual(3);
    // The first batches were normalised here: the thread had answered none when the first came.
    expect(answeredAtFirst).toBe(0);
    expect(loading.liveThreads).toBe(0);
  });

  it('normalises everything here, without a hang or a warning, when the thread never loads; and ends it', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const stuck = new NormaliseThreads({ start: evalWorker(`setInterval(() => {}, 1_000);`) });
      const inputs = batchesOf(fixtureInputs(), 50);
      const here = await collect(normalisedHere(yieldAll(inputs), lookup));
      expect(await collect(normalisedInThread(yieldAll(inputs), lookup, stuck, new AbortController().signal))).toStrictEqual(here);
      expect([stuck.batchesAnswered, warn.mock.calls.length]).toEqual([0, 0]);
      await vi.waitFor(() => expect(stuck.liveThreads).toBe(0));
    } finally {
      warn.mockRestore();
    }
  });

  it('goes on here, after one warning, when the thread fails to load midway through a run', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const failing = new NormaliseThreads({ start: evalWorker(`setTimeout(() => { throw new Error('no borders'); }, 50);`) });
      const lines = fixtureInputs();
      const expected = lines.map((line) => normaliseLine(line, lookup));
      let batches = 0;
      for await (const results of normalisedInThread(endless(lines), lookup, failing, new AbortController().signal)) {
        expect(results).toStrictEqual(expected);
        batches += 1;
        // The thread's failure comes in a turn of the event loop; the bound ends the loop if it never does.
        if (warn.mock.calls.length > 0 || batches === 5_000) break;
      }
      expect(warn.mock.calls).toEqual([[expect.stringMatching(/could not start \(no borders\)$/), { code: 'TRENDMAP_NORMALISE_THREAD' }]]);
      expect(failing.batchesAnswered).toBe(0);
      await vi.waitFor(() => expect(failing.liveThreads).toBe(0));
    } finally {
      warn.mockRestore();
    }
  });

  it('ends on a stop while it waits for a thread that never loads', async () => {
    const stuck = new NormaliseThreads({ start: evalWorker(`setInterval(() => {}, 1_000);`), waitUntilReady: true });
    const controller = new AbortController();
    const source = archiveOf(['not json']);
    const batches = normalisedInThread(source.read(controller.signal), lookup, stuck, controller.signal);
    const next = batches.next();
    await vi.waitFor(() => expect(stuck.liveThreads).toBe(1));
    controller.abort();
    expect(await next).toEqual({ done: true, value: undefined });
    await vi.waitFor(() => expect(stuck.liveThreads).toBe(0));
  });

  it('fails the run, naming the thread, when an answer cannot be read; no thread is left', async () => {
    const garbled = new NormaliseThreads({
      start: evalWorker(`const { parentPort } = require('node:worker_threads');
        parentPort.on('message', () => parentPort.postMessage({ type: 'results', json: '[{"ok":true' }));
        parentPort.postMessage({ type: 'ready' });`),
      waitUntilReady: true,
    });
    const run = runPipeline({
      source: archiveOf(['not json'], 20),
      publisher: recorder().publisher,
      lookup,
      speed: { kind: 'max' },
      signal: new AbortController().signal,
      normaliseThreads: garbled,
    });
    await expect(run).rejects.toThrow(/^the normalising thread failed: its answer could not be read: /);
    await expect(run).rejects.toBeInstanceOf(NormaliseThreadError);
    await vi.waitFor(() => expect(garbled.liveThreads).toBe(0));
  });

  it('answers accepted posts as arrays of their values, and every other result as it is', () => {
    const results = [...fixtureLines(), ...hostileLines].filter((line) => line.trim() !== '').map((line) => normaliseLine(line, lookup));
    const sent = results.map(compact);
    const accepted = results.filter((result) => 'ok' in result && result.ok && Object.keys(result).length === 2);
    expect(accepted.length).toBeGreaterThan(50);
    expect(sent.filter(Array.isArray)).toHaveLength(accepted.length);
    // Skips, pages and posts with dropped tags go whole.
    expect(sent.filter((one) => !Array.isArray(one))).toStrictEqual(results.filter((result) => !accepted.includes(result)));
  });

  it('yields no batch after a stop, though batches are on their way', async () => {
    const controller = new AbortController();
    const source = archiveOf(fixtureInputs());
    const batches = normalisedInThread(source.read(new AbortController().signal), lookup, threads, controller.signal);
    expect((await batches.next()).done).toBe(false);
    await vi.waitFor(() => expect(source.taken()).toBeGreaterThan(2));
    controller.abort();
    expect(await batches.next()).toEqual({ done: true, value: undefined });
    expect(threads.liveThreads).toBe(0);
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
    // Nothing is sent after the stop, which came in the tenth send.
    expect(batchesPublished).toBe(10);
    expect(stats.read).toBe(stats.accepted + stats.skipped.total);
    expect(stats.read % BATCH_LINES).toBe(0);
    // The batches taken from the source: those counted, and at most READ_AHEAD_BATCHES more.
    expect(source.taken() - stats.read / BATCH_LINES).toBeLessThanOrEqual(READ_AHEAD_BATCHES + 1);
    expect(threads.liveThreads).toBe(0);
  });
});
