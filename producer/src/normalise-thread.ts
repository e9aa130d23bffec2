/**
 * Lines normalised in a worker thread (`normalise-worker.ts`) while the main thread counts, paces and sends
 * what came before: this takes `normaliseLine` off the main thread, which then only parses one JSON string a
 * batch (`npm run bench -- handover` measures it). The results are exactly those of `normaliseLine` on the
 * main thread.
 *
 * Used for an archive replayed as fast as it goes (`--speed max`) by `npm start`, on a machine with more than
 * one core: a run normalises its first `START_AFTER_LINES` lines on the main thread, then starts its thread
 * and goes on normalising there until the thread has loaded (a third to half a second), so that a short
 * replay starts no thread and none waits for one. On the replay bench's 1 GB archive it went 1.35–1.45 times
 * as fast; 20–38 % more CPU on 1 and 3 million lines from one file (see the README). `REPLAY_BENCH_NORMALISE_THREAD` runs the bench's
 * embedded replays one way only.
 *
 * One thread a pipeline run (`normalisedInThread` starts it and ends it with the run). The thread answers
 * batches in the order it was sent them, so answers are matched to requests by order. A thread that fails
 * (crashes, runs out of memory, exits) after it loaded fails every batch on its way and every later one with
 * `NormaliseThreadError`, never a hang. Where no thread can be started or load, lines are normalised on the
 * main thread, as before, after one warning.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { ReadyWorker, startWorkerBeside } from '../../common/node/start-worker';
import { ruledTags } from '../../common/node/hashtag';
import { resultsOf, type InputResult } from './normalise/normalise';
import type { FromWorker, NegativeZero, ToWorker } from './normalise-worker';
import { fromCompact, type ResultJson } from './normalise-answer';

/** The normalising thread failed: not a fault of the archive's data. */
export class NormaliseThreadError extends Error {}

interface Request {
  resolve: (results: InputResult[]) => void;
  reject: (error: Error) => void;
}

/** One worker thread and the batches on their way to it and back. */
export class NormaliseThread {
  /** The thread's failure as the batches get it, once it failed. */
  private failure: NormaliseThreadError | null = null;
  private ended = false;
  private readonly requests: Request[] = [];
  private readonly watched: ReadyWorker<FromWorker>;

  constructor(
    private readonly worker: Worker,
    onExit: () => void,
    private readonly onAnswer: (lines: number) => void = () => {},
  ) {
    this.watched = new ReadyWorker<FromWorker>(worker, {
      onMessage: (message) => this.answer(message.json, message.negativeZeros),
      onFailure: (error) => {
        this.failure = new NormaliseThreadError(`the normalising thread failed: ${error.message}`, { cause: error });
        for (const request of this.requests.splice(0)) request.reject(this.failure);
      },
      onExit,
    });
  }

  /** Resolves when the thread has loaded; rejects if it fails first. */
  get ready(): Promise<void> {
    return this.watched.ready;
  }

  /** Whether the thread has loaded: batches are sent to it from then on (and fail if it failed since). */
  get isReady(): boolean {
    return this.watched.loaded;
  }

  /** Whether the thread is still loading: neither loaded nor failed nor ended. */
  get isLoading(): boolean {
    return !this.watched.loaded && this.failure === null && !this.ended;
  }

  /** The results of `lines` (none blank), one a line, as `normaliseLine` gives them on the main thread. */
  normalise(lines: string[]): Promise<InputResult[]> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.requests.push({ resolve, reject });
      this.worker.postMessage(lines satisfies ToWorker);
    });
  }

  /** Ends the thread; batches still on their way fail. */
  async terminate(): Promise<void> {
    this.ended = true;
    await this.worker.terminate();
  }

  /** Whether `terminate` was called: a thread ended before it loaded did not fail to load. */
  get terminated(): boolean {
    return this.ended;
  }

  private answer(json: string, negativeZeros: NegativeZero[] | undefined): void {
    const request = this.requests.shift();
    if (request === undefined) return;
    let results: InputResult[];
    try {
      results = decodeResults(json, negativeZeros);
    } catch (error) {
      // Never a thrown handler or a batch left waiting: this batch and every later one fail, and the thread ends.
      this.requests.unshift(request);
      this.watched.fail(new Error(`its answer could not be read: ${(error as Error).message}`, { cause: error }));
      void this.terminate();
      return;
    }
    this.onAnswer(results.length);
    request.resolve(results);
  }
}

/**
 * A batch's results from the thread's JSON, accepted posts' back from their `CompactEvent`s. The thread ran
 * the hashtag rule on every event's tags, so they are marked as ruled here (`ruledTags`), as `normaliseLine`
 * marks them: `checkedEvent` then accepts them as it does on the main thread.
 */
function decodeResults(json: string, negativeZeros: NegativeZero[] | undefined): InputResult[] {
  const results = JSON.parse(json) as ResultJson[] as InputResult[];
  for (let i = 0; i < results.length; i += 1) {
    const result = results[i] as ResultJson;
    if (Array.isArray(result)) {
      const one = fromCompact(result);
      ruledTags(one.event.tags, one.event.display);
      results[i] = one;
    } else {
      for (const one of resultsOf(result)) if (one.ok) ruledTags(one.event.tags, one.event.display);
    }
  }
  for (const [line, post, field] of negativeZeros ?? []) {
    const one = resultsOf(results[line])[post];
    if (one.ok) one.event[field] = -0;
  }
  return results;
}

