/**
 * `npm run bench -- store`: what holding posts costs the map-server, the anchor of the bounded store (issue
 * 11). For a 10k-tag and a 1M-tag Zipf(1.1) vocabulary, posts spread evenly over 24 h of generated event time
 * (nothing waits) are counted by the engine, and resident memory is read after a full collection at 1M, 2M
 * and 3M posts held: the margin between 1M and 3M is what one more post costs. At the end, "Trends in this
 * view" for Europe and for France's box, and the trends of the region FR, all at 24 h, uncached; the map's
 * labels (`/api/labels`) for the world at zoom 3, Europe at zoom 5 and Paris at zoom 11, at 1h and 24h, top
 * and rising, uncached; and what the tile counts behind the labels hold (tiles and tag entries over all buckets and levels).
 * For the 1M-tag vocabulary, once more with the tile counts held to a budget under what they need
 * (`STORE_BENCH_TILE_BUDGET`, default 48 MB): their size, memory, and the world's labels against the exact run's.
 * Then, in a second child counting the same posts, what saving the held state costs at each checkpoint
 * (restarts, issue 11 item 4): `TrendEngine.snapshot`, `v8.serialize` of it (time and bytes),
 * `v8.deserialize` + `TrendEngine.restore`, and the ids the dedupe holds within its horizon.
 *
 * Each vocabulary runs in child processes of its own, so that one run's heap (or the saves' garbage) does
 * not absorb the next one's growth. Seeded; prints figures and asserts nothing. `STORE_BENCH_POSTS` (default 3,000,000) shortens a run.
 */
import { spawnSync } from 'node:child_process';
import v8 from 'node:v8';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Bbox } from '../common/browser/api';
import { EVENT_VERSION, type GeoEvent } from '../common/node/event';
import { cumulativeWeights, pickWeighted, prng, zipfCumulative } from '../common/node/prng';
import { pointNear, syntheticCities } from '../producer/src/sources/synthetic-cities';
import { TrendEngine, countBudgetsOf } from '../map-server/src/trend-engine';
import { PostCounts } from '../map-server/src/core/post-counts';
import { DEFAULT_TILE_BUDGET_BYTES } from '../map-server/src/core/tile-budget';
import type { EngineSnapshot } from '../map-server/src/core/engine-snapshot';
import { uncachedTimes } from './view-trends.bench';
import { gc, megabytes } from './memory';
import { percentile } from './percentile';

const POSTS = Number(process.env.STORE_BENCH_POSTS ?? 3_000_000);
const VOCABULARIES = [10_000, 1_000_000];
const ZIPF_S = 1.1;
/** Just under the longest window, so that every post generated is still held at the end. */
const SPAN_MS = 24 * 3_600_000 - 60_000;
/** Where resident memory is read, as fractions of POSTS. */
const CHECKPOINTS = [1 / 3, 2 / 3, 1];
const QUERIES = 50;
/** The tile counts' budget in the bounded run (1M-tag vocabulary): well under what 3M posts take exact. */
const BOUNDED_TILE_BUDGET = Number(process.env.STORE_BENCH_TILE_BUDGET ?? 48 * 1024 * 1024);
const EUROPE: Bbox = [-25, 34, 45, 72];
const FRANCE: Bbox = [-5.2, 41.3, 9.6, 51.1];
/** What a 1,920 x 1,080 map shows of the world at zoom 3 (level-4 labels), of Europe at zoom 5, of Paris at zoom 11. */
const LABEL_VIEWS = [
  { name: 'world z3', bbox: null, zoom: 3 },
  { name: 'Europe z5', bbox: [-15, 35, 40, 62] as Bbox, zoom: 5 },
  { name: 'Paris z11', bbox: [2.0, 48.7, 2.7, 49.0] as Bbox, zoom: 11 },
];

/** Resident memory after two full collections, in bytes. */
export function settledRss(): number {
  gc();
  gc();
  return process.memoryUsage().rss;
}

/**
 * Posts for one vocabulary, seeded: `post(i)` is the i-th, from a city picked by population with one to three
 * tags of the Zipf vocabulary, at event time `timeOf(i)` (by default the i-th of `POSTS` spread over `SPAN_MS`).
 */
