/**
 * `npm run bench [-- <suite>]`: runs the benchmarks and prints figures. Suites: `core` (default): the
 * window store and trend engine; `kafka`: producer -> Kafka -> map-server -> SSE throughput and latency;
 * `normalise`: the producer's normaliser alone, raw line to event;
 * `ingest`: the map-server's side of the embedded replay, `TrendEngine.ingestEvent` over the lean archive's events (issue 14);
 * `replay`: archive replay throughput (.jsonl, .gz, .bz2, .tar of .bz2 members; embedded and Kafka), a large replay's peak RSS, and the
 *   embedded replay of all-accepted posts beside `JSON.parse` alone (issue 14; REPLAY_BENCH_PARTS picks parts);
 * `hostile`: decompression bombs (.bz2, .gz) replayed by `npm start`: peak RSS and the slowest `/api/health`;
 * `frontend`: the production bundle's gzipped size, and frame time and long tasks in headless Chromium;
 * `streams`: how many SSE streams one map-server holds (connect time, delivery latency, /api/trends latency, RSS);
 * `store`: resident memory per post held (10k- and 1M-tag vocabularies, 24 h) and box against region queries;
 * `store-rate`: the bounded store at 6,000 posts/s with a 1M-tag vocabulary, hour after hour of event time;
 * `restart`: a map-server over Kafka ready again with its save and without one (rebuilt from 24 h of log);
 * `search`: the search box's server side: hashtags by prefix over 1M tags, the city gazetteer's build and queries;
 * `history`: kept history (issue 13): bytes per hour and day, `at=` queries and timelines under ingest, start-up, export.
 * `history-kafka`: a fresh map-server taking 30 days of history from Kafka (issue 13): publish, read, write, memory.
 * `handover`: the lean lines normalised on a worker thread and counted on the main one, against one thread (issue 14).
 * `headers`: the security headers' CPU a request, from @fastify/helmet and from the set made once (issue 14).
 * `latency`: creation -> browser on the embedded default at 100 and 1,000 posts/s, with its breakdown (issue 14).
 * `spark`: trendmap against the Spark Streaming tutorial's pipeline it replaces, on one archive and 2 cores (issue 14):
 * throughput, latency, peak RSS, CPU time and their ratios; needs Java and Python (pyspark goes into a venv).
 */
import { benchWindowStore } from './window-store.bench';
import { benchKafka } from './kafka.bench';
import { benchReplay } from './replay.bench';
import { benchIngest } from './ingest.bench';
import { benchStreams } from './streams.bench';
import { benchNormalise } from './normalise.bench';
import { benchHostile } from './hostile.bench';
import { benchStore } from './store.bench';
import { benchStoreRate } from './store-rate.bench';
import { benchRestart } from './restart.bench';
import { benchSearch } from './search.bench';
import { benchHistory } from './history.bench';
import { benchHistoryKafka } from './history-kafka.bench';
import { benchLatency } from './latency.bench';
import { benchSpark } from './spark.bench';
import { benchHeaders } from './headers.bench';
import { benchHandover } from './handover.bench';

const SUITES: Record<string, () => Promise<void>> = {
  core: benchWindowStore,
  kafka: benchKafka,
  replay: benchReplay,
  ingest: benchIngest,
  streams: benchStreams,
  normalise: benchNormalise,
  hostile: benchHostile,
  store: benchStore,
  'store-rate': benchStoreRate,
  restart: benchRestart,
  search: benchSearch,
  history: benchHistory,
  'history-kafka': benchHistoryKafka,
  latency: benchLatency,
  spark: benchSpark,
  headers: benchHeaders,
  handover: benchHandover,
  // Loaded when chosen: Vite and playwright-core are not worth loading (or measuring) in the other suites.
  frontend: async () => (await import('./frontend.bench')).benchFrontend(),
};

const names = process.argv.slice(2).filter((arg) => arg !== '--');
const chosen = names.length === 0 ? ['core'] : names;
for (const name of chosen) {
  const suite = SUITES[name];
  if (suite === undefined) {
    console.error(`unknown benchmark "${name}"; choose from ${Object.keys(SUITES).join(', ')}`);
    process.exit(2);
  }
}
console.log(`node ${process.version}, ${process.arch}, ${(await import('node:os')).cpus().length} cores`);
for (const name of chosen) await SUITES[name]();
