/**
 * The normalising thread (`normalise-thread.ts` starts it and speaks for it): normalises each batch of lines
 * it is sent with `normaliseLine` and answers with the batch's results, one a line, as ONE JSON string. The
 * main thread's `JSON.parse` of one string costs less than a structured clone of the results' objects
 * (`npm run bench -- handover`); accepted posts go as arrays of their values (`normalise-answer.ts`).
 *
 * JSON writes -0 as 0: the few coordinates that are -0 (`round5` of a point just west of Greenwich or south
 * of the equator), and a time of -0 (`"timestamp_ms": -0`), are listed beside the string, so that the main
 * thread gets exactly what `normaliseLine` gives. An entry point of its own in the server bundle
 * (scripts/build-server.mjs).
 */
import { parentPort } from 'node:worker_threads';
import { normaliseLine, resultsOf, type InputResult } from './normalise/normalise';
import { createCountryLookup } from './normalise/country-lookup';
import { compact } from './normalise-answer';

/** A batch's lines, none blank. */
export type ToWorker = string[];

/** Where a -0 was: the line's index in its batch, the post's index in the line's results, and the field. */
export type NegativeZero = [line: number, post: number, field: 'lat' | 'lon' | 'ts'];

export type FromWorker =
  /** Posted once, when the thread has loaded: until then nothing is sent to it. */
  | { type: 'ready' }
  /** A batch's results as JSON (a `ResultJson` of normalise-answer.ts a line, in order), and its -0s when it has any. */
  | { type: 'results'; json: string; negativeZeros?: NegativeZero[] };

if (parentPort === null) throw new Error('normalise-worker.ts runs as a worker thread (see normalise-thread.ts)');
const port = parentPort;
const lookup = createCountryLookup();

function post(message: FromWorker): void {
  port.postMessage(message);
}

/** The -0s among the results' coordinates, which JSON would turn into 0. */
function negativeZerosOf(results: InputResult[]): NegativeZero[] {
  const found: NegativeZero[] = [];
  results.forEach((result, line) => {
    resultsOf(result).forEach((one, index) => {
      if (!one.ok) return;
      if (Object.is(one.event.lat, -0)) found.push([line, index, 'lat']);
      if (Object.is(one.event.lon, -0)) found.push([line, index, 'lon']);
      if (Object.is(one.event.ts, -0)) found.push([line, index, 'ts']);
    });
  });
  return found;
}

port.on('message', (lines: ToWorker) => {
  const results = lines.map((line) => normaliseLine(line, lookup));
  const negativeZeros = negativeZerosOf(results);
  const json = JSON.stringify(results.map(compact));
  post(negativeZeros.length > 0 ? { type: 'results', json, negativeZeros } : { type: 'results', json });
});

post({ type: 'ready' });
