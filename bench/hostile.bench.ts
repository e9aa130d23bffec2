/**
 * `npm run bench -- hostile`: decompression bombs replayed by `npm start`, against issue 9's targets: the
 * whole process's resident memory stays under 500 MB and `/api/health` answers within 2 s throughout.
 *
 * The bombs, at full size: the two of the issue (a `.bz2` of ~8 KB expanding to 190 MB of `{}\n` lines,
 * one of ~400 bytes expanding to 500 MB with no newline), and the same attacks in gzip (1 GB of zeros with
 * no newline, 190 MB of `{}\n` lines), and one of work rather than bytes: 300 lines of JSON just under
 * the line limit, each ~100 ms to parse (300 KB as `.gz`). They are made once with the system's `bzip2`
 * and zlib (the 190 MB bzip2 one takes ~50 s: repetitive text is bzip2's slowest case) and kept in the
 * temporary directory.
 *
 * Each is replayed by the built entry point (`dist/server/start.mjs --source replay --file <bomb> --speed
 * max`, what `npm start` runs), while this process asks `/api/health` every POLL_MS and times each answer,
 * and reads the child's peak resident memory from the kernel (`VmHWM` in /proc/<pid>/status; Linux only).
 * HOSTILE_BENCH_BOMBS picks some by key (`bz2-lines,gz-zeros`). Prints figures; asserts nothing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { compressRepeated, type Tool } from '../test/archive-bombs';
import { freePort } from '../test/kafka/services';
import { logMessages, SUMMARY_LOG_ENV } from './log-messages';
import { megabytes } from './memory';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Issue 9's targets. */
const TARGET_RSS_BYTES = 500 * 1024 * 1024;
const TARGET_ANSWER_MS = 2_000;
/** Pause between one /api/health answer and the next question, in ms. */
const POLL_MS = 50;
/** A question unanswered this long counts as a failure, in ms. */
const ANSWER_TIMEOUT_MS = 30_000;
/** Longest a replay may take before it is given up, in ms. */
const REPLAY_TIMEOUT_MS = 30 * 60_000;
const CACHE = join(tmpdir(), 'trendmap-bench-bombs');

/** A line of JSON just under the 1 MB line limit: arrays nested 524,280 deep. */
const NESTED_LINE = `${'['.repeat(524_280)}${']'.repeat(524_280)}`;

interface Bomb {
  key: string;
  what: string;
  tool: Tool;
  text: string;
  bytes: number;
}

const BOMBS: Bomb[] = [
  { key: 'bz2-lines', what: '.bz2, 190 MB of "{}\\n" lines', tool: 'bzip2', text: '{}\n', bytes: 190_000_000 },
  { key: 'bz2-long', what: '.bz2, 500 MB with no newline', tool: 'bzip2', text: 'a', bytes: 500_000_000 },
  { key: 'gz-zeros', what: '.gz, 1 GB of zeros with no newline', tool: 'gzip', text: '\0', bytes: 1_000_000_000 },
  { key: 'gz-lines', what: '.gz, 190 MB of "{}\\n" lines', tool: 'gzip', text: '{}\n', bytes: 190_000_000 },
  { key: 'gz-json', what: '.gz, 300 lines of 1 MB JSON ([[[...]]])', tool: 'gzip', text: `${NESTED_LINE}\n`, bytes: 300 * (NESTED_LINE.length + 1) },
];

/** The bomb's file, made on first use and kept for the next runs. */
async function bombFile(bomb: Bomb): Promise<string> {
  const path = join(CACHE, `${bomb.key}-${bomb.bytes}.json.${bomb.tool === 'bzip2' ? 'bz2' : 'gz'}`);
  if (!existsSync(path)) {
    mkdirSync(CACHE, { recursive: true });
    const start = performance.now();
    process.stdout.write(`  making ${bomb.what} (once; kept in ${CACHE})...`);
    writeFileSync(path, await compressRepeated(bomb.tool, bomb.text, bomb.bytes));
    console.log(` ${((performance.now() - start) / 1_000).toFixed(0)} s`);
  }
  return path;
}

