/**
 * bzip2 decoded in a worker thread (`bzip2-worker.ts`) while the main thread parses and counts what came
 * before: on the replay bench this takes the decoder's ~2.5 s per 200,000 lines off the main thread, which
 * then only splits lines. The output is the same bytes in the same order: one decoder per file, run from its
 * start to its end as on the main thread.
 *
 * Bounded as the main-thread decoder is: the thread decodes at most `READ_AHEAD_PIECES` pieces ahead of the
 * reader (credit-based flow control: a credit goes back for each piece taken), even inside a bomb's 45 MB
 * block, and the main thread sends it at most `INPUT_AHEAD_BYTES` of compressed data beyond what its decoder
 * has read (more only when the decoder asks: a crafted block can need up to 2.3 MB before it decodes).
 *
 * Threads (`Bzip2Threads`): one per file being decoded, started on first use and kept between files (the
 * Twitter Stream Grab has 1,440 files a day, of 100–500 KB; starting a thread costs tens of ms), idle for at
 * most `IDLE_MS`, unref'd meanwhile so that it never keeps the process alive. A thread whose file stopped
 * midway (the reader gave up, a read failed) is terminated rather than reused. Where no thread can be
 * loaded, files are decoded on the main thread as before. A thread that fails while decoding fails its
 * file with an error, never a hang.
 */
import type { Worker } from 'node:worker_threads';
import { ReadyWorker, startWorkerBeside } from '../../../common/node/start-worker';
import { TruncatedInput } from './bit-reader';
import { Bzip2Error } from './bzip2-block';
import type { FromWorker, ToWorker } from './bzip2-worker';
import type { FormatOutput } from './archive-formats';

/**
 * Pieces of output decoded ahead of the reader: 16 × 64 KB = 1 MB, ~3,000 posts, tens of ms of the main
 * thread's work, enough to cover the decoder's longest step (~15–25 ms at the start of a -9 block).
 */
export const READ_AHEAD_PIECES = 16;
/** Compressed bytes sent beyond what the decoder has read: it waits for ~925 KB (a -9 block) before it starts one. */
export const INPUT_AHEAD_BYTES = 1_280 * 1024;
/** How long a thread is kept for the next file, in ms. */
const IDLE_MS = 2_000;

/** The thread failed (crashed, ran out of memory, exited): not a fault of the file's data. */
export class DecoderThreadError extends Error {}

/** One worker thread and what it says, for one file at a time. */
class DecoderThread {
  readonly watched: ReadyWorker<FromWorker>;
  /** The file's handlers while one is being decoded. */
  onMessage: ((message: FromWorker) => void) | null = null;
  onFailure: ((error: Error) => void) | null = null;

  constructor(
    readonly worker: Worker,
    onExit: () => void,
  ) {
    this.watched = new ReadyWorker<FromWorker>(worker, {
      onMessage: (message) => this.onMessage?.(message),
      onFailure: (error) => this.onFailure?.(error),
      onExit,
    });
  }

  get ready(): Promise<void> {
    return this.watched.ready;
  }

  get failure(): Error | null {
    return this.watched.failure;
  }

  post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }
}

/** The decoding threads of one process (`BZIP2_THREADS`; tests make their own with a `start` of theirs). */
export class Bzip2Threads {
  private idle: DecoderThread | null = null;
  private idleTimer: NodeJS.Timeout | undefined;
  private live = 0;
  /** Set when a thread could not load: files are then decoded on the main thread. */
  private unavailable = false;

  constructor(
    private readonly start: () => Worker = () => startWorkerBeside(import.meta.url, 'bzip2-worker'),
    private readonly idleMs = IDLE_MS,
  ) {}

  /** Threads started and not yet exited (for tests: none are left behind). */
  get liveThreads(): number {
    return this.live;
  }

  /** A thread for one file, or null when none can be loaded (decode on this thread then). */
  async acquire(): Promise<DecoderThread | null> {
    clearTimeout(this.idleTimer);
    let thread = this.idle;
    this.idle = null;
    if (thread !== null && thread.failure === null) {
      thread.worker.ref();
      return thread;
    }
    if (this.unavailable) return null;
    try {
      const worker = this.start();
      this.live += 1;
      thread = new DecoderThread(worker, () => (this.live -= 1));
      await thread.ready;
      return thread;
    } catch (error) {
      if (thread !== null) void thread.worker.terminate();
      this.unavailable = true;
      // Said once: every .bz2 of this process is then decoded on the main thread, correct but slower.
      process.emitWarning(`bzip2 is decoded on the main thread: its decoding thread could not start (${(error as Error).message})`, {
        code: 'TRENDMAP_BZIP2_THREAD',
      });
      return null;
    }
  }

  /** A thread whose file ended cleanly (its data decoded, or refused by the decoder): kept for the next file. */
  release(thread: DecoderThread): void {
    thread.onMessage = null;
    thread.onFailure = null;
    if (this.idle !== null || thread.failure !== null) {
      this.discard(thread);
      return;
    }
    this.idle = thread;
    thread.worker.unref();
    this.idleTimer = setTimeout(() => this.close(), this.idleMs);
    this.idleTimer.unref();
  }

  /** A thread left midway through a file: terminated. */
  discard(thread: DecoderThread): void {
    thread.onMessage = null;
    thread.onFailure = null;
    void thread.worker.terminate();
  }