export function postMaker(
  vocabulary: number,
  timeOf = (i: number) => Date.UTC(2026, 0, 1) + Math.floor((i / POSTS) * SPAN_MS),
  seed = 7,
): (i: number) => GeoEvent {
  const random = prng(seed);
  const tagRank = zipfCumulative(vocabulary, ZIPF_S);
  const { cities } = syntheticCities();
  const byPopulation = cumulativeWeights(cities.map((city) => city.population));
  const names = Array.from({ length: vocabulary }, (_, i) => `tag${i}`);
  return (i) => {
    const city = cities[pickWeighted(byPopulation, random.next())];
    const [lon, lat] = pointNear(city, random);
    const count = 1 + (random.chance(0.3) ? 1 : 0) + (random.chance(0.1) ? 1 : 0);
    const tags = new Set<string>();
    while (tags.size < count) tags.add(names[pickWeighted(tagRank, random.next())]);
    const ts = timeOf(i);
    return { v: EVENT_VERSION, id: String(1e12 + i), ts, lat, lon, loc: 'point', cc: city.country, tags: [...tags], display: [...tags] };
  };
}

/**
 * Counts the bench's posts into a new engine, calling `atCheckpoint` at each checkpoint. Arrival is at the
 * post's own time: a replay at full speed, so the windows end at the newest post.
 */
function countPosts(
  vocabulary: number,
  atCheckpoint: (engine: TrendEngine) => void,
  tileBudgetBytes = DEFAULT_TILE_BUDGET_BYTES,
): { engine: TrendEngine; counts: PostCounts; ingestMs: number } {
  const post = postMaker(vocabulary);
  // The region windows at their share of the default memory budget, as `npm start` holds them.
  const counts = PostCounts.create(countBudgetsOf({ tileBudgetBytes }));
  const engine = new TrendEngine({}, counts);
  let ingestMs = 0;
  let next = 0;
  for (const checkpoint of CHECKPOINTS) {
    const started = performance.now();
    for (const until = Math.round(checkpoint * POSTS); next < until; next += 1) {
      const event = post(next);
      engine.ingestEvent(event, event.ts);
    }
    ingestMs += performance.now() - started;
    atCheckpoint(engine);
  }
  return { engine, counts, ingestMs };
}

/**
 * Resident memory and queries for one vocabulary, in this (child) process, the tile counts within
 * `tileBudgetBytes`: prints one JSON line of figures.
 */
function measureMemory(vocabulary: number, tileBudgetBytes = DEFAULT_TILE_BUDGET_BYTES): void {
  const idle = settledRss();
  const rss: number[] = [];
  const { engine, counts, ingestMs } = countPosts(vocabulary, () => rss.push(settledRss()), tileBudgetBytes);
  const accepted = engine.acceptedCount;
  const time = (ask: () => unknown) => {
    // Each after one more post, so that the answer cache does not reply, as on a busy stream.
    const ms = uncachedTimes(engine, QUERIES, ask);
    return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
  };
  const query = { window: '24h', sort: 'top', limit: 10 } as const;
  const europe = time(() => engine.trends({ ...query, region: 'view', bbox: EUROPE }));
  const franceBox = time(() => engine.trends({ ...query, region: 'view', bbox: FRANCE }));
  const france = time(() => engine.trends({ ...query, region: 'FR', bbox: null }));
  const labels = LABEL_VIEWS.flatMap(({ name, bbox, zoom }) =>
    (['1h', '24h'] as const).flatMap((window) =>
      (['top', 'rising'] as const).map((sort) => {
        const ask = () => engine.labels({ bbox, zoom, window, sort, limit: 300 });
        return { name: `${name} ${window}${sort === 'rising' ? ' rising' : ''}`, count: ask().labels.length, ...time(ask) };
      }),
    ),
  );
  const tiles = counts.tiles.stats();
  const windows = {
    ...counts.store.stats(),
    bytes: counts.store.bytes(),
    approximate: engine.trends({ ...query, region: 'world', bbox: null }).approximate,
  };
  const world = engine.labels({ bbox: null, zoom: 3, window: '24h', limit: 300 });
  const worldLabels = {
    approximate: world.approximate,
    maxError: world.maxError,
    labels: world.labels.map((l) => [l.lat, l.lon, l.tag, l.count] as const),
  };
  console.log(JSON.stringify({ vocabulary, accepted, idle, rss, ingestMs, europe, franceBox, france, labels, tiles, windows, worldLabels }));
}