/** A /proc/<pid>/status field in bytes (VmRSS: resident now; VmHWM: the most it has been), or null once gone. */
function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

interface Run {
  ms: number;
  peakRss: number;
  answers: number;
  slowestMs: number;
  failures: string[];
  summary: string[];
}

/** Replays `file` with the built `npm start`, asking /api/health throughout; returns what was measured. */
async function replay(file: string): Promise<Run> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/api/health`;
  const child = spawn(process.execPath, ['dist/server/start.mjs', '--source', 'replay', '--file', file, '--speed', 'max'], {
    cwd: root,
    // No request budget: this client asks as fast as it is answered.
    env: { ...process.env, PORT: String(port), ...SUMMARY_LOG_ENV, API_RATE_LIMIT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const finished = () => gone || /replay (finished|stopped)/.test(output);

  const start = performance.now();
  let peakRss = 0;
  let answers = 0;
  let slowestMs = 0;
  const failures: string[] = [];
  while (!finished()) {
    if (performance.now() - start > REPLAY_TIMEOUT_MS) {
      failures.push(`gave up after ${REPLAY_TIMEOUT_MS / 60_000} min`);
      break;
    }
    const asked = performance.now();
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) });
      await response.arrayBuffer();
      if (response.status !== 200) failures.push(`HTTP ${response.status}`);
      else answers += 1;
      // Timed once the server has answered at all: before that it was not listening yet.
      if (answers > 0) slowestMs = Math.max(slowestMs, performance.now() - asked);
    } catch (error) {
      if (answers > 0 && !finished()) failures.push((error as Error).message);
    }
    peakRss = Math.max(peakRss, memoryOf(child.pid!, 'VmHWM') ?? 0);
    await sleep(POLL_MS);
  }
  const ms = performance.now() - start;
  await sleep(200); // the rest of the summary
  peakRss = Math.max(peakRss, memoryOf(child.pid!, 'VmHWM') ?? 0);
  child.kill('SIGTERM');
  await exited;
  const summary = logMessages(output).filter((line) => /^(replay (finished|stopped)| {2}\S)/.test(line));
  return { ms, peakRss, answers, slowestMs, failures, summary };
}

export async function benchHostile(): Promise<void> {
  spawnSync(process.execPath, ['scripts/ensure-build.mjs'], { cwd: root, stdio: 'inherit' });
  const keys = process.env.HOSTILE_BENCH_BOMBS?.split(',').map((key) => key.trim());
  const bombs = BOMBS.filter((bomb) => keys === undefined || keys.includes(bomb.key));
  console.log(
    `hostile archives -> npm start --speed max; targets: peak RSS < ${megabytes(TARGET_RSS_BYTES)}, /api/health answered < ${TARGET_ANSWER_MS / 1_000} s (asked every ${POLL_MS} ms)`,
  );
  const baseline = await replay(join(root, 'test/fixtures/archive/good'));
  console.log(`  baseline (the same process on a 40-line archive): peak RSS ${megabytes(baseline.peakRss)}`);
  for (const bomb of bombs) {
    const file = await bombFile(bomb);
    const run = await replay(file);
    const rss = run.peakRss < TARGET_RSS_BYTES ? 'ok' : 'OVER';
    const answer = run.slowestMs < TARGET_ANSWER_MS && run.failures.length === 0 ? 'ok' : 'OVER';
    console.log(
      `  ${bomb.what.padEnd(36)} ${statSync(file).size.toLocaleString('en-US').padStart(9)} bytes: ${(run.ms / 1_000).toFixed(1).padStart(5)} s, ` +
        `peak RSS ${megabytes(run.peakRss).padStart(6)} (${rss}), slowest /api/health ${run.slowestMs.toFixed(0).padStart(4)} ms of ${run.answers} answers (${answer})` +
        `${run.failures.length === 0 ? '' : `; ${run.failures.length} failed: ${run.failures.slice(0, 3).join('; ')}`}`,
    );
    for (const line of run.summary) console.log(`    | ${line}`);
  }
}
