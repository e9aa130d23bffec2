/**
 * What the tile counts may hold, and how they are brought back within it: past the budget, the settled
 * buckets' blocks are summarised (tile-summary.ts) with fewer and fewer tags a tile, the oldest and coarsest
 * tiers first, until they fit. Counts stay exact while they fit; a summarised tile's counts may fall short by
 * its error, which answers report. Pure.
 *
 * The bytes are those of the blocks' columns as kept (tile-blocks.ts `narrowed`): 26 to 32 a tile (cell and
 * end, 4 each; posts and error, 1 to 4 each; two 8-byte coordinate sums) and 3 to 8 a tag entry (tag, 2 or 4;
 * count, 1 to 4); plus, for the minute still taking posts, 8 a tag of a post per level and 32 a tile. The
 * process's own overhead (the Map of buckets, arrays' headers, the garbage collector's slack) comes on top.
 */
import { DEFAULT_MEMORY_BUDGET_BYTES } from '../../../common/node/memory-budget';
import { narrowed, type Block } from './tile-blocks';
import { summarise } from './tile-summary';

/** What a tile and a tag entry of the minute still taking posts cost until it is compacted. */
export const TILE_BYTES = 32;
export const ENTRY_BYTES = 8;

/**
 * The tile counts' budget when none is given: their half (`TILE_SHARE` in trend-engine.ts) of the default
 * memory budget, 192 MB. 3M posts a day took 70 MB (10k-tag vocabulary) and 105 MB (1M tags) in `npm run
 * bench -- store`, exact.
 */
export const DEFAULT_TILE_BUDGET_BYTES = DEFAULT_MEMORY_BUDGET_BYTES / 2;

/** The tags a tile keeps at each step of summarising, in order: the long tail goes first, the top tags last. */
export const SUMMARY_KEEPS = [256, 64, 16, 4, 1] as const;

/** The bytes of a block's columns, as wide as they are kept. */
export function blockBytes(block: Block): number {
  return (
    block.cells.byteLength +
    block.ends.byteLength +
    block.posts.byteLength +
    block.sumLat.byteLength +
    block.sumLon.byteLength +
    block.errors.byteLength +
    block.tags.byteLength +
    block.counts.byteLength
  );
}

/** One block the budget may summarise: read it, and put its summary in its place. */
export interface BlockSlot {
  block: Block;
  replace(summary: Block): void;
}

/**
 * Summarises the blocks of `slots` (the ones to lose detail first, first) with each of `SUMMARY_KEEPS` in
 * turn until `used` bytes fit `budget`; returns the bytes used after, and how many blocks were replaced.
 * Blocks already within a step are left as they are (a check of their tiles' widths), and so is a block
 * whose summary would not be smaller: a tile's error past 255 widens the block's error column, which can
 * outweigh the few entries a step drops.
 */
export function fitBudget(slots: readonly BlockSlot[], used: number, budget: number): { used: number; replaced: number } {
  let replaced = 0;
  for (const keep of SUMMARY_KEEPS) {
    for (const slot of slots) {
      if (used <= budget) return { used, replaced };
      const before = slot.block;
      const after = narrowed(summarise(before, keep));
      if (after === before) continue;
      const change = blockBytes(after) - blockBytes(before);
      if (change >= 0) continue;
      used += change;
      slot.replace(after);
      replaced += 1;
    }
  }
  return { used, replaced };
}
