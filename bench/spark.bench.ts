/**
 * `npm run bench -- spark`: trendmap against the Spark Streaming approach it replaces (issue 14), on the same
 * archive, the same feed and the same two cores. Prints figures; asserts nothing.
 *
 * - The archive: SPARK_BENCH_LINES lines (default 200,000) from `archive-lines.ts`, mixed as SPARK_BENCH_MIX
 *   says: `placed` (the default: every line a post with a place and hashtags, so both count every line) or
 *   `sample` (the replay bench's mix, 30% of lines counted). Event times span one hour: trendmap's windows
 *   end at the newest post, so its 24 h window holds every post, as Spark's running totals do.
 * - The feed, the same for both: this process hands the archive over 64 KB at a time as fast as the reader
 *   takes it (waiting whenever the write buffer is full), and notes when each line went.
 * - trendmap: `spark/trendmap-side.ts`, bundled, as a process of its own: the embedded server replaying
 *   `--speed max` from a named pipe it is fed through. A post is counted when the engine accepts it.
 * - Spark: `spark/trends_streaming.py`, the tutorial's pipeline (socketTextStream, 2 s batches,
 *   updateStateByKey, the top 10 by Spark SQL) on `local[2]`, fed over TCP; pyspark as pinned in
 *   `spark/requirements.txt`, in a venv at SPARK_BENCH_VENV (default <tmpdir>/trendmap-spark-venv, made and
 *   filled on first use; without Java, Python or the package it says why and stops). A line is counted when
 *   the batch that received it has its top 10. Its receiver takes lines as fast as they come (no
 *   backpressure, as in the tutorial), so the batches queue up behind the first: the latency is that queue.
 *   SPARK_BENCH_TIMEOUT_S (default 1,800) bounds its run.
 *
 * Figures, each side measured the same way: throughput = posts counted / (the last counted - the first line
 * handed over), in posts/s; latency = counted - handed over, per post (Spark: per line), p50 and p99 in ms;
 * peak RSS = the highest sum of RSS over the process and everything below it (the JVM, the Python workers),
 * sampled every 200 ms from its start to the last post counted, in MB; CPU = user + system time of that tree
 * from /proc, in s, while counting (the first line handed over to the last counted) and in all (with
 * start-up), and the cores that kept busy while counting. Then whether both counted the same world top 10.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { constants, createReadStream, createWriteStream, existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { buildServer } from '../scripts/build-server.mjs';
import { templates, writeLines, type ArchiveMix } from './archive-lines';
import { megabytes } from './memory';
import { percentile } from './percentile';
import { sampleTree, TICKS_PER_SECOND, type TreeSample } from './process-sample';
import type { TrendmapResult } from './spark/trendmap-side';

const root = fileURLToPath(new URL('..', import.meta.url));
const LINES = Number(process.env.SPARK_BENCH_LINES ?? 200_000);
const MIX = (process.env.SPARK_BENCH_MIX ?? 'placed') as ArchiveMix;
const VENV = process.env.SPARK_BENCH_VENV ?? join(tmpdir(), 'trendmap-spark-venv');
/** Longest a Spark run may take, from its start to its last batch, in ms. */
const SPARK_TIMEOUT_MS = Number(process.env.SPARK_BENCH_TIMEOUT_S ?? 1_800) * 1_000;
/** Event times span this (ms): inside the hour, so that trendmap's 24 h window holds them all. */
const SPAN_MS = 3_600_000;
const FEED_CHUNK_BYTES = 64 * 1024;
const SAMPLE_MS = 200;
/** How long Spark may take to stop once it has counted everything, before it is killed. */
const SPARK_STOP_MS = 60_000;
const REQUIREMENTS = join(root, 'bench/spark/requirements.txt');
const SPARK_SCRIPT = join(root, 'bench/spark/trends_streaming.py');
const SIDE_ENTRY = 'spark-trendmap-side';
const SIDE_BUNDLE = join(root, 'dist/bench', `${SIDE_ENTRY}.mjs`);

