/**
 * Benchmarks the map-server's core, seeded so runs compare: window-store ingest rate over 1M events, the
 * full engine path (decode + validate + dedupe + count), top-10 query latency at 24h with a 1M-tag
 * long-tailed vocabulary, and resident memory; then trends in a view, rising and the grid's memory
 * (view-trends.bench.ts). Prints figures; asserts nothing about time.
 */
import { performance } from 'node:perf_hooks';
import { pickWeighted, prng, zipfCumulative } from '../common/node/prng';
import { WindowStore } from '../map-server/src/core/window-store';
import { TrendEngine } from '../map-server/src/trend-engine';
import { PostCounts } from '../map-server/src/core/post-counts';
import { checkedEvent, encodeEvent, EVENT_VERSION, type GeoEvent } from '../common/node/event';
import { WORLD } from '../common/browser/api';
import { benchViewTrends, cityPositions, oneMorePost } from './view-trends.bench';
import { percentile } from './percentile';
import { gc, megabytes } from './memory';

const EVENTS = 1_000_000;
const VOCABULARY = 1_000_000;
/** Zipf exponent of tag popularity: a few tags are everywhere, most are seen once or twice. */
const ZIPF_S = 1.1;
const SPAN_MS = 24 * 3_600_000;
const QUERIES = 500;
const COUNTRIES = ['US', 'BR', 'JP', 'GB', 'IN', 'FR', 'DE', 'MX', 'ID', 'TR', 'ES', 'AR', 'PH', 'NG', 'KR', 'IT', 'CA', 'ZA', 'EG', 'RU'];

/** Keeps inputs reachable, so that a memory delta measures only what was added since. */
const retained: unknown[] = [];

interface Generated {
  ts: Float64Array;
  cc: Uint8Array;
  tags: Int32Array[];
}

/** Draws from a Zipf distribution over `n` ranks (exponent `s`): inverse-CDF sampling by binary search. */
function zipfSampler(n: number, s: number, next: () => number): () => number {
  const cumulative = zipfCumulative(n, s);
  return () => pickWeighted(cumulative, next());
}

function generate(seed: number): Generated {
  const random = prng(seed);
  const rank = zipfSampler(VOCABULARY, ZIPF_S, random.next);
  const country = zipfSampler(COUNTRIES.length, 1, random.next);
  const t0 = Date.UTC(2026, 0, 1);
  const out: Generated = { ts: new Float64Array(EVENTS), cc: new Uint8Array(EVENTS), tags: [] };
  for (let i = 0; i < EVENTS; i += 1) {
    out.ts[i] = t0 + Math.floor((i / EVENTS) * SPAN_MS);
    out.cc[i] = country();
    const n = 1 + (random.chance(0.3) ? 1 : 0) + (random.chance(0.1) ? 1 : 0);
    const tags = new Set<number>();
    while (tags.size < n) tags.add(rank());
    out.tags.push(Int32Array.from(tags));
  }
  return out;
}

export async function benchWindowStore(): Promise<void> {
  console.log(
    `window store: ${EVENTS.toLocaleString('en')} events over 24 h, ${VOCABULARY.toLocaleString('en')}-tag Zipf(${ZIPF_S}) vocabulary, ${COUNTRIES.length} countries, seed 42`,
  );
  const data = generate(42);
  // Where each post was made: near a city of its country (a stream of its own, so `data` stays as it was).
  const positions = cityPositions(data.cc, COUNTRIES, 43);
  retained.push(data, positions);
  gc();
  const before = process.memoryUsage();

  // 1. The store alone, tags already interned.
  const store = new WindowStore({ rollup: (leaf) => [leaf, WORLD] });
  retained.push(store);
  let start = performance.now();
  for (let i = 0; i < EVENTS; i += 1) store.add(data.ts[i], COUNTRIES[data.cc[i]], data.tags[i] as unknown as number[]);
  let seconds = (performance.now() - start) / 1_000;
  console.log(`  store.add:          ${Math.round(EVENTS / seconds).toLocaleString('en')} events/s (${seconds.toFixed(2)} s)`);
  console.log(
    `  distinct tags in 24h: world ${store.tally(WORLD, '24h').size.toLocaleString('en')}, US ${store.tally('US', '24h').size.toLocaleString('en')}`,
  );

  // 2. Top-10 queries, uncached.
  const keyOf = (id: number) => `t${id}`;
  for (const region of [WORLD, 'US', 'NG']) {
    const times: number[] = [];
    for (let q = 0; q < QUERIES; q += 1) {
      const t = performance.now();
      store.top(region, '24h', 10, keyOf);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(
      `  top-10 ${region.padEnd(5)} 24h:   p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms (${store.tally(region, '24h').size.toLocaleString('en')} tags scanned)`,
    );
  }
  gc();
  const after = process.memoryUsage();
  console.log(
    `  store memory for 24 h of 1M events: heap +${megabytes(after.heapUsed - before.heapUsed)}, rss +${megabytes(after.rss - before.rss)} (process rss ${megabytes(after.rss)})`,
  );

  // 3. The engine as the server runs it: encoded bytes in, validated, deduplicated, interned, counted.
  const messages: Buffer[] = [];
  for (let i = 0; i < EVENTS; i += 1) {
    const tags = Array.from(data.tags[i], (id) => `t${id}`);
    const event: GeoEvent = {
      v: EVENT_VERSION,
      id: String(1_850_000_000_000_000_000n + BigInt(i)),
      ts: data.ts[i],
      lat: positions.lat[i],
      lon: positions.lon[i],
      loc: 'point',
      cc: COUNTRIES[data.cc[i]],
      tags,
      display: tags,
    };
    messages.push(encodeEvent(checkedEvent(event)));
  }
  retained.push(messages);
  gc();
  const beforeEngine = process.memoryUsage();
  // Its counts passed in, to weigh the dictionary and (view-trends.bench.ts) forget the sparkline series.
  const counts = new PostCounts();
  const engine = new TrendEngine({}, counts);
  const arrival = Date.UTC(2027, 0, 1);
  start = performance.now();
  for (const message of messages) engine.ingest(message, arrival);
  seconds = (performance.now() - start) / 1_000;
  console.log(
    `  engine.ingest:      ${Math.round(EVENTS / seconds).toLocaleString('en')} events/s (decode + validate + dedupe + count; ${engine.acceptedCount.toLocaleString('en')} accepted)`,
  );
  const times: number[] = [];
  for (let q = 0; q < QUERIES; q += 1) {
    // Defeat the cache with one more post in the newest minute, as live: measure the scan.
    oneMorePost(engine);
    const t = performance.now();
    engine.trends({ region: WORLD, bbox: null, window: '24h', sort: 'top', limit: 10 });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`  /api/trends world 24h (uncached): p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms`);
  gc();
  const afterEngine = process.memoryUsage();
  console.log(
    `  engine memory (store + tile counts + dictionary + seen ids + recent posts): heap +${megabytes(afterEngine.heapUsed - beforeEngine.heapUsed)}, array buffers +${megabytes(afterEngine.arrayBuffers - beforeEngine.arrayBuffers)} (process rss ${megabytes(afterEngine.rss)}; ${counts.dictionary.size.toLocaleString('en')} tags interned)`,
  );

  // 4. Trends in a view, rising, and the grid's memory.
  benchViewTrends(engine, counts);
}
