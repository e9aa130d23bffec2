/**
 * `npm run bench -- history`: kept history's figures (issue 13), on real files (`FileShelf` in a temporary
 * directory, deleted at the end), with posts of a 1M-tag Zipf(1.05) vocabulary from real cities in the world,
 * their country and their z6 cell (history-data.ts).
 * 1. Storage: one full-size hour (6,000 posts/s, 21.6M posts) as the keeper writes it, its rows and bytes,
 *    and the day extrapolated from it; the same measured on the 30-day shelf of item 2 at its scale.
 * 2. `at=` queries (trends top and rising, a tag's countries, a tag's 30-day timeline at 1h and 1d) on 30 days
 *    of hourly buckets and their days at `HISTORY_BENCH_SCALE` of the rate (default 0.01, 60 posts/s), p50
 *    and p99, with a cold cache (the keeper keeps no bucket: each query reads its files; the OS page cache
 *    is warm) and a warm one (the default 256 MB, after a pass of the same queries), while a timer in the
 *    same process counts posts into `OpenHours` at the scaled rate (its open hour filled with 30 minutes
 *    first). Then the world's top at 24h at full scale: the full-size hour's bucket written as 24 hours.
 * 3. Start-up: `HistoryKeeper.open` on the 30-day shelf (its index and tags file), and the first query.
 * 4. Export: `History.exportRows` as the CSV lines and the Parquet `/api/export` streams, for the world over a day at 1h and
 *    30 days at 1d: rows/s, MB/s, and resident memory's growth over the run (sampled every 20 ms).
 * `HISTORY_BENCH_FULL=0` leaves out the full-size parts; `HISTORY_BENCH_SECONDS` (default 8) bounds each query kind's timed run. Seeded; prints figures and
 * asserts nothing. Anchor: the issue's aim of at most 50 ms p99 a query on this machine.
 */
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as yieldToTimers } from 'node:timers/promises';
import { WORLD } from '../common/browser/api';
import { prng } from '../common/node/prng';
import { HourSummary, mergeSummaries, summaryOf } from '../map-server/src/core/history/hour-summary';
import { encodeSummary } from '../map-server/src/core/history/bucket-file';
import { HOUR_MS, OpenHours } from '../map-server/src/core/history/open-hours';
import { answerHistoryTagRegions, answerHistoryTrends, type HistorySource } from '../map-server/src/core/history/history-answers';
import { FileShelf } from '../map-server/src/history/bucket-shelf';
import { HistoryKeeper, type HistoryFeed } from '../map-server/src/history/history-keeper';
import { History, type HistoryRange } from '../map-server/src/history/history-service';
import { csvLines } from '../map-server/src/routes/export';
import { parquetChunks } from '../map-server/src/export/parquet-export';
import type { TrendEngine } from '../map-server/src/trend-engine';
import { FULL_RATE, HistoryData, VOCABULARY, tagKey } from './history-data';
import { gc, megabytes } from './memory';
import { percentile } from './percentile';

const SCALE = Number(process.env.HISTORY_BENCH_SCALE ?? 0.01);
const DAYS = 30;
const SECONDS = Number(process.env.HISTORY_BENCH_SECONDS ?? 8);
/** `HISTORY_BENCH_FULL=0` leaves out the full-size hour and the full-scale 24h (about a minute and 4 GB of disk). */
const FULL = process.env.HISTORY_BENCH_FULL !== '0';
const MAX_ASKS = 200;
/** Asks of each kind timed however long they take: a 30-day hourly timeline at scale 0.01 reads about 3 GB. */
const MIN_ASKS = 2;
/** Asks of each kind in the warm run, each asked once untimed first. */
const WARM_ASKS = 40;
/** Days generated for the 30-day shelf; the rest reuse them (`HISTORY_BENCH_DISTINCT_DAYS`). */
const DISTINCT_DAYS = Number(process.env.HISTORY_BENCH_DISTINCT_DAYS ?? 2);
const AIM_MS = 50;
const HOURS_PER_DAY = 24;
/** The first hour of the bench's history: 2026-01-01T00. */
const FIRST_HOUR = Date.UTC(2026, 0, 1) / HOUR_MS;
const END_HOUR = FIRST_HOUR + DAYS * HOURS_PER_DAY;
const hourName = (hour: number) => new Date(hour * HOUR_MS).toISOString().slice(0, 13);
const dayName = (day: number) => new Date(day * HOURS_PER_DAY * HOUR_MS).toISOString().slice(0, 10);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const count = (n: number) => Math.round(n).toLocaleString('en');
const silent = { warn: () => {} };

