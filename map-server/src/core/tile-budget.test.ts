import { describe, expect, it } from 'vitest';
import { blockBytes, fitBudget, type BlockSlot } from './tile-budget';
import { narrowed, type Block } from './tile-blocks';

/** A kept block of `tiles` tiles (cells 0, 1, ...), each holding the tags and counts `tile(i)` gives, ids ascending. */
function blockOf(tiles: number, tile: (i: number) => [number, number][]): Block {
  const runs = Array.from({ length: tiles }, (_, i) => tile(i));
  const entries = runs.flat();
  let end = 0;
  return narrowed({
    cells: Uint32Array.from(runs, (_, i) => i),
    ends: Uint32Array.from(runs, (run) => (end += run.length)),
    posts: Uint32Array.from(runs, (run) => run.reduce((sum, [, count]) => sum + count, 0)),
    sumLat: new Float64Array(tiles),
    sumLon: new Float64Array(tiles),
    errors: new Uint32Array(tiles),
    tags: Uint32Array.from(entries, ([tag]) => tag),
    counts: Uint32Array.from(entries, ([, count]) => count),
  });
}

/** A slot holding `block`, and what it holds now. */
function slotOf(block: Block): BlockSlot & { held: () => Block } {
  let held = block;
  return {
    get block() {
      return held;
    },
    replace: (summary) => (held = summary),
    held: () => held,
  };
}

describe('fitBudget', () => {
  it('puts narrowed summaries in place, counting the bytes they take as kept', () => {
    // 50 tiles of 20 tags counted 1 to 20 times: summarised to 16 tags a tile (each short by at most 4).
    const slot = slotOf(blockOf(50, () => Array.from({ length: 20 }, (_, t): [number, number] => [t, t + 1])));
    const before = blockBytes(slot.held());
    const after = fitBudget([slot], before, before - 100);
    expect(after.replaced).toBe(1);
    expect(after.used).toBe(blockBytes(slot.held()));
    expect(after.used).toBeLessThan(before - 100);
    const summary = slot.held();
    expect([summary.tags, summary.counts, summary.errors]).toEqual([expect.any(Uint16Array), expect.any(Uint8Array), expect.any(Uint8Array)]);
    expect([summary.tags.length, Math.max(...summary.errors)]).toEqual([50 * 16, 4]);
  });

  it('leaves a block whose summary would take more bytes, as a wider error column can', () => {
    // 300 tiles of one tag counted 1,000 times, and one of two tags counted 300 times: only the last step
    // (one tag a tile) cuts anything, and its error of 300 would widen the error column of all 301 tiles.
    const slot = slotOf(
      blockOf(301, (i): [number, number][] =>
        i < 300
          ? [[5, 1_000]]
          : [
              [1, 300],
              [2, 300],
            ],
      ),
    );
    const block = slot.held();
    const used = blockBytes(block);
    expect(fitBudget([slot], used, used - 1)).toEqual({ used, replaced: 0 });
    expect(slot.held()).toBe(block);
  });
});
