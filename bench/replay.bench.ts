/**
 * `npm run bench -- replay`: replaying archives as fast as possible.
 *
 * - Throughput: the same generated archive (REPLAY_BENCH_LINES lines, default 200,000) as `.jsonl`, `.gz`,
 *   `.bz2`, and a `.tar` of `.bz2` members (TAR_MEMBERS per-minute files, like the Stream Grab's), (a) into the embedded server (one process, in-process bus), timed until the producer has
 *   read everything, and (b) into Kafka (a throwaway broker, or KAFKA_BROKERS; producer and map-server as
 *   separate processes), timed until the map-server has counted every accepted post. The embedded part
 *   also replays the same posts as twarc2 pages (`posts.pages.jsonl`, 100 posts a line, no notices): its
 *   accepted/s compares with the others', its lines/s does not.
 * - Memory: a large archive (REPLAY_BENCH_RSS_MB, default 1024 MB of `.jsonl` in a Twitter-Stream-Grab
 *   layout) replayed by `npm start` with `--speed max`; the process's RSS is sampled every second.
 *
 * - Lean (issue 14): REPLAY_BENCH_LINES all-accepted v2 posts as `.jsonl`; `JSON.parse` alone over the file's
 *   lines beside the embedded replay of the file, timed from the first read until the map-server has counted
 *   every post, and the ratio of their rates (the aim: the replay at 0.5x `JSON.parse` or more). Also
 *   `normaliseLine` alone over the same lines, to show where the time goes.
 *
 * REPLAY_BENCH_PARTS=memory (or throughput, or lean) runs one part only. The embedded replays of the
 * throughput and lean parts run with the producer's normalising thread (normalise-thread.ts, which `npm start`
 * uses at `--speed max`) and without it, one after the other; REPLAY_BENCH_NORMALISE_THREAD=on (or off) runs
 * only one of the two. The memory part runs `npm start`, with the thread.
 *
 * Lines are X API v2 envelopes from the synthetic world (`archive-lines.ts`), mixed like a real sample
 * stream: 30% posts with a place, 60% posts without (skipped `no_location`), 10% delete notices. Timestamps
 * span REPLAY_BENCH_SPAN_H hours (default 48) so that the 24 h window expires data during the replay. Prints
 * figures; asserts nothing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { parseConfig } from '../common/node/config';
import { startEmbedded } from '../app/embedded';
import { normaliseLine, resultsOf } from '../producer/src/normalise/normalise';
import { createCountryLookup } from '../producer/src/normalise/country-lookup';
import { isReplaySource } from '../producer/src/sources/replay';
import { NORMALISE_THREADS } from '../producer/src/normalise-thread';
import { percentile } from './percentile';
import { startTestBroker, type TestBroker } from '../scripts/kafka-test-broker';
import { freePort, health, runService, stopServices, uniqueTopic, until } from '../test/kafka/services';
import { logMessages, SUMMARY_LOG_ENV } from './log-messages';
import { gc, megabytes } from './memory';
import { templates, writeLines, type Template } from './archive-lines';
import { pass as ingestPass } from './ingest.bench';
import type { GeoEvent } from '../common/node/event';

const root = fileURLToPath(new URL('..', import.meta.url));
const LINES = Number(process.env.REPLAY_BENCH_LINES ?? 200_000);
const RSS_BYTES = Number(process.env.REPLAY_BENCH_RSS_MB ?? 1024) * 1024 * 1024;
const SPAN_MS = Number(process.env.REPLAY_BENCH_SPAN_H ?? 48) * 3_600_000;
/** Extra Node flags for the measured `npm start` process, e.g. `--max-semi-space-size=4`. */
const NODE_FLAGS = (process.env.REPLAY_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
/**
 * Time span of the throughput archive, in ms. Short: through Kafka, posts of different countries arrive
 * out of order across partitions, and over a long span one partition's lag would make others' posts stale.
 */
const THROUGHPUT_SPAN_MS = 3_600_000;
/** Members of the throughput `.tar`: about an hour of a Stream Grab day cut into minutes. */
const TAR_MEMBERS = 50;
/** Lines per file of the memory archive: about a minute of a sample stream, like the Stream Grab's files. */
const LINES_PER_FILE = 50_000;
/** Posts per page of the twarc2-like file: a v2 search answers up to 100 (500 for the full archive). */
const PAGE_POSTS = 100;
const RSS_SAMPLE_MS = 1_000;
/** Which parts to run: `throughput`, `memory`, `lean`, comma-separated; by default all three. */
const PARTS = new Set((process.env.REPLAY_BENCH_PARTS ?? 'throughput,memory,lean').split(',').map((p) => p.trim()));
/** Passes of `JSON.parse` and of `normaliseLine` over the lean file's lines; the best and the median are printed. */
const LEAN_PASSES = 5;
/** The producer's own setting, put back after the lean replays. */
const NORMALISE_THREADS_DEFAULT = NORMALISE_THREADS.enabled;
/** Embedded replays of the lean file, each in a fresh server (the same process: the code is warm after the first). */
const LEAN_RUNS = 3;
/** Whether the lean replays run with the normalising thread (`true`), without it (`false`), or both ways, alternating. */
const NORMALISE_THREAD_MODES: boolean[] =
  process.env.REPLAY_BENCH_NORMALISE_THREAD === 'on' ? [true] : process.env.REPLAY_BENCH_NORMALISE_THREAD === 'off' ? [false] : [true, false];

/** Runs `run` once in each of the thread modes, the process's threads turned on or off for it, then as they were. */
async function inEachThreadMode(run: (mode: boolean, first: boolean) => Promise<void>): Promise<void> {
  try {
    for (const [index, mode] of NORMALISE_THREAD_MODES.entries()) {
      NORMALISE_THREADS.enabled = mode;
      await run(mode, index === 0);
    }
  } finally {
    NORMALISE_THREADS.enabled = NORMALISE_THREADS_DEFAULT;
  }
}

const perS = (n: number, ms: number) => Math.round(n / (ms / 1_000)).toLocaleString('en-US');

/** One embedded replay of `file`: wall time and this process's CPU time (all its threads), in ms. */
async function embeddedRun(file: string): Promise<{ ms: number; cpuMs: number; lines: number; accepted: number }> {
  const parsed = parseConfig(['--source', 'replay', '--file', file, '--speed', 'max'], { PORT: '0', LOG_LEVEL: 'silent', TILE_URL: '' });
  if (parsed.help) throw new Error('unexpected help');
  const start = performance.now();
  const cpu = process.cpuUsage();
  const embedded = await startEmbedded(parsed.config, { staticDir: null });
  const stats = await embedded.producer.done;
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  await embedded.close();
  return { ms, cpuMs: (used.user + used.system) / 1_000, lines: stats.lines, accepted: stats.accepted };
}

/**
 * One embedded replay of `file`: from the replay's first read until the producer is done and the map-server
 * has counted every post it read (on the in-process bus delivery is synchronous, so by then it has; checked).
 * `startMs`: the server's and producer's start-up, before the first read, which a longer file would not repeat.
 */
async function leanRun(file: string): Promise<{ ms: number; startMs: number; cpuMs: number; read: number; counted: number }> {
  const parsed = parseConfig(['--source', 'replay', '--file', file, '--speed', 'max'], { PORT: '0', LOG_LEVEL: 'silent', TILE_URL: '' });
  if (parsed.help) throw new Error('unexpected help');
  const begin = Date.now();
  const cpu = process.cpuUsage();
  const embedded = await startEmbedded(parsed.config, { staticDir: null });
  const stats = await embedded.producer.done;
  const { engine } = embedded.server;
  const counted = engine.acceptedCount + Object.values(engine.skips()).reduce((sum, n) => sum + n, 0);
  const end = Date.now();
  const used = process.cpuUsage(cpu);
  const source = embedded.producer.source;
  const firstRead = isReplaySource(source) ? (source.progress.startedAt ?? begin) : begin;
  await embedded.close();
  if (counted !== stats.read) throw new Error(`the map-server counted ${counted} of ${stats.read} posts read`);
  return {
    ms: end - firstRead,
    startMs: firstRead - begin,
    cpuMs: (used.user + used.system) / 1_000,
    read: stats.read,
    counted: engine.acceptedCount,
  };
}

/** Best and median lines/s of `passes` passes of `each` over `lines`, after one pass to warm up. */
function passRates(lines: readonly string[], passes: number, each: (line: string) => unknown): { best: number; median: number; bestCpu: number } {
  for (const line of lines) each(line);
  const rates: number[] = [];
  const cpuRates: number[] = [];
  for (let pass = 0; pass < passes; pass += 1) {
    gc();
    const start = performance.now();
    const cpu = process.cpuUsage();
    for (const line of lines) each(line);
    const used = process.cpuUsage(cpu);
    rates.push(lines.length / ((performance.now() - start) / 1_000));
    cpuRates.push(lines.length / ((used.user + used.system) / 1e6));
  }
  rates.sort((a, b) => a - b);
  return { best: rates[rates.length - 1], median: percentile(rates, 50), bestCpu: Math.max(...cpuRates) };
}

/**
 * The most the embedded replay could reach, whatever else were free: every line parsed and normalised
 * (`JSON.parse`'s and `normaliseLine`'s best rates) and its post counted (`TrendEngine.ingestEvent`, timed here
 * over the lines' events, made before each pass, each pass into a new engine as `npm run bench -- ingest`
 * times them; the best is taken). On one thread, parsing and counting alone take one over the sum of their
 * times; on two (normalising on one, counting on the other, handing over free) the slower of the two.
 */
function printThreadBounds(lines: readonly string[], parseBest: number, normaliseBest: number, lookup: ReturnType<typeof createCountryLookup>): void {
  let countBest = 0;
  for (let run = 0; run <= LEAN_RUNS; run += 1) {
    const events: GeoEvent[] = [];
    for (const line of lines) for (const result of resultsOf(normaliseLine(line, lookup))) if (result.ok) events.push(result.event);
    gc();
    const { ms, accepted } = ingestPass(events);
    if (accepted !== lines.length) throw new Error(`${accepted} of ${lines.length} posts counted`);
    // The first pass warms the engine's code up.
    if (run > 0) countBest = Math.max(countBest, accepted / (ms / 1_000));
  }
  const oneThread = 1 / (1 / parseBest + 1 / countBest);
  const twoThreads = Math.min(normaliseBest, countBest);
  const rate = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`  ingestEvent alone:   best ${rate(countBest).padStart(9)} posts/s (${LEAN_RUNS} passes, each into a new engine)`);
  console.log(
    `  bounds, with nothing else: one thread parsing and counting ${rate(oneThread)} lines/s (${(oneThread / parseBest).toFixed(2)}x JSON.parse); ` +
      `two threads, normalising on one and counting on the other ${rate(twoThreads)} lines/s (${(twoThreads / parseBest).toFixed(2)}x)`,
  );
}

