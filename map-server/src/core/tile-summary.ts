/**
 * The bounded form of a block (see tile-blocks.ts): a mergeable heavy-hitters summary that keeps at most k
 * tags per tile and says, per tile, by how much any count may fall short (`Block.errors`). What the tile
 * counts use once they are past their memory budget. Pure.
 */
import type { Block } from './tile-blocks';

/**
 * `block` with at most `k` (an integer, at least 1) tag entries per tile: Misra-Gries, as it merges in
 * Agarwal et al., "Mergeable summaries" (PODS 2012). A tile holding more than `k` entries takes c, its
 * (k+1)-th largest count, off every count, drops the entries left at 0 or less, and adds c to its error;
 * other tiles are as they were (and a block with none over `k` is returned itself). Every tag loses at most
 * c, and at least k+1 entries lose c each, so the error stays within (its tag occurrences - what is kept) /
 * (k+1) through any mix of merges and summaries (k the smallest used). Tags stay ascending; posts and sums
 * are kept (shared with `block`). Linear in the entries: the cut is selected, not sorted, in a copy of the
 * tile's counts (quickselect: 1.2-1.7x faster than sorting the copy, measured on tiles of 20 to 40k entries).
 */
export function summarise(block: Block, k: number): Block {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`a summary keeps at least 1 tag a tile, not ${k}`);
  const tiles = block.cells.length;
  let widest = 0;
  for (let i = 0; i < tiles; i += 1) widest = Math.max(widest, block.ends[i] - (i === 0 ? 0 : block.ends[i - 1]));
  if (widest <= k) return block;
  // Per tile, the count taken off every entry (0: untouched), and the entries kept.
  const cuts = new Uint32Array(tiles);
  const scratch = new Uint32Array(widest);
  let kept = 0;
  for (let i = 0; i < tiles; i += 1) {
    const start = i === 0 ? 0 : block.ends[i - 1];
    const length = block.ends[i] - start;
    if (length <= k) {
      kept += length;
      continue;
    }
    for (let e = 0; e < length; e += 1) scratch[e] = block.counts[start + e];
    cuts[i] = largest(scratch, length, k);
    for (let e = start; e < block.ends[i]; e += 1) if (block.counts[e] > cuts[i]) kept += 1;
  }
  const out: Block = {
    ...block,
    ends: new Uint32Array(tiles),
    errors: new Uint32Array(tiles),
    tags: new Uint32Array(kept),
    counts: new Uint32Array(kept),
  };
  let at = 0;
  for (let i = 0; i < tiles; i += 1) {
    const cut = cuts[i];
    for (let e = i === 0 ? 0 : block.ends[i - 1]; e < block.ends[i]; e += 1) {
      if (block.counts[e] <= cut) continue;
      out.tags[at] = block.tags[e];
      out.counts[at++] = block.counts[e] - cut;
    }
    out.ends[i] = at;
    out.errors[i] = block.errors[i] + cut;
  }
  return out;
}

/** Rounds of partitioning `largest` allows before it sorts what is left (a guard against bad pivots). */
const SELECT_ROUNDS = 40;

/**
 * The (rank+1)-th largest of `values[0..length)`, which it reorders: quickselect with a three-way partition
 * (a tile's tail is mostly equal small counts, which a two-way partition would split badly), pivot the
 * median of three; expected linear. Past `rounds` rounds it sorts the rest, so never worse than n log n.
 * Exported for its tests.
 */
export function largest(values: Uint32Array, length: number, rank: number, rounds = SELECT_ROUNDS): number {
  let lo = 0;
  let hi = length - 1;
  for (let round = 0; lo < hi; round += 1) {
    if (round === rounds) {
      const rest = values.subarray(lo, hi + 1).sort();
      return rest[hi - rank];
    }
    const pivot = medianOf(values[lo], values[(lo + hi) >>> 1], values[hi]);
    // Descending: [lo, above) > pivot, [above, i) = pivot, (below, hi] < pivot.
    let above = lo;
    let below = hi;
    let i = lo;
    while (i <= below) {
      const v = values[i];
      if (v > pivot) {
        values[i++] = values[above];
        values[above++] = v;
      } else if (v < pivot) {
        values[i] = values[below];
        values[below--] = v;
      } else i += 1;
    }
    if (rank < above) hi = above - 1;
    else if (rank > below) lo = below + 1;
    else return pivot;
  }
  return values[lo];
}

function medianOf(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}
