/**
 * Starts one of our worker threads from its file beside the caller: JavaScript in the server bundle, which
 * has every worker as an entry point (scripts/build-server.mjs) and puts it beside the chunk that starts it;
 * TypeScript from the sources (tests, `npm run dev`, the benches), imported through tsx's API (Node 20 does
 * not apply the `--import tsx` hooks to a worker's own entry module).
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Starts `<name>.mjs` (bundle) or `<name>.ts` (sources) from the folder of `callerUrl` (the caller's `import.meta.url`), with `options` (resource limits). */
export function startWorkerBeside(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.mjs`, callerUrl), options);
  const file = JSON.stringify(new URL(`./${name}.ts`, callerUrl).href);
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${api}).then(({ tsImport }) => tsImport(${file}, ${file}))`, { ...options, eval: true });
}

/** What a `ReadyWorker` hands on: its messages other than `ready`, its first failure, and its exit. */
export interface ReadyWorkerHandlers<M> {
  onMessage: (message: M) => void;
  onFailure: (error: Error) => void;
  onExit: () => void;
}

/**
 * One of our worker threads that posts `{ type: 'ready' }` once it has loaded (the bzip2 and normalising
 * threads), watched: `ready` resolves then, or rejects with its first failure (an error it threw, its exit,
 * or one its owner reports with `fail`), which is kept as `failure` and handed to `onFailure` once. Every
 * other message goes to `onMessage`; `onExit` is called when it has exited.
 */
export class ReadyWorker<M extends { type: string }> {
  readonly ready: Promise<void>;
  failure: Error | null = null;
  loaded = false;
  private rejectReady: (error: Error) => void = () => {};

  constructor(
    readonly worker: Worker,
    private readonly handlers: ReadyWorkerHandlers<Exclude<M, { type: 'ready' }>>,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.rejectReady = reject;
      worker.on('message', (message: M) => {
        if (message.type !== 'ready') handlers.onMessage(message as Exclude<M, { type: 'ready' }>);
        else {
          this.loaded = true;
          resolve();
        }
      });
      worker.on('error', (error) => this.fail(error));
      worker.once('exit', (code) => {
        this.fail(new Error(`it exited with code ${code}`));
        handlers.onExit();
      });
    });
    this.ready.catch(() => {}); // read by the owner; a failure after loading goes to `onFailure`
  }

  /** The worker's first failure: later ones are dropped. */
  fail(error: Error): void {
    if (this.failure !== null) return;
    this.failure = error;
    this.rejectReady(error);
    this.handlers.onFailure(error);
  }
}
