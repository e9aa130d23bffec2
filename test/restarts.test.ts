/**
 * Restarts lose nothing (issue 11): the map-server saves its state under DATA_DIR on SIGTERM and every
 * SAVE_EVERY, and loads it before it listens. Through the same code as `npm start` in one process, and
 * through the built entry point as a person runs it (SIGTERM, SIGKILL, a second process on one directory).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HealthResponse, TrendsResponse } from '../common/browser/api';
import { MemoryBus } from '../common/node/bus/memory-bus';
import { startEmbedded } from '../app/embedded';
import { startMapServer } from '../map-server/src/map-server';
import { readStateFile, STATE_FILE } from '../map-server/src/state/state-file';
import { beforeAllOrFail, configFor, tempDirs, ensureBuild, expectSampleCounts, fixture, getJson, replaySample, root } from './helpers';
import { freePort, GiveUp, until } from './kafka/services';

const tempDir = tempDirs('restart', afterAll);

const REPLAY = ['--source', 'replay', '--file', fixture('replay-sample.jsonl'), '--speed', 'max'];

/** Every kind of answer, for every region of the sample: what a restart must give back unchanged. */
async function answers(url: string): Promise<unknown[]> {
  const { regions } = replaySample();
  const paths: string[] = [];
  for (const window of ['15m', '1h', '6h', '24h']) {
    for (const sort of ['top', 'rising']) {
      for (const region of regions) paths.push(`/api/trends?region=${region}&window=${window}&sort=${sort}&limit=50`);
      paths.push(`/api/trends?bbox=-10,35,30,60&window=${window}&sort=${sort}&limit=50`);
    }
    paths.push(`/api/tags/worldcup/regions?window=${window}`);
  }
  paths.push('/api/posts?limit=100', '/api/posts?tag=worldcup&region=FR');
  return Promise.all(paths.map(async (path) => ({ path, body: await getJson(`${url}${path}`) })));
}

describe('a restart of the embedded product, with a data directory', () => {
  const dir = tempDir();
  const before = beforeAllOrFail(async () => {
    const first = await startEmbedded(configFor(REPLAY, { DATA_DIR: dir }), { staticDir: null });
    await first.producer.done;
    const seen = await answers(first.server.url);
    await first.close();
    return seen;
  });

  it('saves on close, and answers every query as before from the save alone', async () => {
    expect(existsSync(join(dir, STATE_FILE))).toBe(true);
    // Only the server, on a bus nobody publishes to: every count comes from the save.
    const server = await startMapServer({ config: configFor(REPLAY, { DATA_DIR: dir }), subscriber: new MemoryBus().subscriber, staticDir: null });
    try {
      expect(await answers(server.url)).toEqual(before());
      await expectSampleCounts(server.url);
    } finally {
      await server.close();
    }
  });

  it('counts nothing twice when the same archive is replayed on top of the save', async () => {
    const again = await startEmbedded(configFor(REPLAY, { DATA_DIR: dir }), { staticDir: null });
    try {
      await again.producer.done;
      const { expected } = replaySample();
      const health = await getJson<HealthResponse>(`${again.server.url}/api/health`);
      expect(health.ingested).toBe(0); // this process's count: every post was one the save already held
      expect(await answers(again.server.url)).toEqual(before());
      expect((await getJson<TrendsResponse>(`${again.server.url}/api/trends?window=24h`)).total).toBe(expected.accepted);
    } finally {
      await again.close();
    }
  });

  it('refuses a second server on the same directory while the first runs, and lets it go on close', async () => {
    const server = await startMapServer({ config: configFor(REPLAY, { DATA_DIR: dir }), subscriber: new MemoryBus().subscriber, staticDir: null });
    try {
      await expect(
        startMapServer({ config: configFor(REPLAY, { DATA_DIR: dir }), subscriber: new MemoryBus().subscriber, staticDir: null }),
      ).rejects.toMatchObject({ code: 'DATA_DIR_LOCKED' });
    } finally {
      await server.close();
    }
    const next = await startMapServer({ config: configFor(REPLAY, { DATA_DIR: dir }), subscriber: new MemoryBus().subscriber, staticDir: null });
    await next.close();
  });

  it("never loads a replay's state into a live run, nor a live run's into a replay", async () => {
    const live = configFor(['--rate', '1'], { DATA_DIR: dir });
    await expect(startMapServer({ config: live, subscriber: new MemoryBus().subscriber, staticDir: null })).rejects.toMatchObject({
      code: 'STATE_UNREADABLE',
      message: expect.stringContaining('holds the state of another kind of run (a replay on the in-process bus); this one is the synthetic world'),
    });
    // The refusal wrote nothing and left no lock: the replay's save is still there for a replay.
    const server = await startMapServer({ config: configFor(REPLAY, { DATA_DIR: dir }), subscriber: new MemoryBus().subscriber, staticDir: null });
    try {
      await expectSampleCounts(server.url);
    } finally {
      await server.close();
    }
  });
});

