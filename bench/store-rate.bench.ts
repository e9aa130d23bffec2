/**
 * `npm run bench -- store-rate`: the bounded store at X's worldwide average rate (issue 11 item 1). Posts
 * with a 1M-tag Zipf(1.1) vocabulary at 6,000 a second of generated event time (nothing waits) are counted
 * by an engine with the default `MEMORY_BUDGET` (or `STORE_RATE_BUDGET`, a size in bytes); after each hour
 * of event time it prints resident memory (after full collections), what the budget counts (windows, tiles),
 * the dictionary's tags, the dedupe's ids, the ingest rate, and whether the world's and France's 24h trends
 * and the world's labels say `approximate`, with their time. `STORE_RATE_HOURS` (default 2) sets how many
 * hours are generated: each hour is 21.6M posts, several minutes of a core. The engine runs in a child process
 * with the allocator settings the Docker image sets (`IMAGE_MALLOC`), as a container runs it;
 * `STORE_RATE_MALLOC=default` runs it with glibc's defaults instead. Seeded; prints figures and asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
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

/**
 * glibc's allocator settings in the Docker image (Dockerfile): large blocks mapped and unmapped on their own
 * rather than kept in the heap after they are freed, and free memory given back sooner. The tile counts
 * replace their blocks as they merge and summarise; with the defaults, glibc kept about 100 MB more resident.
 */
const IMAGE_MALLOC = { MALLOC_MMAP_THRESHOLD_: '65536', MALLOC_TRIM_THRESHOLD_: '131072' };

export async function benchStoreRate(): Promise<void> {
  const malloc: Record<string, string> = process.env.STORE_RATE_MALLOC === 'default' ? {} : IMAGE_MALLOC;
  const settings = Object.entries(malloc).map(([name, value]) => `${name}=${value}`);
  console.log(
    `\nstore at ${RATE.toLocaleString('en')} posts/s, ${VOCABULARY.toLocaleString('en')}-tag Zipf(1.1), budget ${megabytes(BUDGET)}, ${HOURS} h of event time; ${settings.length === 0 ? "glibc's default allocator settings" : settings.join(' ')}`,
  );
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'rate-child'], {
    stdio: 'inherit',
    env: { ...process.env, ...malloc },
  });
  if (child.status !== 0) console.log(`  the run failed (exit ${child.status ?? child.signal})`);
}

/** The run itself, in the child process. */
function countAtRate(): void {
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

if (process.argv[2] === 'rate-child') countAtRate();