/** What one side did, measured the same way for both. */
interface Measured {
  posts: number;
  /** Processes in the tree at the end (trendmap: 1; Spark: the Python driver, the JVM, its Python workers). */
  processes: number;
  firstSentMs: number;
  lastCountedMs: number;
  /** Counted - handed over, in ms, ascending. */
  latenciesMs: number[];
  peakRssBytes: number;
  cpuCountingS: number;
  cpuTotalS: number;
  /** The world's top 10 at the end: [tag, count]. */
  top: [string, number][];
}

/** One line of trends_streaming.py's output: a batch, its finish (ms since the epoch) and the totals then. */
interface SparkBatch {
  batch_ms: number;
  finished_ms: number;
  lines: number;
  posts: number;
  top: [string, number][];
}

/** A piece of the feed: how many lines it completed, and when it was handed over (ms since the epoch). */
interface FeedChunk {
  lines: number;
  sentMs: number;
}

/**
 * Samples a process tree every SAMPLE_MS for its peak RSS from its start; `sample()` takes one at once (for
 * the CPU time at the first line), `finish()` the last one (at the last post counted) and stops.
 */
class TreeMonitor {
  peakRssBytes = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  sample(): TreeSample {
    const now = sampleTree(this.pid);
    this.peakRssBytes = Math.max(this.peakRssBytes, now.rssBytes);
    return now;
  }

  finish(): TreeSample {
    this.stop();
    return this.sample();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

const seconds = (ticks: number) => ticks / TICKS_PER_SECOND;
const lastLine = (text: string | undefined) => (text ?? '').trim().split('\n').pop() ?? '';

/** Settles when `out` can take more, or rejects when it closes first. */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      out.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      out.off('drain', onDrain);
      reject(new Error('the reader closed the feed before the end'));
    };
    out.once('drain', onDrain);
    out.once('close', onClose);
  });
}

/**
 * Hands `archive` to `out` a chunk at a time, as fast as it is taken; ends `out` when `end`. An error of
 * `out` (the reader gone) stops the feed; one after it (a reader killed at the end) is ignored.
 */
async function feed(archive: string, out: Writable, end: boolean): Promise<FeedChunk[]> {
  const chunks: FeedChunk[] = [];
  const failed: { error?: Error } = {};
  out.on('error', (error) => (failed.error ??= error));
  for await (const chunk of createReadStream(archive, { highWaterMark: FEED_CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    if (failed.error !== undefined) throw failed.error;
    let lines = 0;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
    chunks.push({ lines, sentMs: Date.now() });
    if (!out.write(chunk)) await drained(out);
  }
  if (end) out.end();
  return chunks;
}

/** When each line was handed over (a line goes with the chunk that holds its end). */
function sentTimes(chunks: FeedChunk[]): Float64Array {
  const sent = new Float64Array(chunks.reduce((sum, chunk) => sum + chunk.lines, 0));
  let line = 0;
  for (const chunk of chunks) sent.fill(chunk.sentMs, line, (line += chunk.lines));
  return sent;
}

/** Rejects when `child` exits before `promise` settles. */
function unlessExited<T>(child: ChildProcess, promise: Promise<T>, what: string, output: () => string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      child.once('exit', (code, signal) => reject(new Error(`exited (${signal ?? code}) before ${what}:\n${output().slice(-3_000)}`))),
    ),
  ]);
}