describe('saving while running', () => {
  it('saves every SAVE_EVERY, and /metrics says so', async () => {
    const dir = tempDir();
    const server = await startMapServer({
      config: configFor(REPLAY, { DATA_DIR: dir, SAVE_EVERY: '1s' }),
      subscriber: new MemoryBus().subscriber,
      staticDir: null,
    });
    try {
      const metrics = async () => (await fetch(`${server.url}/metrics`)).text();
      // Two saves at least, with no stop in between: the timer's, not the one on close.
      await until(async () => (/^trendmap_state_saves_total\{result="ok"\} ([2-9]|\d{2,})$/m.test(await metrics()) ? true : undefined), 'two saves');
      const text = await metrics();
      expect(text).toMatch(/^trendmap_state_saves_total\{result="failed"\} 0$/m);
      const savedAt = Number(/^trendmap_state_last_save_timestamp_seconds (\S+)$/m.exec(text)?.[1]);
      expect(savedAt * 1_000).toBeGreaterThan(Date.now() - 60_000);
      expect(Number(/^trendmap_state_save_bytes (\S+)$/m.exec(text)?.[1])).toBe(readStateFile(dir)!.payload.byteLength);
      expect(existsSync(join(dir, STATE_FILE))).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('keeps each source its own save: the X stream never loads the synthetic world', async () => {
    const dir = tempDir();
    const synthetic = await startMapServer({
      config: configFor(['--rate', '1'], { DATA_DIR: dir }),
      subscriber: new MemoryBus().subscriber,
      staticDir: null,
    });
    await synthetic.close();
    const x = configFor(['--source', 'x', '--countries', 'FR'], { DATA_DIR: dir, X_BEARER_TOKEN: 'unused' });
    await expect(startMapServer({ config: x, subscriber: new MemoryBus().subscriber, staticDir: null })).rejects.toMatchObject({
      code: 'STATE_UNREADABLE',
      message: expect.stringContaining('(the synthetic world on the in-process bus); this one is the X stream on the in-process bus'),
    });
  });
});

/** A product process (`dist/server/start.mjs`) on a free port, with what it printed so far. */
interface Product {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

const products = new Set<ChildProcess>();
afterEach(() => products.forEach((child) => child.kill('SIGKILL')));

async function launch(args: string[], env: Record<string, string>): Promise<Product> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/server/start.mjs', ...args], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      KAFKA_BROKERS: '',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      TILE_URL: '',
      SYNTHETIC_HISTORY: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  products.add(child);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => products.delete(child));
  return { child, url: `http://127.0.0.1:${port}`, output: () => output, exited };
}

/** Starts the product and waits until it answers. */
async function started(args: string[], env: Record<string, string>): Promise<Product> {
  const product = await launch(args, env);
  await until(
    async () => {
      if (product.child.exitCode !== null) throw new GiveUp(`it exited with ${product.child.exitCode}:\n${product.output()}`);
      return (await fetch(`${product.url}/api/health`).catch(() => null))?.ok === true ? true : undefined;
    },
    () => `the product to answer\n${product.output()}`,
  );
  return product;
}

const worldTotal = async (url: string) => (await getJson<TrendsResponse>(`${url}/api/trends?window=24h`)).total;

describe('npm start with a data directory, stopped as an operator stops it', { timeout: 300_000 }, () => {
  beforeAllOrFail(async () => ensureBuild());

  it('SIGTERM saves everything: the restarted map counts what it counted', async () => {
    const dir = tempDir();
    const env = { DATA_DIR: dir };
    const first = await started(REPLAY, env);
    const { expected } = replaySample();
    await until(async () => ((await worldTotal(first.url)) === expected.accepted ? true : undefined), 'the replay to be counted');
    const before = await answers(first.url);
    first.child.kill('SIGTERM');
    expect(await first.exited, first.output()).toBe(0);
    expect(first.output()).toMatch(/saved the state to .* \([0-9.]+ MB in [0-9]+ ms\)/);

    const second = await started(REPLAY, env);
    expect(second.output()).toMatch(/restored the state saved at 20[0-9-]+T/);
    // The archive is read again: every post is a redelivery, counted once.
    await until(
      async () => ((await getJson<HealthResponse>(`${second.url}/api/health`)).producers?.[0]?.state === 'finished' ? true : undefined),
      'the replay',
    );
    expect(await answers(second.url)).toEqual(before);
    // ...from the save: this process counted none of them itself, each was a post the save already held.
    expect((await getJson<HealthResponse>(`${second.url}/api/health`)).ingested).toBe(0);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('SIGKILL loses at most what came after the last save; a second process on the directory is refused', async () => {
    const dir = tempDir();
    const env = { DATA_DIR: dir, SAVE_EVERY: '1s' };
    const first = await started(['--rate', '200'], env);
    const saved = join(dir, STATE_FILE);
    await until(async () => (existsSync(saved) && (await worldTotal(first.url)) > 0 ? true : undefined), 'a first save');

    const second = await launch(['--rate', '200'], env);
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(new RegExp(`the data directory ${dir} is in use by process ${first.child.pid} on .*: two cannot share one`));
    expect(second.output()).not.toMatch(/^\s+at /m);

    // Counted before a save that follows. A save written after `countedAt` may have been taken before it (the
    // snapshot is taken, then written); the save after that one was taken after it, so it holds `counted`.
    const counted = await worldTotal(first.url);
    const countedAt = Date.now();
    await until(async () => (statSync(saved).mtimeMs > countedAt ? true : undefined), 'a save written after the count');
    const writtenAt = statSync(saved).mtimeMs;
    await until(async () => (statSync(saved).mtimeMs > writtenAt ? true : undefined), 'the save after it');
    const askedAt = Date.now();
    const beforeKill = await worldTotal(first.url);
    first.child.kill('SIGKILL');
    const killedAfterS = (Date.now() - askedAt) / 1_000;
    await first.exited;

    // The lock of a process that is gone is taken over; the slowest rate adds next to nothing.
    const restarted = await started(['--rate', '0.1'], env);
    const after = await worldTotal(restarted.url);
    expect(after).toBeGreaterThanOrEqual(counted);
    // ...and nothing twice: at most what the killed run could still count (200/s) between its answer and the
    // kill, with 5 s to spare for a source catching up after a stall on a busy machine.
    expect(after).toBeLessThanOrEqual(beforeKill + Math.ceil(200 * (killedAfterS + 5)));
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
  });

  it('a save of another format is refused in one line, and left as it is', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, STATE_FILE), 'trendmap-state 999\n{}\n');
    const product = await launch(['--rate', '1'], { DATA_DIR: dir, LOG_FORMAT: 'pretty' });
    expect(await product.exited).toBe(1);
    expect(product.output().trim()).toMatch(
      /^trendmap: .*state\.bin was saved in state format 999; this trendmap reads format 4 \(and 1, 2, 3, upgraded on load\)\. .*move the file aside/,
    );
    expect(product.output()).not.toMatch(/^\s+at /m);
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });
});
