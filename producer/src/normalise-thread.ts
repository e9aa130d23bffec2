/**
 * Lines normalised in a worker thread (`normalise-worker.ts`) while the main thread counts, paces and sends
 * what came before: this takes `normaliseLine` off the main thread, which then only parses one JSON string a
 * batch (`npm run bench -- handover` measures it). The results are exactly those of `normaliseLine` on the
 * main thread.
 *
 * Off in the producer for now (`NORMALISE_THREADS.enabled` is false): built into the pipeline, the embedded
 * replay of the lean file ran at about 80,000 lines/s with it against 84,000 without, for about 50 % more CPU,
 * where the bench's handover alone gains 1.5x; why is not yet known (each run starts a cold thread, which
 * loads the normaliser and the borders). `REPLAY_BENCH_NORMALISE_THREAD=on` turns it on for the replay
 * bench's lean part.
 *
 * One thread a pipeline run (`NormaliseThreads.acquire`), terminated when the run ends. The thread answers
 * batches in the order it was sent them, so answers are matched to requests by order. A thread that fails
 * (crashes, runs out of memory, exits) fails every batch on its way and every later one with
 * `NormaliseThreadError`, never a hang. Where no thread can be started, lines are normalised on the main
 * thread, as before, after one warning.
 */
import type { Worker } from 'node:worker_threads';
import { startWorkerBeside } from '../../common/node/start-worker';
import { ruledTags } from '../../common/node/hashtag';
import { resultsOf, type InputResult } from './normalise/normalise';
import type { FromWorker, NegativeZero, ToWorker } from './normalise-worker';

/** The normalising thread failed: not a fault of the archive's data. */
export class NormaliseThreadError extends Error {}

interface Request {
  resolve: (results: InputResult[]) => void;
  reject: (error: Error) => void;
}

/** One worker thread and the batches on their way to it and back. */
export class NormaliseThread {
  /** Resolves when the thread has loaded; rejects if it fails first. */
  readonly ready: Promise<void>;
  private failure: Error | null = null;
  private readonly requests: Request[] = [];

  constructor(
    private readonly worker: Worker,
    onExit: () => void,
  ) {
    this.ready = new Promise((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') resolve();
        else this.answer(message.json, message.negativeZeros);
      });
      const fail = (error: Error) => {
        if (this.failure !== null) return;
        this.failure = new NormaliseThreadError(`the normalising thread failed: ${error.message}`, { cause: error });
        reject(error);
        for (const request of this.requests.splice(0)) request.reject(this.failure);
      };
      worker.on('error', fail);
      worker.once('exit', (code) => {
        fail(new Error(`it exited with code ${code}`));
        onExit();
      });
    });
    this.ready.catch(() => {}); // read by `acquire`; a failure later fails the batches on their way
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
    await this.worker.terminate();
  }

  private answer(json: string, negativeZeros: NegativeZero[] | undefined): void {
    const request = this.requests.shift();
    if (request === undefined) return;
    request.resolve(decodeResults(json, negativeZeros));
  }
}

/**
 * A batch's results from the thread's JSON. The thread ran the hashtag rule on every event's tags, so they
 * are marked as ruled here (`ruledTags`), as `normaliseLine` marks them: `checkedEvent` then accepts them as
 * it does on the main thread.
 */
function decodeResults(json: string, negativeZeros: NegativeZero[] | undefined): InputResult[] {
  const results = JSON.parse(json) as InputResult[];
  for (const result of results) {
    for (const one of resultsOf(result)) if (one.ok) ruledTags(one.event.tags, one.event.display);
  }
  for (const [line, post, field] of negativeZeros ?? []) {
    const one = resultsOf(results[line])[post];
    if (one.ok) one.event[field] = -0;
  }
  return results;
}

/** Where a pipeline's thread comes from: the process's (`NORMALISE_THREADS`), or a test's with a `start` of its own. */
export class NormaliseThreads {
  /**
   * Whether pipelines use a thread unless told (`PipelineOptions.normaliseThread`): the process's are off
   * (see the top of this module), a test's on; the replay bench sets it before a run starts.
   */
  enabled = true;
  private live = 0;
  /** Set when a thread could not start: lines are then normalised on the main thread. */
  private unavailable = false;

  constructor(private readonly start: () => Worker = () => startWorkerBeside(import.meta.url, 'normalise-worker')) {}

  /** Threads started and not yet exited (for tests: none are left behind). */
  get liveThreads(): number {
    return this.live;
  }

  /** A loaded thread, or null when none can be started (normalise on this thread then). */
  async acquire(): Promise<NormaliseThread | null> {
    if (this.unavailable) return null;
    let thread: NormaliseThread | null = null;
    try {
      const worker = this.start();
      this.live += 1;
      thread = new NormaliseThread(worker, () => (this.live -= 1));
      await thread.ready;
      return thread;
    } catch (error) {
      if (thread !== null) await thread.terminate();
      this.unavailable = true;
      // Said once: every replay of this process is then normalised on the main thread, correct but slower.
      process.emitWarning(`lines are normalised on the main thread: the normalising thread could not start (${(error as Error).message})`, {
        code: 'TRENDMAP_NORMALISE_THREAD',
      });
      return null;
    }
  }
}

/** The process's normalising threads: off until the thread pays in the replay (see the top of this module). */
export const NORMALISE_THREADS = new NormaliseThreads();
NORMALISE_THREADS.enabled = false;