function dirBytes(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size;
  return bytes;
}

/** Writes a tags file of the whole vocabulary (ids in order), as 30 days of a 1M-tag vocabulary leave it. */
function writeTags(shelf: FileShelf): void {
  const lines: string[] = [];
  for (let id = 0; id < VOCABULARY; id += 1) lines.push(`${tagKey(id)}\t${tagKey(id)}\n`);
  shelf.appendTags(lines.join(''));
}

/** Item 1: a full-size hour written as the keeper writes it; the day extrapolated. */
function fullHour(data: HistoryData, dir: string): Uint8Array {
  const posts = FULL_RATE * 3_600;
  let started = performance.now();
  const tallies = data.hourTallies(FIRST_HOUR + 12, posts);
  const buildS = (performance.now() - started) / 1_000;
  started = performance.now();
  const summary = summaryOf(FIRST_HOUR + 12, 1, tallies);
  const bytes = encodeSummary(summary);
  const shelf = new FileShelf(dir);
  shelf.write(`hours/${hourName(FIRST_HOUR + 12)}.0.tmh`, bytes);
  const writeS = (performance.now() - started) / 1_000;
  const onDisk = dirBytes(dir);
  console.log(
    `\n1. storage, full size: one hour at ${count(FULL_RATE)} posts/s (${count(posts)} posts, ${summary.regions.length} regions: world, countries, z6 cells)`,
  );
  console.log(
    `   tallies built directly (not through OpenHours) in ${buildS.toFixed(1)} s; summaryOf + encode + FileShelf.write ${writeS.toFixed(1)} s`,
  );
  console.log(`   rows/hour ${count(summary.rows)}; bucket ${mb(onDisk)} on disk; ${(onDisk / summary.rows).toFixed(2)} bytes/row`);
  console.log(
    `   day, extrapolated: 24 hours x ${mb(onDisk)} = ${mb(24 * onDisk)}, plus the day bucket (at most 24 hours' rows: <= ${mb(24 * onDisk)}; see the measured day/hour ratio below)`,
  );
  return bytes;
}

/** How fast `OpenHours.add` counts posts, to say what counting a full hour through it would take. */
function openHoursRate(data: HistoryData): void {
  const open = new OpenHours();
  const random = prng(5);
  const posts = 300_000;
  const made = Array.from({ length: posts }, () => data.postOf(random, FIRST_HOUR));
  const started = performance.now();
  for (const post of made) open.add(FIRST_HOUR * HOUR_MS, post.regions, post.keys, post.keys, 0);
  const rate = posts / ((performance.now() - started) / 1_000);
  console.log(
    `   OpenHours.add: ${count(rate)} posts/s on ${count(posts)} posts of one hour: a full-size hour would take ~${((FULL_RATE * 3_600) / rate).toFixed(0)} s of a core`,
  );
}

/** A bucket's arrays under another start (a generated hour or day reused for a later one). */
const movedTo = (summary: HourSummary, startHour: number) =>
  new HourSummary(startHour, summary.hours, summary.regions, summary.posts, summary.rowStart, summary.ids, summary.counts, summary.byCount);

/**
 * Item 2's history: `DAYS` of hourly buckets at `SCALE`, and each day's bucket, written on a `FileShelf`.
 * `DISTINCT_DAYS` days are generated, and the days after them reuse their buckets in turn (written again
 * under their own hours): generating 720 hours would take most of the run.
 */