/** Signals the process group that `child` leads (it was spawned `detached`), unless it has exited. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // gone meanwhile
  }
}

/** The venv's Python with pyspark as pinned, made and filled when missing; or why Spark cannot run here. */
function sparkPython(): { python: string; versions: string } | { skipped: string } {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error !== undefined || java.status !== 0) return { skipped: 'no `java` on the PATH: Spark 3.5 needs Java 8, 11 or 17' };
  const pin = /^pyspark==(\S+)/m.exec(readFileSync(REQUIREMENTS, 'utf8'))?.[1];
  const python = join(VENV, 'bin', 'python');
  const installed = () => spawnSync(python, ['-c', 'import pyspark; print(pyspark.__version__)'], { encoding: 'utf8' }).stdout?.trim();
  if (installed() !== pin) {
    if (!existsSync(python)) {
      const venv = spawnSync('python3', ['-m', 'venv', VENV], { encoding: 'utf8' });
      if (venv.error !== undefined) return { skipped: `no \`python3\` on the PATH (${venv.error.message})` };
      if (venv.status !== 0) return { skipped: `\`python3 -m venv ${VENV}\` failed: ${lastLine(venv.stderr || venv.stdout)}` };
    }
    console.log(`  installing pyspark ${pin} into ${VENV} (once)...`);
    const pip = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '-r', REQUIREMENTS], { encoding: 'utf8', timeout: 1_800_000 });
    if (pip.status !== 0) return { skipped: `\`pip install pyspark==${pin}\` failed: ${lastLine(pip.stderr || pip.error?.message)}` };
    if (installed() !== pin) return { skipped: `pyspark ${pin} does not import in ${VENV} after pip installed it` };
  }
  return { python, versions: `pyspark ${pin} (${VENV}), ${java.stderr.split('\n')[0].trim()}` };
}

/** trendmap's side, fed through a named pipe; see `spark/trendmap-side.ts`. */
async function runTrendmap(dir: string, archive: string): Promise<Measured & { accepted: number; approximate: boolean }> {
  const pipe = join(dir, 'feed.jsonl');
  const made = spawnSync('mkfifo', [pipe], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`mkfifo ${pipe} failed: ${made.stderr || made.error?.message}`);
  const resultPath = join(dir, 'trendmap.json');
  const child = spawn(process.execPath, [SIDE_BUNDLE, pipe, resultPath, String(LINES)], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const monitor = new TreeMonitor(child.pid!);
  try {
    const out = createWriteStream(pipe);
    let opened = false;
    // Opening a pipe to write waits for its reader: should the side exit first, this process reads it once.
    void exited.then(() => opened || closeSync(openSync(pipe, constants.O_RDONLY | constants.O_NONBLOCK)));
    await unlessExited(child, new Promise((resolve) => out.once('open', resolve)), 'it read the feed', () => output);
    opened = true;
    const start = monitor.sample();
    const countedLine = new Promise<void>((resolve) =>
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line === 'counted') resolve();
      }),
    );
    const chunks = await feed(archive, out, true);
    await unlessExited(child, countedLine, 'it counted every post', () => output);
    const end = monitor.finish();
    child.stdin.end();
    await exited;
    const result = JSON.parse(readFileSync(resultPath, 'utf8')) as TrendmapResult;
    const sent = sentTimes(chunks);
    const latenciesMs: number[] = [];
    let lastCountedMs = 0;
    result.countedAtMs.forEach((at, line) => {
      if (at < 0) return;
      latenciesMs.push(at - sent[line]);
      lastCountedMs = Math.max(lastCountedMs, at);
    });
    return {
      posts: result.counted,
      processes: end.processes,
      accepted: result.accepted,
      approximate: result.approximate,
      firstSentMs: chunks[0].sentMs,
      lastCountedMs,
      latenciesMs: latenciesMs.sort((a, b) => a - b),
      peakRssBytes: monitor.peakRssBytes,
      cpuCountingS: seconds(end.cpuTicks - start.cpuTicks),
      cpuTotalS: seconds(end.cpuTicks),
      top: result.top,
    };
  } finally {
    monitor.stop();
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** Spark's side, fed over TCP; see `spark/trends_streaming.py`. */
async function runSpark(python: string, archive: string): Promise<Measured & { batches: SparkBatch[] }> {
  const connections: Socket[] = [];
  const server = createServer((socket) => connections.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const env: NodeJS.ProcessEnv = { ...process.env, SPARK_LOCAL_IP: '127.0.0.1', PYSPARK_PYTHON: python, PYSPARK_DRIVER_PYTHON: python };
  delete env.SPARK_HOME; // the pinned pyspark's own Spark, not another one that may be installed
  const args = [SPARK_SCRIPT, '--port', String(port), '--stop-after-lines', String(LINES)];
  // Its own process group: the JVM and the Python workers go with it if it must be killed.
  const child = spawn(python, args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const monitor = new TreeMonitor(child.pid!);
  const timeout = setTimeout(() => killGroup(child, 'SIGTERM'), SPARK_TIMEOUT_MS);
  try {
    const batches: SparkBatch[] = [];
    let end: TreeSample | undefined;
    const allCounted = new Promise<void>((resolve) =>
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (!line.startsWith('{')) return;
        const batch = JSON.parse(line) as SparkBatch;
        batches.push(batch);
        if (batch.lines >= LINES && end === undefined) {
          end = monitor.finish();
          resolve();
        }
      }),
    );
    const connected = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const socket = await unlessExited(child, connected, 'its receiver connected', () => output);
    const start = monitor.sample();
    // The connection stays open after the last line: a closed one makes the receiver reconnect.
    const chunks = await unlessExited(child, feed(archive, socket, false), 'it read the whole feed', () => output);
    await unlessExited(child, allCounted, 'a batch had every line', () => output);
    // Spark stops by itself once it has counted every line; a minute at most, and the timer goes with it.
    let stopTimer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (stopTimer = setTimeout(resolve, SPARK_STOP_MS)))]);
    clearTimeout(stopTimer);
    killGroup(child, 'SIGKILL');

    const sent = sentTimes(chunks);
    const latenciesMs: number[] = [];
    let line = 0;
    for (const batch of batches) for (; line < batch.lines && line < sent.length; line += 1) latenciesMs.push(batch.finished_ms - sent[line]);
    const last = batches.find((batch) => batch.lines >= LINES)!;
    return {
      batches,
      posts: last.posts,
      processes: end!.processes,
      firstSentMs: chunks[0].sentMs,
      lastCountedMs: last.finished_ms,
      latenciesMs: latenciesMs.sort((a, b) => a - b),
      peakRssBytes: monitor.peakRssBytes,
      cpuCountingS: seconds(end!.cpuTicks - start.cpuTicks),
      cpuTotalS: seconds(end!.cpuTicks),
      top: last.top,
    };
  } finally {
    clearTimeout(timeout);
    monitor.stop();
    killGroup(child, 'SIGKILL');
    for (const socket of connections) socket.destroy();
    server.close();
  }
}

