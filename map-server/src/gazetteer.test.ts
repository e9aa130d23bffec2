/**
 * The gazetteer's build is shared while it runs and once it succeeded, tried again a while after it failed,
 * and stopped when its worker neither answers nor ends.
 */
import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { buildInWorker, sharedBuild } from './gazetteer';

describe('sharedBuild', () => {
  it('runs the build once for every call while it runs and after it succeeded', async () => {
    let builds = 0;
    const get = sharedBuild(
      async () => (builds += 1),
      1_000,
      () => 0,
    );
    const [a, b] = [get(), get()];
    expect(a).toBe(b);
    expect(await a).toBe(1);
    expect(await get()).toBe(1);
    expect(builds).toBe(1);
  });

  it('shares a failure until retryAfterMs has passed, then builds again', async () => {
    let clock = 0;
    let builds = 0;
    const get = sharedBuild(
      async () => {
        builds += 1;
        if (builds === 1) throw new Error('out of memory');
        return 'index';
      },
      60_000,
      () => clock,
    );
    await expect(get()).rejects.toThrow('out of memory');
    clock = 59_999;
    await expect(get()).rejects.toThrow('out of memory');
    expect(builds).toBe(1);
    clock = 60_000;
    expect(await get()).toBe('index');
    expect(builds).toBe(2);
    clock = 1e9;
    expect(await get()).toBe('index');
    expect(builds).toBe(2);
  });
});

/** A worker that never sends anything nor ends, until terminated. */
function silentWorker(): Worker & { terminated: boolean } {
  const worker = Object.assign(new EventEmitter(), {
    terminated: false,
    terminate: async () => {
      worker.terminated = true;
      return 1;
    },
  });
  return worker as unknown as Worker & { terminated: boolean };
}

describe('buildInWorker', () => {
  it('stops a worker that neither answers nor ends in time, and fails the build saying so', async () => {
    const worker = silentWorker();
    await expect(buildInWorker(20, () => worker)).rejects.toThrow("the gazetteer's worker took more than 0.02 s; it was stopped");
    expect(worker.terminated).toBe(true);
  });

  it('fails the build when the worker ends without the index', async () => {
    const worker = silentWorker();
    const build = buildInWorker(60_000, () => worker);
    worker.emit('exit', 1);
    await expect(build).rejects.toThrow("the gazetteer's worker ended (code 1) without the index");
    expect(worker.terminated).toBe(false);
  });
});
