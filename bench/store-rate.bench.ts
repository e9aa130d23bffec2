/**
 * `npm run bench -- store-rate`: the bounded store at X's worldwide average rate (issue 11 item 1). Posts
 * with a 1M-tag Zipf(1.1) vocabulary at 6,000 a second of generated event time (nothing waits) are counted
 * by an engine with the default `MEMORY_BUDGET` (or `STORE_RATE_BUDGET`, a size in bytes); after each hour
 * of event time it prints resident memory (after full collections), what the budget counts (windows, tiles),
 * the dictionary's tags, the dedupe's ids, the ingest rate, and whether the world's and France's 24h trends
 * and the world's labels say `approximate`, with their time. `STORE_RATE_HOURS` (default 2) sets how many
 * hours are generated: each hour is 21.6M posts, several minutes of a core. Seeded; prints figures and
 * asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { TrendEngine } from '../map-server/src/trend-engine';
import { DEFAULT_MEMORY_BUDGET_BYTES } from '../common/node/memory-budget';
import { megabytes } from './memory';
import { postMaker, settledRss } from './store.bench';

const RATE = 6_000;
const VOCABULARY = 1_000_000;
const HOURS = Number(process.env.STORE_RATE_HOURS ?? 2);
const BUDGET = Number(process.env.STORE_RATE_BUDGET ?? DEFAULT_MEMORY_BUDGET_BYTES);
const HOUR_MS = 3_600_000;

/** The time of one answer, in ms, and whether it said approximate. */
function timed(ask: () => { approximate: boolean }): string {
  const t = performance.now();
  const { approximate } = ask();
  return `${(performance.now() - t).toFixed(0)} ms${approximate ? ', approximate' : ', exact'}`;
}

export async function benchStoreRate(): Promise<void> {
  console.log(
    `\nstore at ${RATE.toLocaleString('en')} posts/s, ${VOCABULARY.toLocaleString('en')}-tag Zipf(1.1), budget ${megabytes(BUDGET)}, ${HOURS} h of event time`,
  );
  const idle = settledRss();
  console.log(`  idle: ${megabytes(idle)} RSS`);
  const t0 = Date.UTC(2026, 0, 1);
  const post = postMaker(VOCABULARY, (i) => t0 + Math.floor((i * 1_000) / RATE), 11);
  const engine = new TrendEngine({ memoryBudgetBytes: BUDGET });
  let next = 0;
  for (let hour = 1; hour <= HOURS; hour += 1) {
    const started = performance.now();
    for (const until = hour * (HOUR_MS / 1_000) * RATE; next < until; next += 1) {
      const event = post(next);
      engine.ingestEvent(event, event.ts);
    }
    const ingestS = (performance.now() - started) / 1_000;
    const rss = settledRss();
    const held = engine.held();
    const query = { bbox: null, window: '24h', sort: 'top', limit: 10 } as const;
    const world = timed(() => engine.trends({ ...query, region: 'world' }));
    const france = timed(() => engine.trends({ ...query, region: 'FR' }));
    const labels = timed(() => engine.labels({ bbox: null, zoom: 3, window: '24h', limit: 300 }));
    console.log(
      `  ${hour} h (${next.toLocaleString('en')} posts, counted at ${Math.round((RATE * 3_600) / ingestS).toLocaleString('en')}/s): ` +
        `RSS ${megabytes(rss)}; counted ${megabytes(engine.countedBytes)} (windows ${megabytes(engine.windowBytes)}, tiles ${megabytes(engine.tileBytes)}); ` +
        `${held.tags.toLocaleString('en')} tags, ${held.dedupeIds.toLocaleString('en')} ids held; world 24h ${world}, FR 24h ${france}, labels world z3 ${labels}`,
    );
  }
}