/** The top 10 in one order (count, then tag), so that ties do not make two equal lists differ. */
const ranked = (top: [string, number][]) =>
  [...top]
    .sort(([tagA, a], [tagB, b]) => b - a || (tagA < tagB ? -1 : 1))
    .map(([tag, count]) => `${tag} ${count.toLocaleString('en-US')}`)
    .join(', ');

function printComparison(trendmap: Measured, spark: Measured): void {
  const countingS = (side: Measured) => (side.lastCountedMs - side.firstSentMs) / 1_000;
  const throughput = (side: Measured) => side.posts / countingS(side);
  const rows: [string, (side: Measured) => number, (value: number) => string][] = [
    ['throughput (posts/s)', throughput, (v) => Math.round(v).toLocaleString('en-US')],
    ['latency p50 (ms)', (side) => percentile(side.latenciesMs, 50), (v) => v.toLocaleString('en-US')],
    ['latency p99 (ms)', (side) => percentile(side.latenciesMs, 99), (v) => v.toLocaleString('en-US')],
    ['peak RSS (MB)', (side) => side.peakRssBytes, (v) => megabytes(v).replace(' MB', '')],
    ['CPU while counting (s)', (side) => side.cpuCountingS, (v) => v.toFixed(1)],
    ['CPU with start-up (s)', (side) => side.cpuTotalS, (v) => v.toFixed(1)],
    // Of the 2 cores: on a machine busy with other work, how much of them each side got (or could use).
    ['cores busy while counting', (side) => side.cpuCountingS / countingS(side), (v) => v.toFixed(2)],
  ];
  console.log(`  ${''.padEnd(24)} ${'trendmap'.padStart(10)} ${'Spark'.padStart(10)} ${'trendmap/Spark'.padStart(15)}`);
  for (const [name, figure, shown] of rows) {
    const [ours, theirs] = [figure(trendmap), figure(spark)];
    const ratio = ours / theirs;
    console.log(`  ${name.padEnd(24)} ${shown(ours).padStart(10)} ${shown(theirs).padStart(10)} ${`${ratio.toPrecision(2)}×`.padStart(15)}`);
  }
  console.log(`  (issue 14's goal: ≥ 5× Spark's throughput; here ${(throughput(trendmap) / throughput(spark)).toFixed(1)}×)`);
}