/**
 * The thread's young generation, smaller than V8's default: replaying the memory bench's 1 GB archive, the
 * process's median resident memory was 240 MB with 8 MB against 266–269 MB with the default, as fast.
 */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 8 };

/** How a set of threads is used: `NormaliseThreads`'s options. */
export interface NormaliseThreadsOptions {
  /** Starts a worker running normalise-worker.ts (tests pass workers of their own). */
  start?: () => Worker;
  /**
   * Lines a run normalises on the main thread before it starts its thread: a short replay is over before a
   * thread would have loaded, and starting one would only cost CPU.
   */
  startAfterLines?: number;
  /**
   * Whether a run waits for its thread to load before it goes on (tests, to be sure the thread normalises);
   * by default it goes on normalising on the main thread until the thread is ready.
   */
  waitUntilReady?: boolean;
}

/** Where a pipeline's thread comes from: the process's (`NORMALISE_THREADS`), or a test's with options of its own. */
export class NormaliseThreads {
  /**
   * Whether pipelines use a thread unless told (`PipelineOptions.normaliseThread`); the replay bench sets it
   * before a run starts (`REPLAY_BENCH_NORMALISE_THREAD`).
   */
  enabled = true;
  readonly startAfterLines: number;
  readonly waitUntilReady: boolean;
  private readonly startWorker: () => Worker;
  private live = 0;
  private answered = 0;
  private answeredLines = 0;
  /** Set when a thread could not start or load: lines are then normalised on the main thread. */
  private unavailable = false;

  constructor(options: NormaliseThreadsOptions = {}) {
    this.startWorker = options.start ?? (() => startWorkerBeside(import.meta.url, 'normalise-worker', { resourceLimits: THREAD_LIMITS }));
    this.startAfterLines = options.startAfterLines ?? 0;
    this.waitUntilReady = options.waitUntilReady ?? false;
  }

  /** Threads started and not yet exited (for tests: none are left behind). */
  get liveThreads(): number {
    return this.live;
  }

  /** Batches the threads have answered (for tests and the benches: the thread did the normalising). */
  get batchesAnswered(): number {
    return this.answered;
  }

  /** Lines the threads have normalised (the benches: the share of a run's lines they did). */
  get linesAnswered(): number {
    return this.answeredLines;
  }

  /**
   * A thread, loading (see its `ready`), or null when none can be started: lines are normalised on this
   * thread then. A thread that fails to load is ended, and said once, as one that cannot start.
   */
  start(): NormaliseThread | null {
    if (this.unavailable) return null;
    let worker: Worker;
    try {
      worker = this.startWorker();
    } catch (error) {
      this.giveUp(error as Error);
      return null;
    }
    this.live += 1;
    const thread = new NormaliseThread(
      worker,
      () => (this.live -= 1),
      (lines) => {
        this.answered += 1;
        this.answeredLines += lines;
      },
    );
    thread.ready.catch((error: Error) => {
      if (thread.terminated) return;
      void thread.terminate();
      this.giveUp(error);
    });
    return thread;
  }

  /** A loaded thread, or null when none can be started or load. */
  async acquire(): Promise<NormaliseThread | null> {
    const thread = this.start();
    if (thread === null) return null;
    return thread.ready.then(
      () => thread,
      () => null,
    );
  }

  private giveUp(error: Error): void {
    if (this.unavailable) return;
    this.unavailable = true;
    // Said once: every replay of this process is then normalised on the main thread, correct but slower.
    process.emitWarning(`lines are normalised on the main thread: the normalising thread could not start (${error.message})`, {
      code: 'TRENDMAP_NORMALISE_THREAD',
    });
  }
}

/**
 * Lines a run normalises on the main thread before it starts its thread. The thread pays only on long
 * replays: its load (a third to half a second of the other core) and its handover cost more than it gains on
 * short ones. Embedded replays of the bench's sample mix (70 % of the lines skipped), one file, alternating,
 * from the sources, with the thread started at 20,000 lines: 200,000 lines took 1.48–1.56 s with it against
 * 1.16–1.19 s without; 1,000,000 lines 4.31–4.56 s against 4.84–4.99 s. A replay shorter than this (about a
 * second at full speed) starts no thread.
 */
export const START_AFTER_LINES = 200_000;

/**
 * The process's normalising threads; none on a machine of one core, where the thread has no core of its own.
 * `availableParallelism` counts the CPUs the process may run on, not a container's CPU quota (Node 20): there
 * `--normalise-thread off` (`NORMALISE_THREAD=off`) keeps a replay on the main thread.
 */
export const NORMALISE_THREADS = new NormaliseThreads({ startAfterLines: START_AFTER_LINES });
NORMALISE_THREADS.enabled = availableParallelism() > 1;