/** What saving and loading the held state costs at one checkpoint. */
interface SaveFigures {
  snapshotMs: number;
  serializeMs: number;
  bytes: number;
  restoreMs: number;
  /** Ids the dedupe holds (within its horizon). */
  dedupeIds: number;
}

/**
 * Saving and loading for one vocabulary, in a child process of its own (its garbage would blur the resident
 * memory figures): at each checkpoint, the snapshot, v8.serialize of it, and v8.deserialize + restore.
 */
function measureSaving(vocabulary: number): void {
  const saves: SaveFigures[] = [];
  countPosts(vocabulary, (engine) => {
    gc();
    let t = performance.now();
    const snapshot = engine.snapshot();
    const snapshotMs = performance.now() - t;
    t = performance.now();
    const bytes = v8.serialize(snapshot);
    const serializeMs = performance.now() - t;
    gc();
    t = performance.now();
    TrendEngine.restore(v8.deserialize(bytes) as EngineSnapshot);
    const restoreMs = performance.now() - t;
    saves.push({ snapshotMs, serializeMs, bytes: bytes.length, restoreMs, dedupeIds: snapshot.seen.hashes.length });
  });
  console.log(JSON.stringify({ vocabulary, saves }));
}

interface Figures {
  vocabulary: number;
  accepted: number;
  idle: number;
  rss: number[];
  ingestMs: number;
  europe: { p50: number; p99: number };
  franceBox: { p50: number; p99: number };
  france: { p50: number; p99: number };
  labels: { name: string; count: number; p50: number; p99: number }[];
  tiles: { buckets: number; tiles: number; entries: number; summarisedTiles: number; bytes: number };
  /** The region windows: time buckets, (leaf, bucket) tallies, their (tag, count) pairs, bytes as the budget counts them (totals included). */
  windows: { buckets: number; tallies: number; pairs: number; bytes: number; approximate: boolean };
  /** The world's labels at zoom 3 over 24 h: lat, lon, tag, count. */
  worldLabels: { approximate: boolean; maxError: number; labels: (readonly [number, number, string, number])[] };
}

const ms = (q: { p50: number; p99: number }) => `p50 ${q.p50.toFixed(1)} ms, p99 ${q.p99.toFixed(1)} ms`;