function buildShelf(data: HistoryData, dir: string): void {
  const shelf = new FileShelf(dir);
  const started = performance.now();
  writeTags(shelf);
  const generated: { hours: HourSummary[]; day: HourSummary }[] = [];
  for (let d = 0; d < DISTINCT_DAYS; d += 1) {
    const hours: HourSummary[] = [];
    for (let hour = FIRST_HOUR + d * HOURS_PER_DAY; hour < FIRST_HOUR + (d + 1) * HOURS_PER_DAY; hour += 1)
      hours.push(summaryOf(hour, 1, data.hourTallies(hour, FULL_RATE * 3_600 * SCALE)));
    generated.push({ hours, day: mergeSummaries(FIRST_HOUR + d * HOURS_PER_DAY, 24, hours) });
  }
  const generatedS = (performance.now() - started) / 1_000;
  let seq = 0;
  for (let d = 0; d < DAYS; d += 1) {
    const day = FIRST_HOUR / HOURS_PER_DAY + d;
    const { hours, day: merged } = generated[d % DISTINCT_DAYS];
    hours.forEach((summary, h) => {
      shelf.write(`hours/${hourName(day * HOURS_PER_DAY + h)}.${seq}.tmh`, encodeSummary(movedTo(summary, day * HOURS_PER_DAY + h)));
      seq += 1;
    });
    shelf.write(`days/${dayName(day)}.${seq - 1}.tmh`, encodeSummary(movedTo(merged, day * HOURS_PER_DAY)));
  }
  const hourRows =
    generated.reduce((sum, { hours }) => sum + hours.reduce((rows, summary) => rows + summary.rows, 0), 0) / (DISTINCT_DAYS * HOURS_PER_DAY);
  const dayRows = generated.reduce((sum, { day }) => sum + day.rows, 0) / DISTINCT_DAYS;
  const hourBytes = dirBytes(join(dir, 'hours')) / (DAYS * HOURS_PER_DAY);
  const dayBytes = dirBytes(join(dir, 'days')) / DAYS;
  console.log(
    `\n1b. storage at scale ${SCALE} (${count(FULL_RATE * SCALE)} posts/s): ${DISTINCT_DAYS} days generated (${generatedS.toFixed(0)} s), ` +
      `${DAYS} days written in ${((performance.now() - started) / 1_000).toFixed(0)} s`,
  );
  console.log(
    `   rows/hour ${count(hourRows)}; hour bucket ${mb(hourBytes)} (${(hourBytes / hourRows).toFixed(2)} bytes/row); day bucket ${mb(dayBytes)} ` +
      `(${count(dayRows)} rows, ${(dayRows / hourRows).toFixed(1)}x an hour's); per day on disk ${mb(24 * hourBytes + dayBytes)}; tags file ${mb(statSync(join(dir, 'tags.tsv')).size)}`,
  );
}

/** The engine's side for the keeper: open hours counted by a timer, and where the windows end. */
class Ingest implements HistoryFeed {
  readonly openHours = new OpenHours();
  windowsEndMs: number | null = null;
  posts = 0;
  private readonly random = prng(11);
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly data: HistoryData) {}

  displayOf(key: string): string {
    return key;
  }

  closeHours(): [] {
    return [];
  }

  add(n: number): void {
    for (let i = 0; i < n; i += 1) {
      // Event time runs at the scaled rate from half past the first open hour.
      const ts = END_HOUR * HOUR_MS + HOUR_MS / 2 + (this.posts * 1_000) / (FULL_RATE * SCALE);
      const post = this.data.postOf(this.random, END_HOUR);
      this.openHours.add(ts, post.regions, post.keys, post.keys, ts);
      this.windowsEndMs = ts;
      this.posts += 1;
    }
  }

  /** Counts posts every `tickMs` (or as soon as the thread is free) at the scaled rate by the clock, until `stop`. */
  start(tickMs = 20): void {
    const started = performance.now();
    const from = this.posts;
    this.timer = setInterval(() => this.add(from + Math.floor(((performance.now() - started) / 1_000) * FULL_RATE * SCALE) - this.posts), tickMs);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
  }
}

