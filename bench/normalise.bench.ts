/**
 * `npm run bench -- normalise`: the producer's normaliser, raw line in -> event or skip reason out.
 *
 * Lines are X API v2 envelopes from the seeded synthetic world (70% carry hashtag entities, 30% leave the
 * hashtags to be found in the text), so runs compare. Each pass normalises every line once; the best of
 * PASSES is printed beside the median, in wall time and in this process's CPU time, because the machine
 * may be busy. Then the country lookup alone, over the accepted posts' points (cities, as real posts are):
 * cached by cell (country-cells.ts) against the point-in-polygon test for every point. Prints figures;
 * asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { normaliseLine, resultsOf } from '../producer/src/normalise/normalise';
import { createCountryLookup, type CountryLookup } from '../producer/src/normalise/country-lookup';
import { SyntheticWorld } from '../producer/src/sources/synthetic-world';
import { percentile } from './percentile';

const LINES = 100_000;
const PASSES = 7;
const START_MS = Date.UTC(2026, 0, 1);

export async function benchNormalise(): Promise<void> {
  const world = new SyntheticWorld({ seed: 7 });
  // One post a second of event time: the spacing does not matter to the normaliser.
  const lines = Array.from({ length: LINES }, (_, i) => JSON.stringify(world.next(START_MS + i * 1_000)));
  const lookup = createCountryLookup();
  // Warm-up, and the accepted posts' points for the lookup's own figures.
  const points: Array<[number, number]> = [];
  for (const line of lines) {
    for (const result of resultsOf(normaliseLine(line, lookup))) if (result.ok) points.push([result.event.lon, result.event.lat]);
  }
  const accepted = points.length;
  const rates: number[] = [];
  const cpuRates: number[] = [];
  for (let pass = 0; pass < PASSES; pass += 1) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    for (const line of lines) normaliseLine(line, lookup);
    const used = process.cpuUsage(cpu);
    rates.push(LINES / ((performance.now() - start) / 1_000));
    cpuRates.push(LINES / ((used.user + used.system) / 1e6));
  }
  rates.sort((a, b) => a - b);
  cpuRates.sort((a, b) => a - b);
  const rate = (n: number) => Math.round(n).toLocaleString('en');
  console.log(`normalise: ${LINES.toLocaleString('en')} synthetic v2 envelopes (seed 7), ${accepted.toLocaleString('en')} accepted`);
  console.log(`  normaliseLine: best ${rate(rates[PASSES - 1])} lines/s, median ${rate(percentile(rates, 50))} lines/s (${PASSES} passes)`);
  // CPU time counts only this process's own work (and its GC threads), which a busy machine disturbs less.
  console.log(`  per CPU second: best ${rate(cpuRates[PASSES - 1])} lines, median ${rate(percentile(cpuRates, 50))} lines`);
  benchCountryLookup(points, lookup, rate);
}

/** The country lookup over the accepted posts' points, cached by cell and not: best of PASSES each. */
function benchCountryLookup(points: Array<[number, number]>, lookup: CountryLookup, rate: (n: number) => string): void {
  const best = (countryAt: (lon: number, lat: number) => string | null) => {
    let fastest = 0;
    for (let pass = 0; pass < PASSES; pass += 1) {
      const start = performance.now();
      for (const [lon, lat] of points) countryAt(lon, lat);
      fastest = Math.max(fastest, points.length / ((performance.now() - start) / 1_000));
    }
    return fastest;
  };
  const plain = createCountryLookup({ cached: false });
  const cached = best((lon, lat) => lookup.countryAt(lon, lat));
  const tested = best((lon, lat) => plain.countryAt(lon, lat));
  console.log(
    `  country lookup, ${points.length.toLocaleString('en')} points: cached by cell ${rate(cached)}/s, every point tested ${rate(tested)}/s ` +
      `(${(cached / tested).toFixed(1)}x)`,
  );
}
