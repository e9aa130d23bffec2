/**
 * `npm run bench -- ingest`: the map-server's side of the embedded replay (issue 14), `TrendEngine.ingestEvent`
 * alone. The replay bench's lean archive (REPLAY_BENCH_LINES all-accepted v2 posts, default 200,000, over one
 * hour of event time from the seeded synthetic world: about 160 countries, 1–3 tags a post from about 1,300,
 * points) is normalised before each pass, so every pass counts fresh events with fresh strings, as a replay
 * does; only the counting is timed, into a new engine with the default options, arriving a day after the
 * archive (not live, as a replay at full speed). One pass warms up; then INGEST_BENCH_PASSES (default 5) are
 * timed, each after a full collection, in wall time and in this process's CPU time (the machine may be busy).
 * Prints events/s and µs an event, the best and the median; asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { normaliseLine, resultsOf } from '../producer/src/normalise/normalise';
import { createCountryLookup } from '../producer/src/normalise/country-lookup';
import { TrendEngine } from '../map-server/src/trend-engine';
import type { GeoEvent } from '../common/node/event';
import { ARCHIVE_START_MS, lineAt, templates } from './archive-lines';
import { percentile } from './percentile';
import { gc } from './memory';

const LINES = Number(process.env.REPLAY_BENCH_LINES ?? 200_000);
const PASSES = Number(process.env.INGEST_BENCH_PASSES ?? 5);
/** The lean archive's span of event time (replay.bench.ts `THROUGHPUT_SPAN_MS`), in ms. */
const SPAN_MS = 3_600_000;
/** When every post arrives: a day after the archive starts, so none is live (ms since the epoch). */
export const ARRIVAL_MS = ARCHIVE_START_MS + 24 * 3_600_000;

/** The lean archive's events, normalised from its lines as `writeLines` writes them (in memory, not on disk). */
function leanEvents(pool: ReturnType<typeof templates>, lookup: ReturnType<typeof createCountryLookup>): GeoEvent[] {
  const events: GeoEvent[] = [];
  for (let i = 0; i < LINES; i += 1) {
    for (const result of resultsOf(normaliseLine(lineAt(pool, i, LINES, SPAN_MS), lookup))) {
      if (result.ok) events.push(result.event);
    }
  }
  return events;
}

/** One pass: `events` counted into a new engine; wall and CPU time in ms. */
export function pass(events: readonly GeoEvent[]): { ms: number; cpuMs: number; accepted: number } {
  const engine = new TrendEngine();
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (const event of events) engine.ingestEvent(event, ARRIVAL_MS);
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1_000, accepted: engine.acceptedCount };
}

export async function benchIngest(): Promise<void> {
  const pool = templates('placed');
  const lookup = createCountryLookup();
  console.log(
    `ingest: TrendEngine.ingestEvent over the lean replay's ${LINES.toLocaleString('en-US')} all-accepted posts (1 h of event time, seed 11)`,
  );
  const rates: number[] = [];
  const cpuRates: number[] = [];
  for (let run = 0; run <= PASSES; run += 1) {
    const events = leanEvents(pool, lookup);
    gc();
    const { ms, cpuMs, accepted } = pass(events);
    if (accepted !== events.length) throw new Error(`${accepted} of ${events.length} events accepted`);
    const perEventUs = (ms * 1_000) / events.length;
    console.log(
      `  ${run === 0 ? 'warm-up' : `pass ${run}`}: ${Math.round(events.length / (ms / 1_000)).toLocaleString('en-US')} events/s, ` +
        `${perEventUs.toFixed(2)} µs an event (${ms.toFixed(0)} ms; CPU ${((cpuMs * 1_000) / events.length).toFixed(2)} µs an event)`,
    );
    if (run === 0) continue;
    rates.push(events.length / (ms / 1_000));
    cpuRates.push(events.length / (cpuMs / 1_000));
  }
  rates.sort((a, b) => a - b);
  cpuRates.sort((a, b) => a - b);
  const us = (rate: number) => (1e6 / rate).toFixed(2);
  const best = rates[rates.length - 1];
  const median = percentile(rates, 50);
  console.log(
    `  best ${Math.round(best).toLocaleString('en-US')} events/s (${us(best)} µs an event), median ${Math.round(median).toLocaleString('en-US')} (${us(median)} µs); ` +
      `CPU best ${us(cpuRates[cpuRates.length - 1])} µs, median ${us(percentile(cpuRates, 50))} µs an event (${PASSES} passes)`,
  );
}