  /** Terminates the idle thread, if any (threads decoding a file end with their file). */
  close(): void {
    clearTimeout(this.idleTimer);
    if (this.idle !== null) this.discard(this.idle);
    this.idle = null;
  }
}

/** The process's decoding threads. */
export const BZIP2_THREADS = new Bzip2Threads();

/**
 * Decodes `input` in one of `threads`, in pieces of `pieceBytes`; where no thread can be loaded, with
 * `here` (the main-thread decoder) instead.
 */
export function decodeInThread(
  threads: Bzip2Threads,
  input: AsyncIterable<Buffer>,
  pieceBytes: number,
  here: (input: AsyncIterable<Buffer>) => FormatOutput,
): FormatOutput {
  let received = 0;
  let fallback: FormatOutput | null = null;
  async function* chunks(): AsyncGenerator<Buffer> {
    const thread = await threads.acquire();
    if (thread === null) {
      fallback = here(input);
      yield* fallback.chunks;
      return;
    }
    const file = new ThreadFile(thread, input, (bytes) => (received += bytes));
    let clean = false;
    try {
      thread.post({ type: 'start', credits: READ_AHEAD_PIECES, pieceBytes });
      file.sendInput();
      for (;;) {
        const piece = file.queue.shift();
        if (piece !== undefined) {
          thread.post({ type: 'credit', pieces: 1 });
          yield piece;
        } else if (file.failure !== null) {
          clean = !(file.failure instanceof DecoderThreadError) && !file.inputFailed;
          throw file.failure;
        } else if (file.finished) {
          clean = true;
          return;
        } else {
          await file.changed();
        }
      }
    } finally {
      file.close();
      if (clean) threads.release(thread);
      else threads.discard(thread);
    }
  }
  return { chunks: chunks(), decodedBytes: () => fallback?.decodedBytes() ?? received };
}

/** One file's exchange with its thread: the compressed bytes sent, the pieces received and not yet taken. */
class ThreadFile {
  readonly queue: Buffer[] = [];
  finished = false;
  failure: Error | null = null;
  /** Whether the failure is the input's (a read error): the thread is then midway and not reused. */
  inputFailed = false;
  /**
   * The input's failure, held until the decoder has used what was sent before it (as the main-thread decoder
   * would, reading no further ahead than it decodes): a tar cut short then gives every line its bytes hold.
   */
  private inputError: Error | null = null;
  private readonly input: AsyncIterator<Buffer>;
  private wake: (() => void) | null = null;
  private sent = 0;
  private consumed = 0;
  private needed = false;
  private sending = false;
  private inputEnded = false;
  private closed = false;

  constructor(
    private readonly thread: DecoderThread,
    input: AsyncIterable<Buffer>,
    private readonly onOutput: (bytes: number) => void,
  ) {
    this.input = input[Symbol.asyncIterator]();
    thread.onMessage = (message) => this.receive(message);
    thread.onFailure = (error) => this.fail(new DecoderThreadError(`the decoding thread failed: ${error.message}`));
    if (thread.failure !== null) thread.onFailure(thread.failure);
  }

  /** Resolves when a piece, the end or a failure has come. */
  changed(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.notify();
  }

  private receive(message: FromWorker): void {
    if (message.type === 'output') {
      this.queue.push(Buffer.from(message.buffer, 0, message.length));
      this.onOutput(message.length);
      this.consumed = message.consumed;
      this.sendInput();
    } else if (message.type === 'need') {
      this.consumed = message.consumed;
      // Asked before the chunks on their way arrived: those may be enough, and each would ask again.
      this.needed = message.received === this.sent;
      if (this.needed && this.inputError !== null) this.fail(this.inputError);
      else this.sendInput();
    } else if (message.type === 'done') {
      this.finished = true;
    } else if (message.type === 'error') {
      this.fail(message.truncated ? new TruncatedInput() : new Bzip2Error(message.message));
    }
    this.notify();
  }

  /** Sends compressed chunks until `INPUT_AHEAD_BYTES` are on their way, or one more when the decoder asked. */
  sendInput(): void {
    if (this.sending || this.inputEnded || this.closed || this.inputError !== null) return;
    this.sending = true;
    void this.sendWhileWanted().finally(() => (this.sending = false));
  }

  private async sendWhileWanted(): Promise<void> {
    try {
      while (!this.closed && !this.inputEnded && (this.needed || this.sent - this.consumed < INPUT_AHEAD_BYTES)) {
        const next = await this.input.next();
        if (this.closed) return;
        if (next.done === true) {
          this.inputEnded = true;
          this.thread.post({ type: 'end' });
        } else {
          // The thread's own copy: a chunk read from disk may be a view of a larger pooled buffer.
          const copy = new Uint8Array(next.value);
          this.sent += copy.length; // before the transfer, which empties `copy` here
          this.thread.post({ type: 'input', chunk: copy }, [copy.buffer]);
        }
        this.needed = false;
      }
    } catch (error) {
      if (this.closed) return;
      this.inputFailed = true;
      this.inputError = error as Error;
      // The decoder already waits for more than was sent: nothing is left to decode before the failure.
      if (this.needed) this.fail(this.inputError);
    }
  }

  /** Stops sending; the input is closed if it was not read to its end. */
  close(): void {
    this.closed = true;
    this.thread.onMessage = null;
    this.thread.onFailure = null;
    if (!this.inputEnded) void this.input.return?.().catch(() => {});
  }
}