async function lean(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trendmap-bench-lean-'));
  try {
    const file = join(dir, 'accepted.jsonl');
    const bytes = await writeLines(file, templates('placed'), 0, LINES, LINES, THROUGHPUT_SPAN_MS);
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
    console.log(`replay lean: ${LINES.toLocaleString('en-US')} all-accepted v2 posts, ${megabytes(bytes)} of .jsonl`);
    const parse = passRates(lines, LEAN_PASSES, (line) => JSON.parse(line));
    const rate = (n: number) => Math.round(n).toLocaleString('en-US');
    console.log(
      `  JSON.parse alone:    best ${rate(parse.best).padStart(9)} lines/s, median ${rate(parse.median).padStart(9)} (${LEAN_PASSES} passes over the file's lines; best ${rate(parse.bestCpu)} per CPU second)`,
    );
    const lookup = createCountryLookup();
    const normalise = passRates(lines, LEAN_PASSES, (line) => normaliseLine(line, lookup));
    console.log(
      `  normaliseLine alone: best ${rate(normalise.best).padStart(9)} lines/s, median ${rate(normalise.median).padStart(9)} (best ${rate(normalise.bestCpu)} per CPU second)`,
    );
    printThreadBounds(lines, parse.best, normalise.best, lookup);
    const runs = new Map<boolean, number[]>(NORMALISE_THREAD_MODES.map((mode) => [mode, []]));
    const how = (mode: boolean) => (mode ? 'with the normalising thread' : 'on the main thread');
    for (let run = 0; run < LEAN_RUNS; run += 1) {
      await inEachThreadMode(async (mode) => {
        const linesBefore = NORMALISE_THREADS.linesAnswered;
        gc();
        const { ms, startMs, cpuMs, read, counted } = await leanRun(file);
        runs.get(mode)!.push(read / (ms / 1_000));
        const share = mode
          ? `; ${Math.round((100 * (NORMALISE_THREADS.linesAnswered - linesBefore)) / read)} % of the lines normalised by the thread`
          : '';
        // CPU time, which a busy machine disturbs less than wall time: this process's threads, start-up included.
        console.log(
          `  embedded replay ${run + 1}, ${how(mode)}: ${(ms / 1_000).toFixed(2)} s from the first read to ${counted.toLocaleString('en-US')} counted: ` +
            `${rate(read / (ms / 1_000)).padStart(9)} lines/s (start-up before it ${startMs} ms; ${rate(read / (cpuMs / 1_000))} lines per CPU second, start-up included${share})`,
        );
      });
    }
    for (const [mode, rates] of runs) {
      rates.sort((a, b) => a - b);
      const best = rates[rates.length - 1];
      const median = percentile(rates, 50);
      console.log(
        `  embedded ${how(mode)}${mode === NORMALISE_THREADS_DEFAULT ? ' (the default)' : ''} / JSON.parse: best ${(best / parse.best).toFixed(2)}x (${rate(best)} / ${rate(parse.best)} lines/s), ` +
          `median ${(median / parse.median).toFixed(2)}x (${rate(median)} / ${rate(parse.median)})`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function kafkaRun(brokers: string, file: string, accepted: number): Promise<{ ms: number; producerMs: number; ingested: number }> {
  const env = { KAFKA_BROKERS: brokers, KAFKA_TOPIC: uniqueTopic('bench-replay') };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = runService('map-server', [], { ...env, PORT: String(port), LOG_LEVEL: 'error' });
  await until(async () => ((await health(url)).status === 'ok' ? true : undefined), `the map-server\n${server.output()}`, 180_000);
  const start = performance.now();
  const producer = runService('producer', ['--source', 'replay', '--file', file, '--speed', 'max'], env);
  const producerDone = producer.exited.then(() => performance.now());
  // Counted or refused (a duplicate, or stale when partitions run far apart): every accepted post is seen.
  const seen = async () => {
    const h = await health(url);
    return h.ingested + Object.values(h.skipped).reduce((sum, n) => sum + n, 0) >= accepted ? h : undefined;
  };
  const last = await until(seen, `every post counted\n${producer.output()}`, 900_000);
  const ms = performance.now() - start;
  const producerMs = (await producerDone) - start;
  await stopServices(server);
  return { ms, producerMs, ingested: last.ingested };
}

async function throughput(pool: Template[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trendmap-bench-replay-'));
  try {
    const plain = join(dir, 'posts.jsonl');
    const bytes = await writeLines(plain, pool, 0, LINES, LINES, THROUGHPUT_SPAN_MS);
    await pipeline(createReadStream(plain), createGzip(), createWriteStream(`${plain}.gz`));
    const bzip2 = spawnSync('bzip2', ['-k', '-9', plain]);
    const tar = bzip2.status === 0 ? await tarOfMinutes(dir, pool) : null;
    const files = [plain, `${plain}.gz`, ...(bzip2.status === 0 ? [`${plain}.bz2`] : []), ...(tar === null ? [] : [tar])];
    if (bzip2.status !== 0) console.log('  (bzip2 is not installed: no .bz2 or .tar figures; apt-get install bzip2)');
    console.log(`replay: ${LINES.toLocaleString('en-US')} lines, ${megabytes(bytes)} of .jsonl`);

    const accepted: Record<string, number> = {};
    const ways =
      NORMALISE_THREAD_MODES.length === 2
        ? 'with the normalising thread and without, one after the other'
        : NORMALISE_THREAD_MODES[0]
          ? 'with the normalising thread'
          : 'without the normalising thread';
    console.log(`  (a) embedded, in-process bus, each file ${ways}:`);
    // The same posts as twarc2 saves a search: pages of 100 (embedded only; accepted/s compares with the others).
    for (const file of [...files, pagesOf(plain, join(dir, 'posts.pages.jsonl'))]) {
      await inEachThreadMode(async (_mode, first) => {
        const run = await embeddedRun(file);
        accepted[file] = run.accepted;
        const name = first ? file.slice(dir.length + 1) : '  without';
        console.log(
          `    ${name.padEnd(17)} ${(run.ms / 1_000).toFixed(1).padStart(5)} s: ` +
            `${perS(run.lines, run.ms).padStart(9)} lines/s, ${perS(run.accepted, run.ms).padStart(8)} accepted/s (${run.accepted.toLocaleString('en-US')} accepted; ` +
            `${(run.cpuMs / 1_000).toFixed(1)} s CPU, which a busy machine disturbs less than wall time)`,
        );
      });
    }

    const external = process.env.KAFKA_BROKERS?.trim();
    let broker: TestBroker | null;
    try {
      broker = external ? null : await startTestBroker();
    } catch (error) {
      console.log(`  (b) Kafka: skipped, no broker could be started: ${(error as Error).message.split('\n')[0]}`);
      return;
    }
    try {
      console.log(`  (b) Kafka (${external ?? 'throwaway broker'}), producer and map-server as processes, until the map-server counted all:`);
      for (const file of files) {
        const run = await kafkaRun(external || broker!.brokers, file, accepted[file]);
        console.log(
          `    ${file.slice(dir.length + 1).padEnd(17)} ${(run.ms / 1_000).toFixed(1).padStart(5)} s: ` +
            `${perS(LINES, run.ms).padStart(9)} lines/s, ${perS(accepted[file], run.ms).padStart(8)} accepted/s (${run.ingested.toLocaleString('en-US')} counted; producer exited after ${(run.producerMs / 1_000).toFixed(1)} s)`,
        );
      }
    } finally {
      await broker?.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The posts of a `.jsonl` of v2 envelopes as API pages, `PAGE_POSTS` a line (`{"data": [...], "includes":
 * {"places": [...]}, "meta": {...}}`, as `twarc2 search` writes them); notices are left out, as a search has
 * none. Returns its path.
 */
function pagesOf(plain: string, path: string): string {
  const pages: string[] = [];
  let page: { data: unknown[]; places: Map<string, unknown> } = { data: [], places: new Map() };
  const flush = () => {
    if (page.data.length === 0) return;
    const includes = page.places.size === 0 ? {} : { includes: { places: [...page.places.values()] } };
    pages.push(JSON.stringify({ data: page.data, ...includes, meta: { result_count: page.data.length } }));
    page = { data: [], places: new Map() };
  };
  for (const line of readFileSync(plain, 'utf8').split('\n')) {
    if (!line.startsWith('{"data":')) continue;
    const envelope = JSON.parse(line) as { data: unknown; includes?: { places?: Array<{ id: string }> } };
    page.data.push(envelope.data);
    for (const place of envelope.includes?.places ?? []) page.places.set(place.id, place);
    if (page.data.length === PAGE_POSTS) flush();
  }
  flush();
  writeFileSync(path, `${pages.join('\n')}\n`);
  return path;
}

/**
 * The throughput archive's lines as a Stream Grab tar: TAR_MEMBERS members `2023/03/01/00/MM.json.bz2`
 * (bzip2 -9, as the Internet Archive's), made by the system's `tar`; returns its path.
 */
async function tarOfMinutes(dir: string, pool: Template[]): Promise<string> {
  const tree = join(dir, 'tar-tree');
  const names: string[] = [];
  for (let n = 0; n < TAR_MEMBERS; n += 1) {
    const first = Math.floor((n * LINES) / TAR_MEMBERS);
    const name = `2023/03/01/00/${String(n).padStart(2, '0')}.json`;
    await writeLines(join(tree, name), pool, first, Math.floor(((n + 1) * LINES) / TAR_MEMBERS) - first, LINES, THROUGHPUT_SPAN_MS);
    spawnSync('bzip2', ['-9', join(tree, name)]);
    names.push(`${name}.bz2`);
  }
  const tar = join(dir, 'posts.tar');
  spawnSync('tar', ['-cf', tar, '-C', tree, ...names]);
  return tar;
}

/** Writes a Stream-Grab-like tree (`HH/MM.jsonl`) of about RSS_BYTES; returns its directory and size. */
async function largeArchive(pool: Template[]): Promise<{ dir: string; bytes: number; lines: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'trendmap-bench-rss-'));
  const lineBytes = pool.slice(0, 1_000).reduce((sum, [a, b, c]) => sum + a.length + b.length + c.length + 45, 0) / 1_000;
  const lines = Math.round(RSS_BYTES / lineBytes);
  let bytes = 0;
  for (let first = 0, n = 0; first < lines; first += LINES_PER_FILE, n += 1) {
    const name = `2023/03/01/${String(Math.floor(n / 60)).padStart(2, '0')}/${String(n % 60).padStart(2, '0')}.jsonl`;
    bytes += await writeLines(join(dir, name), pool, first, Math.min(LINES_PER_FILE, lines - first), lines, SPAN_MS);
  }
  return { dir, bytes, lines };
}

/** Replays `dir` with `npm start --speed max`, sampling RSS; returns the samples, duration and output. */
async function sampledReplay(dir: string, settleMs = 100): Promise<{ samples: number[]; ms: number; output: string }> {
  const child = spawn(process.execPath, [...NODE_FLAGS, 'dist/server/start.mjs', '--source', 'replay', '--file', dir, '--speed', 'max'], {
    cwd: root,
    env: { ...process.env, PORT: '0', ...SUMMARY_LOG_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const samples: number[] = [];
  const start = performance.now();
  const timer = setInterval(() => {
    try {
      samples.push(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024);
    } catch {
      // exited
    }
  }, RSS_SAMPLE_MS);
  await until(async () => (/replay (finished|stopped)/.test(output) ? true : undefined), `the replay to finish\n${output.slice(-2_000)}`, 3_600_000);
  const ms = performance.now() - start;
  await new Promise((r) => setTimeout(r, settleMs)); // the rest of the summary (and, idle, a few samples)
  clearInterval(timer);
  child.kill('SIGTERM');
  await exited;
  return { samples, ms, output };
}

async function peakRss(pool: Template[]): Promise<void> {
  const archive = await largeArchive(pool);
  try {
    console.log(
      `replay memory: ${megabytes(archive.bytes)} (${archive.lines.toLocaleString('en-US')} lines over ${SPAN_MS / 3_600_000} h) -> npm start --speed max, RSS every ${RSS_SAMPLE_MS / 1_000} s`,
    );
    // The same process on a 40-line archive: what the server and the border index take before any replay.
    const idle = await sampledReplay(join(root, 'test/fixtures/archive/good'), 3_000);
    const { samples, ms, output } = await sampledReplay(archive.dir);
    const sorted = [...samples].sort((a, b) => a - b);
    const at = (share: number) => megabytes(sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0);
    console.log(
      `  peak RSS ${at(1)} (median ${at(0.5)}, ${samples.length} samples) over ${(ms / 1_000).toFixed(0)} s; ${perS(archive.lines, ms)} lines/s; ` +
        `baseline (same process, 40-line archive) peak ${megabytes(Math.max(...idle.samples))}`,
    );
    for (const line of logMessages(output).filter((l) => /^ {0,2}(replay| {2})/.test(l) && !l.includes('replay: file'))) console.log(`  | ${line}`);
  } finally {
    rmSync(archive.dir, { recursive: true, force: true });
  }
}

export async function benchReplay(): Promise<void> {
  // In this process, from the sources, like `embeddedRun`: it needs no build.
  if (PARTS.has('lean')) await lean();
  if (!PARTS.has('throughput') && !PARTS.has('memory')) return;
  // The services and the memory run use the built entry points, as `npm start` and `npm run producer` do.
  spawnSync(process.execPath, ['scripts/ensure-build.mjs'], { cwd: root, stdio: 'inherit' });
  const pool = templates();
  if (PARTS.has('throughput')) await throughput(pool);
  if (PARTS.has('memory')) await peakRss(pool);
}