/** A query on a keeper and its service. */
type Ask = (keeper: HistoryKeeper, history: History) => unknown;

/** What the answers read, as `History` gives it (its answer cache left out: every ask is computed). */
function sourceOf(keeper: HistoryKeeper, preferDays: boolean): HistorySource {
  return {
    span: (fromHour, toHour, pick, options) => keeper.span(fromHour, toHour, pick, { ...options, preferDays }),
    get firstHour() {
      return keeper.firstHour;
    },
    get endMs() {
      return keeper.endMs;
    },
    dictionary: keeper.dictionary,
  };
}

/**
 * The seeded queries, `n` of each kind, `at=` a random hour of the 30 days (`recent`: of their last day,
 * whose buckets a warm cache holds).
 */
function asks(data: HistoryData, n: number, recent: boolean): { name: string; asks: Ask[] }[] {
  const random = prng(recent ? 19 : 17);
  const countries = data.busiestCountries(20);
  const hours = DAYS * HOURS_PER_DAY;
  const at = (window: number) => (recent ? END_HOUR - random.int(24) : FIRST_HOUR + window + random.int(hours - window + 1)) * HOUR_MS;
  const country = () => countries[Math.floor(random.next() ** 2 * countries.length)];
  const trends =
    (region: string, window: '24h' | '7d' | '30d', sort: 'top' | 'rising', atMs: number): Ask =>
    (keeper) =>
      answerHistoryTrends({ region, bbox: null, window, sort, limit: 10, atMs }, sourceOf(keeper, window === '30d'));
  const tag = () => tagKey(data.popularTag(random, 2_000));
  const timeline =
    (key: string, step: '1h' | '1d'): Ask =>
    (_, history) =>
      history.timeline({ region: WORLD, bbox: null }, key, { fromHour: FIRST_HOUR, toHour: END_HOUR, step });
  const kinds: { name: string; make: () => Ask }[] = [
    { name: 'trends top world 24h', make: () => trends(WORLD, '24h', 'top', at(24)) },
    { name: 'trends top country 24h', make: () => trends(country(), '24h', 'top', at(24)) },
    { name: 'trends top country 7d', make: () => trends(country(), '7d', 'top', at(168)) },
    { name: 'trends top world 30d (days)', make: () => trends(WORLD, '30d', 'top', at(hours - 24)) },
    { name: 'trends rising world 24h', make: () => trends(WORLD, '24h', 'rising', at(24)) },
    {
      name: 'tag regions 24h',
      make: () => {
        const [atMs, key] = [at(24), tag()];
        return (keeper) => answerHistoryTagRegions({ tag: key, window: '24h', limit: 20, atMs }, sourceOf(keeper, false));
      },
    },
    { name: 'timeline 30d at 1h, one tag', make: () => timeline(tag(), '1h') },
    { name: 'timeline 30d at 1d, one tag', make: () => timeline(tag(), '1d') },
  ];
  return kinds.map(({ name, make }) => ({ name, asks: Array.from({ length: n }, make) }));
}

function historyOn(dir: string, ingest: Ingest, cacheBytes?: number): { keeper: HistoryKeeper; history: History; loadMs: number } {
  const { keeper, load } = HistoryKeeper.open(new FileShelf(dir), { hourlyDays: DAYS, dailyDays: 365, cacheBytes }, silent);
  // The keeper reads the engine's open hours and end (HistoryFeed) and the service its closing: `Ingest` is both.
  return { keeper, history: new History(keeper, ingest as unknown as TrendEngine), loadMs: load.ms };
}

/**
 * Times each kind's asks on `keeper` for up to `SECONDS` (at least `MIN_ASKS`), yielding to the ingest timer
 * between asks. `warmFirst`: the kind's asks are first asked once untimed (as many as fit in `SECONDS`), and
 * those are timed, right after, so that no other kind's buckets push them out of the cache in between.
 */
