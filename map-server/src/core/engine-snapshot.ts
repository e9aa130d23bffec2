/**
 * The trend engine's state as plain data (`TrendEngine.snapshot` / `TrendEngine.restore`): numbers,
 * strings, arrays, typed arrays and plain objects, what `v8.serialize` and `structuredClone` carry. The
 * map-server saves it to its data directory and loads it before it listens, so that a restart keeps every
 * count.
 *
 * What is in it, and what is not:
 * - the counts (`PostCountsSnapshot`: the tag dictionary with its spelling tallies, the windows' time
 *   buckets, the tile counts' blocks), the dedupe's ids (`SeenIdsSnapshot`), the newest posts (`PostRingSnapshot`)
 *   and whether the windows follow the clock. Each structure writes and checks its own part, beside its
 *   code, flat: a typed array per field, not an object per entry.
 * - not the per-process counters (`acceptedCount`, `skips()`): like Prometheus counters they count what
 *   this process did, and start at 0 in the next one.
 * - not what is derived from the counts and rebuilt on demand: the windows' running totals (summed again
 *   from the buckets), the answer cache, the sparkline series, the engine's listeners.
 * Sizes: 8 bytes per (bucket, leaf, tag) pair of the windows, 36 bytes per (bucket, level, tile) and 8 per tag entry of the tile counts, 8 bytes per id within the dedupe horizon, and the strings of the dictionary and of the
 * newest posts.
 */
import type { PostCountsSnapshot } from './post-counts';
import type { PostRingSnapshot } from './post-ring';
import type { SeenIdsSnapshot } from './seen-ids';
import type { OpenHoursSnapshot } from './history/open-hours';

/**
 * The snapshot's own format, checked by `TrendEngine.restore`: bumped on any change to what the snapshot
 * holds or means, so that a save from another build is refused with a clear message, never misread.
 */
export const SNAPSHOT_VERSION = 4;

/**
 * The formats this build reads. Formats 1 to 3 (before the windows' buckets were tiered) keep the windows in
 * minute buckets for the whole day: each minute is merged into the bucket it is filed in now (tiers.ts), as
 * a run that had counted it would hold it. Format 2 (before boxes were counted from the tile counts) also holds
 * `counts.grid`, every post of the day on a 0.1° grid: it is ignored. Format 1 (before tile counts) has no
 * `counts.tiles`: they are rebuilt from the grid's posts, each at the centre of its 0.1° cell, so a save
 * from that build loads with every count it had, and its labels sit within 0.05° of where they would have
 * been.
 */
export const READABLE_SNAPSHOT_VERSIONS: readonly number[] = [1, 2, 3, SNAPSHOT_VERSION];

export interface EngineSnapshot {
  /** `SNAPSHOT_VERSION` of the build that took it. */
  format: number;
  /** Whether the windows advance with the clock (`TrendEngine.tick`): a live stream's do, a replay's do not. */
  followClock: boolean;
  counts: PostCountsSnapshot;
  seen: SeenIdsSnapshot;
  posts: PostRingSnapshot;
  /**
   * History's hours not yet written, and the next part's number (open-hours.ts). Optional, with no change of
   * format: a save from before history has none (history starts empty), and an older build ignores it.
   */
  history?: OpenHoursSnapshot;
}
