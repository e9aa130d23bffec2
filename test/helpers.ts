/**
 * What the end-to-end suites share: fixture paths, a test configuration, a JSON GET that must succeed, a
 * suite set-up whose failure fails the tests, a wait on a condition, and the hand-worked answers for
 * `fixtures/replay-sample.jsonl`.
 */
import { afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig, type Config } from '../common/node/config';
import type { TrendsResponse } from '../common/browser/api';

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

export const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * A maker of temporary directories (`trendmap-<name>-…`), every one removed by the hook this registers:
 * `afterEach` by default, `afterAll` for a suite whose tests share one.
 */
export function tempDirs(name: string, after: (clean: () => void) => void = afterEach): () => string {
  const made: string[] = [];
  after(() => made.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  return () => {
    const dir = mkdtempSync(join(tmpdir(), `trendmap-${name}-`));
    made.push(dir);
    return dir;
  };
}

/** The configuration `npm start -- <argv>` would run with, on a random port, quiet, with no tile layer. */
export function configFor(argv: string[], env: Record<string, string> = {}): Config {
  const parsed = parseConfig(argv, { PORT: '0', LOG_LEVEL: 'silent', TILE_URL: '', DATA_DIR: 'none', SYNTHETIC_HISTORY: '0', ...env });
  if (parsed.help) throw new Error('unexpected help');
  return parsed.config;
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** Builds what `npm start` runs (frontend and server bundle) when it is missing or stale, as `npm start` does. */
export function ensureBuild(): void {
  execFileSync(process.execPath, ['scripts/ensure-build.mjs'], { cwd: root, stdio: 'pipe' });
}

/** Runs the built `npm start` entry point (`dist/server/start.mjs`) to its end: exit code and output. */
export function runStart(args: string[], env: Record<string, string> = {}): { code: number; out: string } {
  try {
    const out = execFileSync(process.execPath, ['dist/server/start.mjs', ...args], {
      cwd: root,
      env: { ...process.env, PORT: '0', DATA_DIR: 'none', SYNTHETIC_HISTORY: '0', ...env },
      stdio: 'pipe',
    });
    return { code: 0, out: out.toString() };
  } catch (error) {
    const e = error as { status: number; stderr: Buffer; stdout: Buffer };
    return { code: e.status, out: `${e.stdout.toString()}${e.stderr.toString()}` };
  }
}

/**
 * Polls `check` every 20 ms until it holds. The ceiling only bounds a broken build: a busy machine may take
 * many times what an idle one does, so no test relies on how soon something happens.
 */
export async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A trends answer as the hand-worked expected files state it: tag, display and exact count per tag. Checks on
 * the way that the rest of each entry agrees with those counts (share of the total, sparkline summing to
 * the count), so comparing the result still pins every count exactly.
 */
export function countsOf(body: TrendsResponse): { tag: string; display: string; count: number }[] {
  for (const trend of body.trends) {
    expect(trend.share, trend.tag).toBe(trend.count / body.total);
    expect(
      trend.spark.reduce((sum, n) => sum + n, 0),
      trend.tag,
    ).toBe(trend.count);
    expect(trend.spark, trend.tag).toHaveLength(body.spark.slots);
  }
  return body.trends.map(({ tag, display, count }) => ({ tag, display, count }));
}

/** `fixtures/replay-sample.expected.json`: what `replay-sample.jsonl` counts, worked out by hand. */
export interface SampleExpected {
  accepted: number;
  skipped: Record<string, number>;
  /** Per region ('world', 'FR', ...): the rows `countsOf` gives for it at 1h. */
  [region: string]: unknown;
}

/** The replay sample's expected answers, and the regions they cover (the world and each country). */
export function replaySample(): { expected: SampleExpected; regions: string[] } {
  const expected = JSON.parse(readFileSync(fixture('replay-sample.expected.json'), 'utf8')) as SampleExpected;
  return { expected, regions: Object.keys(expected).filter((key) => key === 'world' || /^[A-Z]{2}$/.test(key)) };
}

/** Checks that the server at `baseUrl` counts exactly what the replay sample holds, region by region, at 1h. */
export async function expectSampleCounts(baseUrl: string): Promise<void> {
  const { expected, regions } = replaySample();
  expect(regions.length).toBeGreaterThan(2);
  for (const region of regions) {
    const body = await getJson<TrendsResponse>(`${baseUrl}/api/trends?region=${region}&window=1h&limit=50`);
    expect(countsOf(body), region).toEqual(expected[region]);
  }
}

/** Room between a set-up's own deadline and the hook's, in ms: the set-up's clear message wins the race. */
const HOOK_MARGIN_MS = 15_000;
/**
 * A suite set-up's deadline, in ms: above the ceilings of the waits inside set-ups (a service's start,
 * 150 s; a test broker's, 120 s), so that their messages, which carry the service's output and kill what
 * did not start, are the ones reported.
 */
const SET_UP_MS = 240_000;

/**
 * Runs `setUp` once before the suite's tests, as `beforeAll` does, and returns a getter for what it resolved
 * with. When it throws (or takes longer than `timeoutMs`), every test of the suite fails with that error:
 * vitest reports the tests of a suite whose `beforeAll` threw as skipped, which reads like a pass.
 */
export function beforeAllOrFail<T>(setUp: () => Promise<T>, timeoutMs = SET_UP_MS): () => T {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } = {
    ok: false,
    error: new Error('the suite set-up did not run'),
  };
  beforeAll(async () => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the suite set-up did not finish within ${timeoutMs / 1_000} s`)), timeoutMs);
    });
    try {
      outcome = { ok: true, value: await Promise.race([setUp(), deadline]) };
    } catch (error) {
      outcome = { ok: false, error };
    } finally {
      clearTimeout(timer);
    }
  }, timeoutMs + HOOK_MARGIN_MS);
  const value = () => {
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  };
  // A hook that throws fails the test it runs for.
  beforeEach(() => void value());
  return value;
}