async function timeQueries(
  keeper: HistoryKeeper,
  history: History,
  kinds: { name: string; asks: Ask[] }[],
  label: string,
  warmFirst = false,
): Promise<void> {
  for (const { name, asks: all } of kinds) {
    let list = all;
    if (warmFirst) {
      const warming = performance.now();
      list = all.filter((ask, i) => (i < MIN_ASKS || performance.now() - warming < SECONDS * 1_000 ? (ask(keeper, history), true) : false));
    }
    const times: number[] = [];
    const started = performance.now();
    for (const ask of list) {
      await yieldToTimers();
      const t = performance.now();
      ask(keeper, history);
      times.push(performance.now() - t);
      if (performance.now() - started > SECONDS * 1_000 && times.length >= MIN_ASKS) break;
    }
    times.sort((a, b) => a - b);
    const p99 = percentile(times, 99);
    console.log(
      `   ${label.padEnd(5)} ${name.padEnd(30)} n=${String(times.length).padStart(3)}  p50 ${percentile(times, 50).toFixed(1).padStart(8)} ms  ` +
        `p99 ${p99.toFixed(1).padStart(8)} ms  ${p99 <= AIM_MS ? 'within' : 'OVER'} ${AIM_MS} ms`,
    );
  }
}

/** Items 2 and 3 on the 30-day shelf. */
async function queries(data: HistoryData, dir: string): Promise<void> {
  const ingest = new Ingest(data);
  // The open hour half full, as it is at half past.
  ingest.add((FULL_RATE * SCALE * 3_600) / 2);
  gc();
  const { keeper, loadMs } = historyOn(dir, ingest);
  const first = performance.now();
  answerHistoryTrends({ region: WORLD, bbox: null, window: '24h', sort: 'top', limit: 10, atMs: END_HOUR * HOUR_MS }, sourceOf(keeper, false));
  console.log(
    `\n3. start-up on the ${DAYS}-day shelf (scale ${SCALE}): HistoryKeeper.open (index + tags file of ${count(VOCABULARY)} tags) ${loadMs.toFixed(0)} ms;`,
  );
  console.log(`   first query after it (cold: trends top world 24h, at= the last hour) ${(performance.now() - first).toFixed(0)} ms`);
  console.log(
    `\n2. at= queries on ${DAYS} days at scale ${SCALE}, under ingest: a 20 ms timer in this process counts ${count(FULL_RATE * SCALE)} posts/s into OpenHours ` +
      `(open hour started with ${count(ingest.posts)} posts); aim <= ${AIM_MS} ms p99; up to ${SECONDS} s a kind`,
  );
  ingest.start();
  const postsBefore = ingest.posts;
  const clock = performance.now();
  const cpu = process.cpuUsage();
  const cold = historyOn(dir, ingest, 1);
  await timeQueries(cold.keeper, cold.history, asks(data, MAX_ASKS, false), 'cold');
  const warm = historyOn(dir, ingest);
  await timeQueries(warm.keeper, warm.history, asks(data, WARM_ASKS, true), 'warm', true);
  ingest.stop();
  const seconds = (performance.now() - clock) / 1_000;
  console.log(
    `   ingest counted ${count((ingest.posts - postsBefore) / seconds)} posts/s over the ${seconds.toFixed(0)} s of queries (aimed: ${count(FULL_RATE * SCALE)})`,
  );
  const used = process.cpuUsage(cpu);
  console.log(
    `   this process had ${(((used.user + used.system) / 1e3 / (seconds * 1e3)) * 100).toFixed(0)} % of a core over them (other work on the machine takes the rest)`,
  );
  console.log(
    '   cold: at= any hour of the 30 days; the keeper keeps no bucket (cacheBytes 1): every query reads and decodes its files (OS page cache warm)',
  );
  console.log(
    `   warm: at= an hour of the last day; default 256 MB cache, each kind's asks (up to ${WARM_ASKS}, as many as fit in ${SECONDS} s) asked once untimed right before they are timed (spans larger than the cache are read again)`,
  );
}

