/**
 * `npm run bench -- handover`: what handing the normalising to a second thread does on this machine (issue 14's
 * lean path). The lean replay's 200,000 all-accepted v2 lines (REPLAY_BENCH_LINES), in memory, counted into a
 * new `TrendEngine` each round, two ways, alternating, HANDOVER_BENCH_ROUNDS (default 3) rounds each after one
 * of each to warm up:
 * - one thread: each line normalised, its event checked (`checkedEvent`, as the producer does) and counted;
 * - handover: a worker (handover-worker.ts) normalises batches of 256 lines, up to 4 ahead, and sends each
 *   batch's events back as one JSON string; the main thread parses it, checks the events and counts them (the
 *   worker ran the hashtag rule, so the tags are taken as ruled, as in one thread).
 * Prints lines/s, this process's CPU a line (both threads, and the collector's helpers), and how much of the
 * time the main thread was busy with the handover; asserts nothing. Not the embedded replay: no file, no bus.
 */
import { performance } from 'node:perf_hooks';
import { normaliseLine, resultsOf } from '../producer/src/normalise/normalise';
import { createCountryLookup } from '../producer/src/normalise/country-lookup';
import { checkedEvent, type GeoEvent } from '../common/node/event';
import { ruledTags } from '../common/node/hashtag';
import { startWorkerBeside } from '../common/node/start-worker';
import { TrendEngine } from '../map-server/src/trend-engine';
import { ARCHIVE_START_MS, FIRST_POST_ID, templates } from './archive-lines';
import { ARRIVAL_MS } from './ingest.bench';
import { gc } from './memory';

const LINES = Number(process.env.REPLAY_BENCH_LINES ?? 200_000);
const ROUNDS = Number(process.env.HANDOVER_BENCH_ROUNDS ?? 3);
/** The lean archive's span of event time (replay.bench.ts), in ms. */
const SPAN_MS = 3_600_000;
const BATCH = 256;
const AHEAD = 4;

interface Round {
  ms: number;
  cpuUs: number;
  /** Time the main thread spent on the worker's answers (handover only), in ms. */
  busyMs: number;
}

function leanLines(): string[] {
  const pool = templates('placed');
  return Array.from({ length: LINES }, (_, i) => {
    const [a, b, c] = pool[i % pool.length];
    return `${a}${FIRST_POST_ID + BigInt(i)}${b}${new Date(ARCHIVE_START_MS + Math.floor((i * SPAN_MS) / LINES)).toISOString()}${c}`;
  });
}

function timed(run: () => Promise<number> | number): Promise<Round> {
  gc();
  const cpu = process.cpuUsage();
  const start = performance.now();
  return Promise.resolve(run()).then((busyMs) => {
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return { ms, cpuUs: (used.user + used.system) / LINES, busyMs };
  });
}

function oneThread(lines: readonly string[], lookup: ReturnType<typeof createCountryLookup>): number {
  const engine = new TrendEngine();
  for (const line of lines)
    for (const result of resultsOf(normaliseLine(line, lookup))) if (result.ok) engine.ingestEvent(checkedEvent(result.event), ARRIVAL_MS);
  if (engine.acceptedCount !== lines.length) throw new Error(`${engine.acceptedCount} of ${lines.length} counted`);
  return 0;
}

function handover(lines: readonly string[], worker: ReturnType<typeof startWorkerBeside>): Promise<number> {
  const engine = new TrendEngine();
  let sent = 0;
  let waiting = 0;
  let busyMs = 0;
  return new Promise((resolve, reject) => {
    const send = () => {
      for (; waiting < AHEAD && sent < lines.length; sent += BATCH, waiting += 1) worker.postMessage(lines.slice(sent, sent + BATCH));
    };
    const onMessage = (json: string) => {
      const start = performance.now();
      waiting -= 1;
      send();
      for (const result of JSON.parse(json) as Array<GeoEvent | string>) {
        if (typeof result === 'string') continue;
        ruledTags(result.tags, result.display);
        engine.ingestEvent(checkedEvent(result), ARRIVAL_MS);
      }
      busyMs += performance.now() - start;
      if (waiting > 0 || sent < lines.length) return;
      worker.off('message', onMessage);
      worker.off('error', reject);
      if (engine.acceptedCount === lines.length) resolve(busyMs);
      else reject(new Error(`${engine.acceptedCount} of ${lines.length} counted`));
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    send();
  });
}

export async function benchHandover(): Promise<void> {
  const lines = leanLines();
  const lookup = createCountryLookup();
  const worker = startWorkerBeside(import.meta.url, 'handover-worker');
  console.log(`handover: ${LINES.toLocaleString('en-US')} all-accepted v2 lines normalised and counted, on one thread and with a normalising worker`);
  try {
    const rate = (round: Round) => Math.round(LINES / (round.ms / 1_000)).toLocaleString('en-US');
    await timed(() => oneThread(lines, lookup));
    await timed(() => handover(lines, worker));
    for (let r = 1; r <= ROUNDS; r += 1) {
      const one = await timed(() => oneThread(lines, lookup));
      const two = await timed(() => handover(lines, worker));
      console.log(
        `  round ${r}: one thread ${rate(one)} lines/s (${one.cpuUs.toFixed(1)} µs of CPU a line); ` +
          `handover ${rate(two)} lines/s (${two.cpuUs.toFixed(1)} µs of CPU a line; main thread busy ${Math.round((100 * two.busyMs) / two.ms)} % with the answers)`,
      );
    }
  } finally {
    await worker.terminate();
  }
}
