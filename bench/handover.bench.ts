/**
 * `npm run bench -- handover`: what handing the normalising to a second thread does on this machine (issue 14's
 * lean path), apart from the rest of a replay. The lean replay's 200,000 all-accepted v2 lines
 * (REPLAY_BENCH_LINES), in memory, counted into a new `TrendEngine` each round, two ways, alternating,
 * HANDOVER_BENCH_ROUNDS (default 3) rounds each after one of each to warm up:
 * - one thread: each line normalised, its event checked (`checkedEvent`, as the producer does) and counted;
 * - handover: the producer's normalising thread (normalise-thread.ts, as `normalisedInThread` reads ahead for
 *   the pipeline: batches of 256 lines, up to 8 on their way, each answered as one JSON string); the main
 *   thread checks the events and counts them.
 * Each handover round starts its thread at its first line, as a pipeline run does after START_AFTER_LINES, and
 * normalises on the main thread until it has loaded. Prints how long a thread takes to load, lines/s, this
 * process's CPU a line (both threads, and the collector's helpers), the share of the lines the thread
 * normalised, and how much of the time the main thread spent checking and counting; asserts nothing. Not the
 * embedded replay: no file, no bus.
 */
import { performance } from 'node:perf_hooks';
import { normaliseLine, resultsOf } from '../producer/src/normalise/normalise';
import { createCountryLookup } from '../producer/src/normalise/country-lookup';
import { checkedEvent } from '../common/node/event';
import { NormaliseThreads } from '../producer/src/normalise-thread';
import { normalisedInThread } from '../producer/src/normalised-batches';
import { BATCH_LINES } from '../producer/src/sources/replay';
import { TrendEngine } from '../map-server/src/trend-engine';
import { lineAt, templates } from './archive-lines';
import { ARRIVAL_MS } from './ingest.bench';
import { gc } from './memory';

const LINES = Number(process.env.REPLAY_BENCH_LINES ?? 200_000);
const ROUNDS = Number(process.env.HANDOVER_BENCH_ROUNDS ?? 3);
/** The lean archive's span of event time (replay.bench.ts), in ms. */
const SPAN_MS = 3_600_000;

interface Handover {
  /** Time the main thread spent checking and counting the events (handover only), in ms. */
  busyMs: number;
  /** Share of the lines the thread normalised (handover only): the rest were, while it loaded, here. */
  threadShare: number;
}

interface Round extends Handover {
  ms: number;
  cpuUs: number;
}

function leanLines(): string[] {
  const pool = templates('placed');
  return Array.from({ length: LINES }, (_, i) => lineAt(pool, i, LINES, SPAN_MS));
}

function timed(run: () => Promise<Handover> | Handover): Promise<Round> {
  gc();
  const cpu = process.cpuUsage();
  const start = performance.now();
  return Promise.resolve(run()).then((handover) => {
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return { ms, cpuUs: (used.user + used.system) / LINES, ...handover };
  });
}

function oneThread(lines: readonly string[], lookup: ReturnType<typeof createCountryLookup>): Handover {
  const engine = new TrendEngine();
  for (const line of lines)
    for (const result of resultsOf(normaliseLine(line, lookup))) if (result.ok) engine.ingestEvent(checkedEvent(result.event), ARRIVAL_MS);
  if (engine.acceptedCount !== lines.length) throw new Error(`${engine.acceptedCount} of ${lines.length} counted`);
  return { busyMs: 0, threadShare: 0 };
}

/** The lines in the source's batches, as a replay hands them on. */
async function* batchesOf(lines: readonly string[]): AsyncGenerator<string[]> {
  for (let i = 0; i < lines.length; i += BATCH_LINES) yield lines.slice(i, i + BATCH_LINES);
}

/** The handover, as a pipeline run makes it: normalised here until the run's thread has loaded (its share is returned). */
async function handover(lines: readonly string[], threads: NormaliseThreads, lookup: ReturnType<typeof createCountryLookup>): Promise<Handover> {
  const engine = new TrendEngine();
  const answeredBefore = threads.linesAnswered;
  let busyMs = 0;
  for await (const results of normalisedInThread(batchesOf(lines), lookup, threads, new AbortController().signal)) {
    const start = performance.now();
    for (const input of results) for (const result of resultsOf(input)) if (result.ok) engine.ingestEvent(checkedEvent(result.event), ARRIVAL_MS);
    busyMs += performance.now() - start;
  }
  if (engine.acceptedCount !== lines.length) throw new Error(`${engine.acceptedCount} of ${lines.length} counted`);
  if (threads.liveThreads !== 0) throw new Error('the thread outlived its run');
  return { busyMs, threadShare: (threads.linesAnswered - answeredBefore) / lines.length };
}

/** How long a thread takes to load (the best of three), in ms. */
async function timeToLoad(threads: NormaliseThreads): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 3; i += 1) {
    const start = performance.now();
    const thread = await threads.acquire();
    best = Math.min(best, performance.now() - start);
    if (thread === null) throw new Error('the normalising thread could not start');
    await thread.terminate();
  }
  return best;
}

export async function benchHandover(): Promise<void> {
  const lines = leanLines();
  const lookup = createCountryLookup();
  // Started at the run's first line, as the producer's are after START_AFTER_LINES.
  const threads = new NormaliseThreads({ startAfterLines: 0 });
  const loadMs = await timeToLoad(threads);
  console.log(`handover: ${LINES.toLocaleString('en-US')} all-accepted v2 lines normalised and counted, on one thread and with a normalising worker`);
  console.log(`  a thread loads in ${Math.round(loadMs)} ms (the best of 3; the main thread normalises meanwhile)`);
  const rate = (round: Round) => Math.round(LINES / (round.ms / 1_000)).toLocaleString('en-US');
  await timed(() => oneThread(lines, lookup));
  await timed(() => handover(lines, threads, lookup));
  for (let r = 1; r <= ROUNDS; r += 1) {
    const one = await timed(() => oneThread(lines, lookup));
    const two = await timed(() => handover(lines, threads, lookup));
    console.log(
      `  round ${r}: one thread ${rate(one)} lines/s (${one.cpuUs.toFixed(1)} µs of CPU a line); ` +
        `handover ${rate(two)} lines/s (${two.cpuUs.toFixed(1)} µs of CPU a line; ${Math.round(100 * two.threadShare)} % of the lines normalised by the thread; ` +
        `main thread busy counting ${Math.round((100 * two.busyMs) / two.ms)} % of the time)`,
    );
  }
}
