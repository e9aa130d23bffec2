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
