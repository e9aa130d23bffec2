import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { TrendEngine } from '../trend-engine';
import { event } from '../../test/helpers';
import type { EngineSnapshot } from '../core/engine-snapshot';
import { LOCK_FILE } from './data-dir-lock';
import { SavedState } from './saved-state';
import { tempDirs } from '../../../test/helpers';
import { readStateFile, STATE_FILE, writeStateFile } from './state-file';

const tempDir = tempDirs('saved');

const quiet = { info: () => undefined, warn: () => undefined };
const options = (dataDir: string) => ({ dataDir, run: 'a test run', saveEveryMs: 60_000, log: quiet });
const restore = (snapshot: unknown) => TrendEngine.restore(snapshot as EngineSnapshot);

describe('the saved state', () => {
  it('gives back on open what close saved, with the positions beside it', async () => {
    const dir = tempDir();
    const engine = new TrendEngine();
    const at = Date.UTC(2026, 10, 26, 12);
    engine.ingestEvent(event({ ts: at, cc: 'FR', tags: ['paris'] }), at);
    engine.ingestEvent(event({ ts: at + 1_000, cc: 'FR', tags: ['paris'] }), at + 1_000);
    const first = SavedState.open(options(dir), restore);
    expect(first.loaded).toBeNull();
    await first.saved.close(() => ({ snapshot: engine.snapshot(), positions: { '0': '17' } }));
    expect(first.saved.stats()).toMatchObject({ saves: 1, failures: 0 });
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);

    const second = SavedState.open(options(dir), restore);
    expect(second.loaded?.header).toMatchObject({ run: 'a test run', positions: { '0': '17' }, node: process.version });
    expect(second.loaded?.restored.trends({ region: 'FR', bbox: null, window: '1h', sort: 'top', limit: 10 }).total).toBe(2);
    second.saved.abandon();
  });

  it('refuses a save whose snapshot is of the wrong shape, naming the field, and lets the directory go', async () => {
    const dir = tempDir();
    await writeStateFile(dir, { savedAtMs: 0, run: 'a test run', positions: null, node: 'v99.0.0' }, serialize({ format: 1, counts: [] }));
    expect(() => SavedState.open(options(dir), restore)).toThrow(
      expect.objectContaining({
        code: 'STATE_UNREADABLE',
        message: expect.stringMatching(/state\.bin is damaged \(.*; it was saved by Node v99\.0\.0, this is v[0-9.]+\): move it aside/),
      }),
    );
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(existsSync(join(dir, STATE_FILE))).toBe(true);
  });

  it('keeps the previous save when a save fails, counts the failure, and says so once', async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const { saved } = SavedState.open({ ...options(dir), log: { info: () => undefined, warn: (line: string) => warnings.push(line) } }, restore);
    await saved.save(() => ({ snapshot: new TrendEngine().snapshot(), positions: null }));
    const first = readStateFile(dir);
    // A snapshot that cannot be serialised stands for a failed write: the file on disk must stay the first save.
    const unserialisable = () => ({ snapshot: { fn: () => 1 }, positions: null });
    await saved.save(unserialisable);
    await saved.save(unserialisable);
    expect(readStateFile(dir)).toEqual(first);
    expect(saved.stats()).toMatchObject({ saves: 1, failures: 2 });
    expect(warnings).toHaveLength(1);
    // ...and the next save that can be made is made.
    await saved.save(() => ({ snapshot: new TrendEngine().snapshot(), positions: null }));
    expect(saved.stats()).toMatchObject({ saves: 2, failures: 2 });
    saved.abandon();
    expect(SavedState.open(options(dir), restore).loaded).not.toBeNull();
  });
});
