/**
 * The worker of `npm run bench -- handover`: normalises each batch of lines it is sent and answers with the
 * batch's results as one JSON string (each accepted post's event, or a skipped one's reason).
 */
import { parentPort } from 'node:worker_threads';
import { normaliseLine, resultsOf } from '../producer/src/normalise/normalise';
import { createCountryLookup } from '../producer/src/normalise/country-lookup';

const lookup = createCountryLookup();
parentPort!.on('message', (lines: string[]) => {
  const results: unknown[] = [];
  for (const line of lines) for (const result of resultsOf(normaliseLine(line, lookup))) results.push(result.ok ? result.event : result.reason);
  parentPort!.postMessage(JSON.stringify(results));
});