/** Item 2 at full scale: the world's top at 24h over 24 copies of the full-size hour. */
async function fullDay(data: HistoryData, bytes: Uint8Array, dir: string): Promise<void> {
  const shelf = new FileShelf(dir);
  writeTags(shelf);
  for (let hour = FIRST_HOUR; hour < FIRST_HOUR + 24; hour += 1) shelf.write(`hours/${hourName(hour)}.${hour - FIRST_HOUR}.tmh`, bytes);
  const ingest = new Ingest(data);
  ingest.windowsEndMs = (FIRST_HOUR + 24) * HOUR_MS;
  const { keeper } = historyOn(dir, ingest);
  const times: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    gc();
    const t = performance.now();
    answerHistoryTrends(
      { region: WORLD, bbox: null, window: '24h', sort: 'top', limit: 10, atMs: (FIRST_HOUR + 24 - i) * HOUR_MS },
      sourceOf(keeper, false),
    );
    times.push(performance.now() - t);
  }
  console.log(
    `\n2b. full scale: trends top world 24h over 24 copies of the full-size hour (${mb(bytes.length)} each), default 256 MB cache, no ingest:`,
  );
  console.log(`   ${times.map((t) => `${t.toFixed(0)} ms`).join(', ')} (aim <= ${AIM_MS} ms)`);
}

/** Item 4: the export's CSV lines, streamed as /api/export streams them. */
async function exports(data: HistoryData, dir: string): Promise<void> {
  console.log(`\n4. export of the world as CSV and Parquet (History.exportRows -> routes/export.ts's chunks), scale ${SCALE}, default cache:`);
  const ingest = new Ingest(data);
  ingest.windowsEndMs = END_HOUR * HOUR_MS;
  const ranges: { name: string; range: HistoryRange }[] = [
    { name: 'a day at 1h', range: { fromHour: END_HOUR - 24, toHour: END_HOUR, step: '1h' } },
    { name: `${DAYS} days at 1d`, range: { fromHour: FIRST_HOUR, toHour: END_HOUR, step: '1d' } },
  ];
  for (const [format, { name, range }] of (['csv', 'parquet'] as const).flatMap((f) => ranges.map((r) => [f, r] as const))) {
    const { history } = historyOn(dir, ingest);
    gc();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    let rows = 0;
    let bytes = 0;
    const steps = (function* () {
      for (const step of history.exportRows({ region: WORLD, bbox: null }, null, range)) {
        rows += step.length;
        yield step;
      }
    })();
    const chunks = format === 'csv' ? csvLines(steps, WORLD) : parquetChunks(steps, WORLD);
    const sink = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        bytes += chunk.length;
        peak = Math.max(peak, process.memoryUsage().rss);
        done();
      },
    });
    const started = performance.now();
    await pipeline(Readable.from(chunks), sink);
    const seconds = (performance.now() - started) / 1_000;
    clearInterval(sampler);
    console.log(
      `   ${format.padEnd(8)} ${name.padEnd(14)} ${count(rows)} rows, ${mb(bytes)} in ${seconds.toFixed(1)} s: ${count(rows / seconds)} rows/s, ${(bytes / 1e6 / seconds).toFixed(1)} MB/s; ` +
        `RSS ${megabytes(before)} -> peak ${megabytes(peak)} (+${megabytes(peak - before)})`,
    );
  }
}

export async function benchHistory(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'trendmap-history-bench-'));
  try {
    console.log(`\nhistory: 1M-tag Zipf(1.05), 1.5 tags a post, posts from real cities (world, country, z6 cell); files under ${root}`);
    const data = new HistoryData();
    console.log(`   ${data.places.length} places in ${data.countries.length} countries`);
    const bytes = FULL ? fullHour(data, join(root, 'full-hour')) : null;
    openHoursRate(data);
    buildShelf(data, join(root, 'month'));
    gc();
    await queries(data, join(root, 'month'));
    gc();
    await exports(data, join(root, 'month'));
    rmSync(join(root, 'month'), { recursive: true, force: true });
    if (bytes !== null) await fullDay(data, bytes, join(root, 'full-day'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
