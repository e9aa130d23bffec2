/**
 * Everything counted per accepted post, and the one clock it runs on: the windows per region
 * (`WindowStore`), the tag counts per map tile and time bucket for boxes and labels (`TileCounts`), the
 * sparkline series read from the windows' buckets (`RegionSparks`), and the dictionary that numbers the tags
 * they all count.
 *
 * Why one object: the store and the tiles each keep the minute their windows end in, and queries read them
 * at the same end. `advanceTo` moves them together, and `record` moves them to a newer post before counting
 * it, so they always end in the same minute without the engine keeping them in step by hand. It is also
 * exactly what the queries read (`TrendSources`, `TagRegionSources`), so they take it and not the engine.
 * Pure: time is an argument (epoch ms, as an event's `ts`), nothing here does I/O.
 *
 * A snapshot holds the dictionary, the store and the tiles. Older formats also held a fine grid of every post
 * of the day, which boxes were counted from before the tile counts answered them: format 2's is ignored, and
 * format 1's (which has no tiles) is read to rebuild the tiles from its posts; formats 1 to 3 kept the
 * windows' minutes for the whole day, merged on restore into the tiered buckets. The sparkline series are not
 * saved: they are reread from the store's buckets on demand.
 */
import { WORLD } from '../../../common/browser/api';
import type { GeoEvent } from '../../../common/node/event';
import { TagDictionary, type TagDictionarySnapshot } from './tag-dictionary';
import { BUCKET_MS, WindowStore, type WindowStoreOptions, type WindowStoreSnapshot } from './window-store';
import { GridIndex, type GridIndexSnapshot } from './grid-index';
import { RegionSparks } from './region-sparks';
import { TileCounts, type TileCountsSnapshot } from './tile-counts';
import { DEFAULT_TILE_BUDGET_BYTES } from './tile-budget';
import { checkNullableNumber, checkNumber, checkObject, damaged } from './snapshot-check';
import { SNAPSHOT_VERSION } from './engine-snapshot';
import type { TrendSources } from './trends-query';
import type { TagRegionSources } from './tag-regions';

/** The leaf for posts in no country (the sea); counted in the world only. */
export const NO_COUNTRY = '-';

/** Countries roll up into the world, the sea only into it; the windows may take `budgetBytes`. */
const storeOptions = (budgetBytes: number): WindowStoreOptions => ({
  rollup: (leaf) => (leaf === NO_COUNTRY ? [WORLD] : [leaf, WORLD]),
  budgetBytes,
});

/**
 * What the counts may take before they are summarised, in bytes: the tile counts, the region windows, and
 * `others`, for what is held but cannot be summarised: the tag dictionary and what the owner adds
 * (`alsoHeld`, the dedupe's ids). Past their share, the windows and tiles give up what they take beyond it,
 * so that the state stays within the sum, and the summaries let go of tags the dictionary can then forget
 * (`sweep`).
 */
export interface CountBudgets {
  tiles: number;
  windows: number;
  others: number;
}

/** The budgets of counts made with none given: the tile counts' default, the windows and dictionary unbounded. */
const DEFAULT_BUDGETS: CountBudgets = { tiles: DEFAULT_TILE_BUDGET_BYTES, windows: Number.POSITIVE_INFINITY, others: Number.POSITIVE_INFINITY };

/** Minutes of event time between two sweeps of the dictionary at most (buckets drop by the hour). */
const SWEEP_EVERY_MINUTES = 60;
/** A sweep comes sooner when the live tags grew by this factor (plus `SWEEP_SLACK`) since the last one. */
const SWEEP_GROWTH = 1.5;
const SWEEP_SLACK = 10_000;

/** What `PostCounts` counts, as plain data. */
export interface PostCountsSnapshot {
  dictionary: TagDictionarySnapshot;
  store: WindowStoreSnapshot;
  /** Absent in snapshot format 1: rebuilt from `grid`. */
  tiles?: TileCountsSnapshot;
  /** Formats 1 and 2 only: every post of the day on a fine grid (read in format 1, ignored in 2). */
  grid?: GridIndexSnapshot;
  /**
   * When the dictionary was last swept (a minute; null: never) and its live tags then: a restored run sweeps
   * when the saved one would have, so it forgets (and respells) tags alike. Absent before format 4.
   */
  sweep?: { at: number | null; live: number };
}