export async function benchSpark(): Promise<void> {
  const mixes: Record<ArchiveMix, string> = {
    placed: 'every line a post with a place and hashtags',
    sample: 'the replay mix: 30% posts with a place, 60% without, 10% deletes',
  };
  if (!(MIX in mixes)) throw new Error(`SPARK_BENCH_MIX=${MIX}: choose ${Object.keys(mixes).join(' or ')}`);
  console.log(`\nspark: trendmap against the Spark Streaming tutorial's pipeline, ${LINES.toLocaleString('en-US')} lines (${MIX}: ${mixes[MIX]})`);
  const python = sparkPython();
  if ('skipped' in python) {
    console.log(`  skipped: Spark cannot run here: ${python.skipped}`);
    return;
  }
  await buildServer({ entryPoints: { [SIDE_ENTRY]: 'bench/spark/trendmap-side.ts' }, outdir: 'dist/bench' });
  const dir = mkdtempSync(join(tmpdir(), 'trendmap-bench-spark-'));
  try {
    const archive = join(dir, 'posts.jsonl');
    const bytes = await writeLines(archive, templates(MIX), 0, LINES, LINES, SPAN_MS);
    console.log(`  ${megabytes(bytes)} of .jsonl, fed as fast as each reads it; ${python.versions}; Spark on local[2]`);

    const trendmap = await runTrendmap(dir, archive);
    console.log(
      `  trendmap (${trendmap.processes} process): ${trendmap.posts.toLocaleString('en-US')} posts counted (${trendmap.accepted.toLocaleString('en-US')} accepted), ` +
        `the last ${((trendmap.lastCountedMs - trendmap.firstSentMs) / 1_000).toFixed(1)} s after the first line went`,
    );
    let spark: Awaited<ReturnType<typeof runSpark>>;
    try {
      spark = await runSpark(python.python, archive);
    } catch (error) {
      console.log(`  Spark: failed: ${(error as Error).message}`);
      return;
    }
    const withLines = spark.batches.filter((batch, i) => batch.lines > (spark.batches[i - 1]?.lines ?? 0));
    const largest = Math.max(...withLines.map((batch, i) => batch.lines - (withLines[i - 1]?.lines ?? 0)));
    const last = spark.batches.find((batch) => batch.lines >= LINES)!;
    console.log(
      `  Spark (${spark.processes} processes): ${spark.posts.toLocaleString('en-US')} posts counted in ${withLines.length} batch(es) with lines (the largest ${largest.toLocaleString('en-US')}), ` +
        `the last ${((spark.lastCountedMs - spark.firstSentMs) / 1_000).toFixed(1)} s after the first line went and ${((last.finished_ms - last.batch_ms) / 1_000).toFixed(1)} s after its batch time`,
    );
    const same = ranked(trendmap.top) === ranked(spark.top);
    console.log(
      `  world top 10 (trendmap's 24 h, Spark's running totals): ${same ? 'the same' : 'DIFFERENT'}${trendmap.approximate ? " (trendmap's approximate)" : ''}`,
    );
    console.log(`    trendmap: ${ranked(trendmap.top)}`);
    if (!same) console.log(`    Spark:    ${ranked(spark.top)}`);
    printComparison(trendmap, spark);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