/** Runs one child mode for one vocabulary and returns its JSON line, or null after printing why it failed. */
function runChild<T>(mode: 'child' | 'child-saving', vocabulary: number, tileBudgetBytes = DEFAULT_TILE_BUDGET_BYTES): T | null {
  const args = [fileURLToPath(import.meta.url), mode, String(vocabulary), String(tileBudgetBytes)];
  const child = spawnSync(process.execPath, [...process.execArgv, ...args], {
    encoding: 'utf8',
    env: process.env,
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status === 0 && line.startsWith('{')) return JSON.parse(line) as T;
  console.log(`  ${vocabulary.toLocaleString('en')} tags: the run failed (exit ${child.status}): ${child.stderr.trim().split('\n').at(-1) ?? ''}`);
  return null;
}

export async function benchStore(): Promise<void> {
  const held = CHECKPOINTS.map((c) => Math.round(c * POSTS));
  console.log(`store: posts over 24 h of event time, Zipf(${ZIPF_S}) tags, 1-3 a post, at real cities by population; RSS after full GC`);
  for (const vocabulary of VOCABULARIES) {
    const f = runChild<Figures>('child', vocabulary);
    if (f === null) continue;
    const margin = (f.rss[f.rss.length - 1] - f.rss[0]) / (held[held.length - 1] - held[0]);
    console.log(
      `  ${vocabulary.toLocaleString('en')}-tag vocabulary: ${f.accepted.toLocaleString('en')} posts held, counted at ${Math.round(f.accepted / (f.ingestMs / 1000)).toLocaleString('en')}/s`,
    );
    console.log(`    rss idle ${megabytes(f.idle)}; ${held.map((n, i) => `${n.toLocaleString('en')} held ${megabytes(f.rss[i])}`).join(', ')}`);
    console.log(
      `    one more post held costs ${margin.toFixed(0)} B of resident memory (between ${held[0].toLocaleString('en')} and ${held[held.length - 1].toLocaleString('en')} held)`,
    );
    console.log(`    24h top 10: box Europe ${ms(f.europe)}; box France ${ms(f.franceBox)}; region FR ${ms(f.france)}`);
    console.log(`    labels: ${f.labels.map((l) => `${l.name} (${l.count}) ${ms(l)}`).join('; ')}`);
    console.log(
      `    region windows: ${f.windows.buckets} buckets, ${f.windows.tallies.toLocaleString('en')} tallies, ${f.windows.pairs.toLocaleString('en')} tag pairs (${megabytes(f.windows.bytes)} with their totals)${f.windows.approximate ? ', approximate' : ', exact'}`,
    );
    console.log(
      `    tile counts: ${f.tiles.buckets} buckets, ${f.tiles.tiles.toLocaleString('en')} tiles, ${f.tiles.entries.toLocaleString('en')} tag entries (${megabytes(f.tiles.bytes)} in their columns)`,
    );
    if (vocabulary === VOCABULARIES[VOCABULARIES.length - 1]) printBounded(f, vocabulary, held);
    const saving = runChild<{ saves: SaveFigures[] }>('child-saving', vocabulary);
    saving?.saves.forEach((save, i) => {
      console.log(
        `    saved at ${held[i].toLocaleString('en')} held: snapshot ${save.snapshotMs.toFixed(0)} ms, v8.serialize ${save.serializeMs.toFixed(0)} ms to ${megabytes(save.bytes)}, v8.deserialize + restore ${save.restoreMs.toFixed(0)} ms; dedupe holds ${save.dedupeIds.toLocaleString('en')} ids`,
      );
    });
  }
}

/**
 * The same posts with the tile counts held to `BOUNDED_TILE_BUDGET`: their size, resident memory, and the
 * world's labels at zoom 3 over 24 h against the exact run's (`exact`): tags that agree, and how far counts fell short.
 */
function printBounded(exact: Figures, vocabulary: number, held: number[]): void {
  const b = runChild<Figures>('child', vocabulary, BOUNDED_TILE_BUDGET);
  if (b === null) return;
  const truth = new Map(exact.worldLabels.labels.map(([lat, lon, tag, count]) => [`${lat},${lon}`, { tag, count }]));
  let same = 0;
  let shortBy = 0;
  for (const [lat, lon, tag, count] of b.worldLabels.labels) {
    const t = truth.get(`${lat},${lon}`);
    if (t === undefined) continue;
    if (t.tag === tag) same += 1;
    shortBy = Math.max(shortBy, (t.count - count) / t.count);
  }
  console.log(
    `    tile counts held to ${megabytes(BOUNDED_TILE_BUDGET)}: ${megabytes(b.tiles.bytes)} in their columns, ${b.tiles.summarisedTiles.toLocaleString('en')} of ${b.tiles.tiles.toLocaleString('en')} tiles summarised; rss ${megabytes(b.rss[b.rss.length - 1])} at ${held[held.length - 1].toLocaleString('en')} held (exact: ${megabytes(exact.rss[exact.rss.length - 1])})`,
  );
  console.log(
    `    world labels 24h held to it: approximate ${b.worldLabels.approximate}, maxError ${b.worldLabels.maxError}; ${same} of ${b.worldLabels.labels.length} tiles show the exact run's tag, counts at most ${(shortBy * 100).toFixed(1)} % short; ${b.labels.map((l) => `${l.name} ${ms(l)}`).join('; ')}`,
  );
}

if (process.argv[2] === 'child') measureMemory(Number(process.argv[3]), Number(process.argv[4]));
if (process.argv[2] === 'child-saving') measureSaving(Number(process.argv[3]));
