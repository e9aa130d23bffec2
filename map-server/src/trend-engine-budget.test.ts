/**
 * The engine's memory budget (`memoryBudgetBytes`): its default, its check, the tile counts' share of it
 * (`TILE_SHARE`) and the region windows' (`WINDOW_SHARE`) in a new engine and in a restored one, and the parts' own budgets overriding them.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_BUDGET_BYTES } from '../../common/node/memory-budget';
import { TILE_SHARE, TrendEngine, WINDOW_SHARE, type TrendEngineOptions } from './trend-engine';
import { event } from '../test/helpers';

const MINUTE = 60_000;
const START = Date.UTC(2026, 2, 1, 12, 0);
const MIB = 1024 * 1024;

/** Two hours of 20 posts a minute in Paris and Tokyo over 40 tags: about 60 kB of tile counts, exact. */
function busy(engine: TrendEngine): TrendEngine {
  for (let i = 0; i < 2 * 60 * 20; i += 1) {
    const ts = START + Math.floor(i / 20) * MINUTE;
    const [lat, lon, cc] = i % 2 === 0 ? [48.85, 2.35, 'FR'] : [35.68, 139.69, 'JP'];
    engine.ingestEvent(event({ tags: [`t${(i * 7) % 40}`, cc === 'FR' ? 'cup' : 'ai'], ts, lat, lon, cc }), ts);
  }
  return engine;
}

/** Whether the world's labels at 24 h say `approximate`: the tile counts went past their budget. */
const approximate = (engine: TrendEngine) => engine.labels({ bbox: null, zoom: 3, window: '24h', limit: 50 }).approximate;

describe('TrendEngine memory budget', () => {
  it('defaults to DEFAULT_MEMORY_BUDGET_BYTES, 384 MiB, with the tile counts at their share of it', () => {
    const engine = new TrendEngine();
    expect(engine.memoryBudgetBytes).toBe(DEFAULT_MEMORY_BUDGET_BYTES);
    expect(DEFAULT_MEMORY_BUDGET_BYTES).toBe(384 * MIB);
    // The tile counts' budget before there was a memory budget, unchanged.
    expect(engine.tileBudgetBytes).toBe(192 * MIB);
  });

  it("derives the tile counts' budget from it, in whole bytes, unless tileBudgetBytes is given", () => {
    expect(TILE_SHARE).toBe(0.5);
    expect(new TrendEngine({ memoryBudgetBytes: 64 * MIB }).tileBudgetBytes).toBe(32 * MIB);
    expect(new TrendEngine({ memoryBudgetBytes: 1_001 }).tileBudgetBytes).toBe(500);
    const both = new TrendEngine({ memoryBudgetBytes: 64 * MIB, tileBudgetBytes: 3_000 });
    expect([both.memoryBudgetBytes, both.tileBudgetBytes]).toEqual([64 * MIB, 3_000]);
    // An option given as undefined is not given.
    const unset = new TrendEngine({ memoryBudgetBytes: undefined, tileBudgetBytes: undefined });
    expect([unset.memoryBudgetBytes, unset.tileBudgetBytes]).toEqual([384 * MIB, 192 * MIB]);
  });

  it('summarises the tile counts past their share of a small budget, and not with tileBudgetBytes over it', () => {
    const small: TrendEngineOptions = { memoryBudgetBytes: 6_000 };
    const exact = busy(new TrendEngine());
    expect(approximate(exact)).toBe(false);
    const bounded = busy(new TrendEngine(small));
    expect(approximate(bounded)).toBe(true);
    // Summarised, though not down to 3,000 bytes: a tile keeps its top tag, and the newest minute is not summarised.
    expect(bounded.countedBytes).toBeLessThan(exact.countedBytes);
    expect(approximate(busy(new TrendEngine({ ...small, tileBudgetBytes: 256 * MIB })))).toBe(false);
  });

  it('gives a restored engine the same budgets from the options of the run that restores it', () => {
    const saved = new TrendEngine().snapshot();
    const restored = TrendEngine.restore(saved, { memoryBudgetBytes: 6_000 });
    expect([restored.memoryBudgetBytes, restored.tileBudgetBytes]).toEqual([6_000, 3_000]);
    expect(approximate(busy(restored))).toBe(true);
    const overridden = TrendEngine.restore(saved, { memoryBudgetBytes: 6_000, tileBudgetBytes: 256 * MIB });
    expect(overridden.tileBudgetBytes).toBe(256 * MIB);
    expect(approximate(busy(overridden))).toBe(false);
  });

  it('counts the bytes the state takes: the region windows, the tile counts, the tag dictionary and the dedupe ids', () => {
    const engine = new TrendEngine();
    expect(engine.countedBytes).toBe(0);
    busy(engine);
    expect([engine.tileBytes, engine.windowBytes].every((bytes) => bytes > 0)).toBe(true);
    expect(engine.countedBytes).toBe(engine.tileBytes + engine.windowBytes + engine.dictionaryBytes + engine.dedupeBytes);
  });

  it('gives the region windows three eighths of it, unless windowBudgetBytes is given, and summarises them past it', () => {
    expect(WINDOW_SHARE).toBe(0.375);
    expect(new TrendEngine().windowBudgetBytes).toBe(144 * MIB);
    expect(new TrendEngine({ memoryBudgetBytes: 64 * MIB }).windowBudgetBytes).toBe(24 * MIB);
    expect(new TrendEngine({ memoryBudgetBytes: 64 * MIB, windowBudgetBytes: 1_000 }).windowBudgetBytes).toBe(1_000);
    const region = (engine: TrendEngine) => engine.trends({ region: 'world', bbox: null, window: '24h', sort: 'top', limit: 50 });
    const exact = region(busy(new TrendEngine()));
    expect([exact.approximate, exact.maxError]).toEqual([false, 0]);
    const bounded = region(busy(new TrendEngine({ windowBudgetBytes: 2_000 })));
    expect(bounded.approximate).toBe(true);
    expect(bounded.maxError).toBeGreaterThan(0);
    // Posts are never summarised; every count is short of the exact one by at most the error.
    expect(bounded.total).toBe(exact.total);
    for (const trend of bounded.trends) {
      const want = exact.trends.find((t) => t.tag === trend.tag)?.count ?? Number.POSITIVE_INFINITY;
      expect(want - trend.count).toBeGreaterThanOrEqual(0);
      expect(want - trend.count).toBeLessThanOrEqual(bounded.maxError);
    }
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses a memory budget of %s with a RangeError, in a new engine and a restored one',
    (bytes) => {
      const message = new RangeError(`the memory budget must be 0 or more bytes; got ${bytes}`);
      expect(() => new TrendEngine({ memoryBudgetBytes: bytes })).toThrow(message);
      // Even with the tile counts' budget given, and before the snapshot is read: a bad option is not a damaged save.
      expect(() => new TrendEngine({ memoryBudgetBytes: bytes, tileBudgetBytes: 1_000 })).toThrow(message);
      expect(() => TrendEngine.restore(null as never, { memoryBudgetBytes: bytes })).toThrow(message);
    },
  );
});