export class PostCounts implements TrendSources, TagRegionSources {
  /** Sparkline counts of listed tags per time bucket, reread only where posts landed since. */
  readonly sparks: RegionSparks;

  constructor(
    /** Tag keys as small integers, with their display forms. */
    readonly dictionary = new TagDictionary(),
    /** Posts per tag per region over every window (`storeOptions`). */
    readonly store = new WindowStore(storeOptions(DEFAULT_BUDGETS.windows)),
    /** The last 24 h per map tile and time bucket, for boxes ("Trends in this view") and the labels. */
    readonly tiles = new TileCounts(),
    private readonly budgets: CountBudgets = { ...DEFAULT_BUDGETS, tiles: tiles.budgetBytes, windows: store.budgetBytes },
  ) {
    this.sparks = new RegionSparks(this.store);
  }

  /** Bytes held beside the counts that the budget also covers (the engine's dedupe ids); see `CountBudgets`. */
  alsoHeld: () => number = () => 0;

  /** The newest minute the dictionary was swept at, and its live tags then. */
  private sweptAt = Number.NEGATIVE_INFINITY;
  private liveAtSweep = 0;

  /** Empty counts held to `budgets`. */
  static create(budgets: CountBudgets): PostCounts {
    return new PostCounts(undefined, new WindowStore(storeOptions(budgets.windows)), new TileCounts(budgets.tiles), budgets);
  }

  /** What the state takes, as the budgets count it: the windows' tallies and totals, the tile counts' columns, the dictionary and `alsoHeld`. */
  bytes(): number {
    return this.store.bytes() + this.tiles.bytes() + this.dictionary.bytes() + this.alsoHeld();
  }

  /**
   * Forgets the tags no count holds any more (`TagDictionary.retain`), besides `keep` (a post's tags, interned
   * and about to be counted); their ids go to new tags, so the sparkline series of those ids go too. Returns
   * how many were forgotten.
   */
  sweep(keep: readonly number[] = []): number {
    const live = new Uint8Array(this.dictionary.size);
    this.store.markTagIds(live);
    this.tiles.markTagIds(live);
    for (const id of keep) live[id] = 1;
    const isLive = (id: number) => live[id] === 1;
    const forgotten = this.dictionary.retain(isLive);
    if (forgotten > 0) this.sparks.retain(isLive);
    this.liveAtSweep = this.dictionary.liveCount;
    return forgotten;
  }

  /** A copy of everything counted, as plain data. */
  snapshot(): PostCountsSnapshot {
    const sweep = { at: Number.isFinite(this.sweptAt) ? this.sweptAt : null, live: this.liveAtSweep };
    return { dictionary: this.dictionary.snapshot(), store: this.store.snapshot(), tiles: this.tiles.snapshot(), sweep };
  }

  /**
   * The counts `snapshot` copied, from a snapshot of `format` (`READABLE_SNAPSHOT_VERSIONS`): every tag id
   * they hold is checked to be in the dictionary, and the store's and the tiles' ends to be one. `where`
   * names it in a malformed snapshot's RangeError; the counts take `budgets` (this run's budgets,
   * not the saved run's), and are read (formats 2 to 4) or rebuilt from the grid's posts (format 1).
   */
  static restore(snapshot: PostCountsSnapshot, where = 'counts', budgets: CountBudgets = DEFAULT_BUDGETS, format = SNAPSHOT_VERSION): PostCounts {
    const s = checkObject(snapshot, where);
    const dictionary = TagDictionary.restore(s.dictionary as TagDictionarySnapshot, `${where}.dictionary`);
    const store = WindowStore.restore(s.store as WindowStoreSnapshot, storeOptions(budgets.windows), dictionary.size, `${where}.store`);
    // Its format says whether the snapshot holds tile counts (2 to 4) or they are rebuilt from the grid (1).
    if (format === 1 && s.tiles !== undefined) damaged(`${where}.tiles`, 'a snapshot of format 1 holds no tile counts');
    if (format >= 3 && s.grid !== undefined) damaged(`${where}.grid`, `a snapshot of format ${format} holds no grid`);
    const tiles =
      format === 1
        ? tilesFrom(GridIndex.restore(s.grid as GridIndexSnapshot, dictionary.size, `${where}.grid`), budgets.tiles)
        : TileCounts.restore(s.tiles as TileCountsSnapshot, dictionary.size, `${where}.tiles`, budgets.tiles);
    if (tiles.newestMinute !== (store.endMinute ?? Number.NEGATIVE_INFINITY)) {
      damaged(`${where}.tiles.newestMinute`, `the tiles end at minute ${tiles.newestMinute}, the windows at ${store.endMinute}`);
    }
    const counts = new PostCounts(dictionary, store, tiles, budgets);
    if (s.sweep !== undefined) {
      const sweep = checkObject(s.sweep, `${where}.sweep`);
      counts.sweptAt = checkNullableNumber(sweep.at, `${where}.sweep.at`, true) ?? Number.NEGATIVE_INFINITY;
      counts.liveAtSweep = checkNumber(sweep.live, `${where}.sweep.live`, true);
    }
    return counts;
  }

