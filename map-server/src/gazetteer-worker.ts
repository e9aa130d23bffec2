/**
 * The gazetteer's build, run in a worker thread (`gazetteer.ts` starts it): reads the cities
 * (gazetteer-cities.ts), folds and sorts their names (`placeColumns`), posts the columns to the main thread
 * and ends. An entry point of its own in the server bundle (scripts/build-server.mjs).
 *
 * Why a thread: the build is ~0.4–0.6 s of synchronous work, which on the main thread stalls every request
 * and every live stream for that long. Here the main thread only takes in the result (three strings copied,
 * five buffers transferred: `PlaceColumns`), and the package's parsed data (~46 MB of heap) goes away with
 * the thread instead of staying in the main thread's module cache.
 */
import { parentPort } from 'node:worker_threads';
import { placeColumns } from './core/place-index';
import { gazetteerCities } from './gazetteer-cities';

if (parentPort === null) throw new Error('gazetteer-worker.ts runs as a worker thread (see gazetteer.ts)');
const columns = placeColumns(gazetteerCities());
const { folded, names, lats, lons, populations } = columns;
parentPort.postMessage(columns, [folded.starts.buffer, names.starts.buffer, lats.buffer, lons.buffer, populations.buffer]);