  /** Changes whenever a count or the windows' end does: answers computed at an equal version are still right. */
  get version(): number {
    return this.store.version;
  }

  /** The newest time the windows end at, in ms (the newest post's, or a later clock's), or null before any. */
  get endMs(): number | null {
    return this.store.endMs;
  }

  /** True when a post at `atMs` would fall before every window. */
  isStale(atMs: number): boolean {
    return this.store.isStale(atMs);
  }

  /** The ids of a post's tags, interned (new keys get an id; each spelling counts toward its display form). */
  intern(event: GeoEvent): number[] {
    // A loop, not map: its closure would be allocated for every post.
    const ids: number[] = [];
    for (let i = 0; i < event.tags.length; i += 1) ids.push(this.dictionary.intern(event.tags[i], event.display[i]));
    return ids;
  }

  /** Counts one post with its interned tags everywhere; false (nothing counted) when it is stale. */
  record(event: GeoEvent, tagIds: readonly number[]): boolean {
    this.advanceTo(event.ts, tagIds);
    if (this.store.add(event.ts, event.cc ?? NO_COUNTRY, tagIds) === 'stale') return false;
    this.tiles.add(Math.floor(event.ts / BUCKET_MS), event.lat, event.lon, tagIds);
    return true;
  }

  /**
   * Moves the end of the windows and of the tiles forward to `toMs` (never back), together. On a new minute,
   * the budgets first give up what the dictionary and `alsoHeld` take past their share, and the dictionary is swept when due
   * (`keep`: tags interned but not yet counted).
   */
  advanceTo(toMs: number, keep: readonly number[] = []): void {
    const before = this.store.endMinute;
    const newMinute = before === null || Math.floor(toMs / BUCKET_MS) > before;
    const excess = newMinute ? this.squeeze() : 0;
    this.store.advanceTo(toMs);
    const endMinute = this.store.endMinute;
    if (endMinute === null) return;
    this.tiles.advanceTo(endMinute);
    if (!newMinute) return;
    const due = endMinute - this.sweptAt >= SWEEP_EVERY_MINUTES || this.dictionary.liveCount >= this.liveAtSweep * SWEEP_GROWTH + SWEEP_SLACK;
    if (excess > 0 || due) {
      this.sweptAt = endMinute;
      this.sweep(keep);
    }
  }

  /**
   * Lowers the windows' and the tiles' budgets by what the dictionary and `alsoHeld` take past their share
   * (`others`), in proportion to their budgets (their own budgets when it fits); returns that excess in bytes.
   */
  private squeeze(): number {
    const excess = Math.max(0, this.dictionary.bytes() + this.alsoHeld() - this.budgets.others);
    const { windows, tiles } = this.budgets;
    const windowPart = excess === 0 ? 0 : (excess * windows) / (windows + tiles);
    this.store.budgetBytes = Math.max(0, windows - windowPart);
    this.tiles.budgetBytes = Math.max(0, tiles - (excess - windowPart));
    return excess;
  }
}

/**
 * Tile counts for a format-1 snapshot, which has none: the grid's posts, each at its fine cell's centre, hour by hour
 * from the oldest (so that the oldest hour is kept whole, as a run that counted them kept it), ending where
 * the grid does.
 */
function tilesFrom(grid: GridIndex, budgetBytes: number): TileCounts {
  const tiles = new TileCounts(budgetBytes);
  grid.forEachPost((minute, lat, lon, tagIds) => tiles.add(minute, lat, lon, tagIds));
  if (Number.isFinite(grid.newestMinute)) tiles.advanceTo(grid.newestMinute);
  return tiles;
}
