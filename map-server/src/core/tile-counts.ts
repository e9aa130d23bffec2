/**
 * Posts per tag per map tile and time bucket, over the last 24 h: what the map's labels ("the top tag of each
 * tile in view", `tops`) and "Trends in this view" (a box's tags, `boxCounts`) are read from, at a cost set by
 * the tiles and buckets read, not by the posts in them.
 *
 * Shape, and why:
 * - Cells are Web Mercator tiles at every other zoom, `TILE_LEVELS` (z2 continents .. z12 cities, see
 *   tiles.ts). A post counts once at each level: its tile's posts, the sums of its coordinates (the label
 *   goes at the weighted centre of the tile's posts) and one per tag.
 * - Time buckets are tiered, as a monitoring system keeps its samples: minutes for the newest hour
 *   (`MINUTE_TIER`), 10 minutes to 6 h (`TEN_MINUTE_TIER`), hours to 24 h. A bucket is rolled up into the
 *   coarser tier by merging, once all of it is older than its tier; each minute is in exactly one bucket. A
 *   window is answered from whole buckets, so its old edge is rounded outward to the bucket it falls in
 *   (to the minute up to 1 h, to 10 minutes up to 6 h, to the hour beyond): the answer says where it starts.
 * - A bucket collects posts in `OpenCells` (one number per tag of a post and level) and is compacted into
 *   sorted columns (`Block`, 3 to 8 bytes a tag entry) once its minute has passed; a late post (Kafka partitions
 *   read at different paces) opens it again, and the next compaction merges it in. The newest minute is read
 *   in place by queries, only the level and tiles they ask for.
 * - Queries keep what they built from blocks (merged tiers, ranked blocks) while those blocks stand: blocks
 *   never change once built, they are replaced, so a kept result is valid exactly while its parts are the
 *   same objects. All of it is let go when buckets drop, roll up or are summarised.
 * - Exact while the blocks fit their budget (`budgetBytes`); past it, settled blocks are summarised
 *   (tile-budget.ts, tile-summary.ts) and each tile's counts may fall short by its error, which answers report.
 * Pure: minutes are arguments (`floor(ms / 60_000)`), nothing here does I/O.
 */
import { modulo } from '../../../common/browser/modulo';
import { HORIZON_MINUTES, MINUTE_TIER, ROLL_UPS, TEN_MINUTE_TIER, isDropped, placeOf, rollsUp } from './tiers';
import { checkNullableNumber, checkNumber, checkObject, damaged } from './snapshot-check';
import { OpenCells, emptyBlock, mergeAll, mergeBlocks, narrowed, type Block } from './tile-blocks';
import { FINEST_LEVEL, TILE_LEVELS, partHolds, rangeHolds, tileX, tileY, type CoverPart, type TileRange } from './tiles';
import { NOTHING, forEachTileIn, retally, sparkBox, withFresh, type BoxRead, type BoxTally, type BucketRead, type SideRead } from './tile-box';
import { rankBlock, tileRisers, tileTops, type TileRiser, type TileTop } from './tile-tops';
import type { RisingPlan } from './rising';
import { DEFAULT_TILE_BUDGET_BYTES, ENTRY_BYTES, TILE_BYTES, blockBytes, fitBudget, type BlockSlot } from './tile-budget';
import { decodeBuckets, encodeBuckets, type TileCountsSnapshot } from './tile-snapshot';

export type { BoxRead, BoxTally, TileCountsSnapshot, TileTop };

/** A box's counts (`TileCounts.boxCounts`), where they start, and the sparklines of the tags asked for from the same read. */
export interface BoxCounted extends BoxTally {
  fromMinute: number | null;
  splitMinute: number | null;
  /** Per id, its posts per slot: `slots` slots of `slotMinutes` from `fromMinute` (within the minutes read). */
  sparks: (ids: readonly number[], fromMinute: number, slotMinutes: number, slots: number) => Int32Array[];
}

/** The finest level whose 10-minute and hour buckets are read merged (see `blocksFor`). */
const MERGED_UP_TO = 8;
/**
 * The finest level whose windows are read as a ranked block and about an hour of entries (see `tops`): the
 * world and continent views, where a window of 24 h is hundreds of thousands of entries and a viewport is
 * every tile there is.
 */
const RANKED_UP_TO = 6;
/** Open entries (tags of posts times levels) of the newest minute past which a query compacts it rather than read it in place. */
const OPEN_READ_LIMIT = 60_000;

/** Boxes whose reads are kept between queries (`boxCounts`): a few views asked again and again. */
const KEPT_BOXES = 16;
/** Boxes remembered as asked once, at most (then forgotten all at once): a busy map's worth of pans. */
const ASKED_ONCE = 1_024;
/** What the kept boxes' tiles and tallies may take, in bytes (`keptBytes`): a continent over 24 h is a few MB. */
const KEPT_BOX_BYTES = 32 * 1024 * 1024;

/** A settled bucket's read of a box, and the blocks it was read from (the read stands while they do). */
interface KeptRead {
  blocks: Block[];
  read: SideRead;
}

/** A box's reads of its settled buckets, their tally, and what their arrays take (`keptBytes`, as kept). */
interface KeptBox {
  reads: Map<Bucket, KeptRead>;
  tally: BoxTally;
  bytes: number;
}

/** What a kept box's arrays take, in bytes: 4 a tile found, 12 a tag of its tally. */
function keptBytes(reads: Map<Bucket, KeptRead>, tally: BoxTally): number {
  let tiles = 0;
  for (const { read } of reads.values()) tiles += read.tiles.length;
  return 4 * tiles + 12 * tally.ids.length;
}

/** One time bucket: `minutes` (1, 10 or 60) from `start`, a block and maybe open counts per level. */
interface Bucket {
  start: number;
  minutes: number;
  blocks: Block[];
  /** Counts not yet compacted (every level), or null. */
  open: OpenCells | null;
}

/**
 * What a window read from the buckets: the asked minutes rounded outward to the buckets they are filed in,
 * `fromMinute` (the start of the first minute's bucket) to `toMinute` (the end of the last minute's, or the
 * newest minute if that is sooner); both null when no bucket holds any of the window.
 */
export interface TileTops {
  fromMinute: number | null;
  toMinute: number | null;
  tops: TileTop[];
  /** The largest error of any tile read (0: every count exact). */
  maxError: number;
}

/** The rising tag of each tile (`TileCounts.risers`) and where the periods counted start. */
export interface TileRisers {
  fromMinute: number | null;
  /** The first minute of the recent period as counted (its asked start rounded back to a bucket's). */
  splitMinute: number | null;
  toMinute: number | null;
  tops: TileRiser[];
  maxError: number;
}

const LAYOUT = { levels: [...TILE_LEVELS], minuteTier: MINUTE_TIER, tenMinuteTier: TEN_MINUTE_TIER, horizonMinutes: HORIZON_MINUTES };
const LEVELS = TILE_LEVELS.length;

export class TileCounts {
  /** The buckets of each tier, by start minute. */
  private readonly minutes = new Map<number, Bucket>();
  private readonly tens = new Map<number, Bucket>();
  private readonly hours = new Map<number, Bucket>();
  private newest = Number.NEGATIVE_INFINITY;
  private maxTagId = -1;
  /** What `tops` made of the blocks it last read together, per level, window length and part (`kept`). */
  private readonly built = new Map<string, { parts: Block[]; value: unknown }>();
  /** Per level and tier, the merged block of the 10-minute or hour buckets last read together (`blocksFor`). */
  private readonly merged = new Map<string, { parts: Block[]; block: Block }>();
  /** Posts by tag id while one tile is ranked, all zero between; and the ids touched. */
  private scratch = new Int32Array(0);
  /** Per box asked lately (its cover, as JSON), what its settled buckets' reads and tally were (`boxCounts`), least recently asked first. */
  private readonly boxes = new Map<string, KeptBox>();
  /** Boxes asked once and not kept (yet): kept if asked again. */
  private readonly askedOnce = new Set<string>();
  /** Per tag id, its recent and reference posts while a box is added up (`boxCounts`), all zero between. */
  private pairs = new Int32Array(0);

  /**
   * `budgetBytes`: what the blocks may take (see tile-budget.ts; the owner may lower it, see `PostCounts`). Past it, the settled buckets are summarised
   * each time the newest minute moves on, until they fit; until then every count is exact.
   */
  constructor(public budgetBytes = DEFAULT_TILE_BUDGET_BYTES) {}

  /** The newest minute seen or advanced to. */
  get newestMinute(): number {
    return this.newest;
  }

  /** Counts one post at every level; false when its bucket is out of the horizon. */
  add(minute: number, lat: number, lon: number, tagIds: ArrayLike<number>): boolean {
    this.advanceTo(minute);
    let bucket: Bucket;
    if (minute === this.newest) {
      // The newest minute (most posts): its own minute bucket, never dropped; found without making a Place (issue 14).
      bucket = this.bucketAt(this.minutes, minute, 1);
    } else {
      // Out when its bucket is (its hour, that far back), as the windows' `isStale`: whatever the order of arrival.
      const place = this.placeOf(minute);
      if (isDropped(place.start, this.newest)) return false;
      bucket = this.bucketAt(place.tier, place.start, place.minutes);
      // Into any bucket but the newest minute's, which no box keeps: the post is late.
      if (place.start !== this.newest) this.forgetReadsOf(bucket);
    }
    bucket.open ??= new OpenCells(TILE_LEVELS);
    bucket.open.add(tileX(lon, FINEST_LEVEL), tileY(lat, FINEST_LEVEL), lat, lon, tagIds);
    for (let t = 0; t < tagIds.length; t += 1) if (tagIds[t] > this.maxTagId) this.maxTagId = tagIds[t];
    return true;
  }

  /**
   * Moves the newest minute forward to `minute` (never back): drops the buckets that fall out of the
   * horizon, compacts those whose minutes have passed and rolls the ones past their tier into the next.
   */
  advanceTo(minute: number): void {
    if (minute <= this.newest) return;
    this.newest = minute;
    let dropped = 0;
    for (const tier of [this.minutes, this.tens, this.hours]) {
      for (const start of tier.keys()) if (isDropped(start, minute)) dropped += tier.delete(start) ? 1 : 0;
    }
    const tiers = [this.minutes, this.tens, this.hours];
    const rolled = ROLL_UPS.reduce((sum, { size, reach }, from) => sum + this.rollUp(tiers[from], tiers[from + 1], size, reach), 0);
    for (const bucket of this.minutes.values()) if (bucket.start < minute) compact(bucket);
    const summarised = this.fitBudget();
    // What the query caches hold is made of the blocks of before: let it go with them (or it stays pinned).
    if (dropped + rolled > 0 || summarised) {
      this.built.clear();
      this.merged.clear();
      this.boxes.clear();
    }
  }

  /** The bytes the blocks and the open buckets take (see tile-budget.ts). */
  bytes(): number {
    let bytes = 0;
    for (const bucket of this.allBuckets()) {
      for (const block of bucket.blocks) bytes += blockBytes(block);
      bytes += (bucket.open?.entryCount ?? 0) * ENTRY_BYTES + (bucket.open?.size ?? 0) * TILE_BYTES;
    }
    return bytes;
  }

  /**
   * Past the budget, summarises the settled blocks until they fit: hours before 10 minutes before minutes,
   * the oldest first, and in each bucket the finest level first (the newest minute, still taking posts, is
   * never summarised). True when it summarised any.
   */
  private fitBudget(): boolean {
    if (this.bytes() <= this.budgetBytes) return false;
    const slots: BlockSlot[] = [];
    for (const tier of [this.hours, this.tens, this.minutes]) {
      for (const bucket of [...tier.values()].sort((a, b) => a.start - b.start)) {
        if (bucket.minutes === 1 && bucket.start === this.newest) continue;
        compact(bucket);
        for (let li = LEVELS - 1; li >= 0; li -= 1) {
          slots.push({
            get block() {
              return bucket.blocks[li];
            },
            replace: (summary) => (bucket.blocks[li] = summary),
          });
        }
      }
    }
    // Counted again once compacted: an open bucket's posts take more than their block does.
    const used = this.bytes();
    if (used <= this.budgetBytes) return false;
    return fitBudget(slots, used, this.budgetBytes).replaced > 0;
  }

  /**
   * The top tag of every tile at `level` (one of `TILE_LEVELS`) in `range` (null: the world) over the
   * buckets that hold minutes `fromMinute` to `toMinute`, tiles ascending. Ties go to the tag whose key
   * (`keyOf`) sorts first. Reads only the tiles in range: a viewport costs its tiles, not the world's.
   * With `only` (a tag id), each tile's "top" is that tag, in the tiles where it has posts (a tag's map).
   */
  tops(
    level: number,
    range: TileRange | null,
    fromMinute: number,
    toMinute: number,
    keyOf: (id: number) => string,
    only: number | null = null,
  ): TileTops {
    const read = this.windowRead(level, range, fromMinute, toMinute);
    const result: TileTops = { fromMinute: null, toMinute: null, tops: [], maxError: 0 };
    if (read === null) return result;
    const { li, fresh, settled } = read;
    result.fromMinute = read.fromMinute;
    result.toMinute = read.toMinute;
    if (TILE_LEVELS[li] > RANKED_UP_TO) {
      return { ...result, ...tileTops(level, range, null, [...this.blocksFor(li, settled), ...fresh], keyOf, this.scratchArray(), only) };
    }
    // The 10-minute and hour buckets as one ranked block, kept until one of them changes (every 10 minutes);
    // the settled minute buckets as one block, kept until the minute moves on. A query then scans about an
    // hour of entries, whatever the window.
    const key = `${li}|${toMinute - fromMinute}`;
    const tiers = this.blocksFor(
      li,
      settled.filter((bucket) => bucket.minutes > 1),
    );
    const tiered = this.kept(`${key}|tiers`, tiers, (parts) => rankBlock(mergeSmallestFirst(parts), keyOf));
    const minuteBlocks = settled.filter((bucket) => bucket.minutes === 1).map((bucket) => compact(bucket)[li]);
    const minutes = this.kept(`${key}|minutes`, minuteBlocks, mergeAll);
    return {
      ...result,
      ...tileTops(level, range, tiered.block.cells.length === 0 ? null : tiered, [minutes, ...fresh], keyOf, this.scratchArray(), only),
    };
  }

  /**
   * The rising tag of each tile at `level` in `range` (null: all): minutes `splitMinute` to `toMinute` (the
   * recent period) against `fromMinute` up to it (the reference), each rounded back to the bucket its first
   * minute is filed in, scored by the plan `planOf` makes of the minutes really counted (rising.ts
   * `countedPlan`). The recent period's buckets are scanned, the newest minute as it stands; the reference
   * period's are looked up for the tags with enough recent posts to rise. A tile with no tag rising has no entry.
   */
  risers(
    level: number,
    range: TileRange | null,
    fromMinute: number,
    splitMinute: number,
    toMinute: number,
    planOf: (fromMinute: number, splitMinute: number) => RisingPlan,
    keyOf: (id: number) => string,
  ): TileRisers {
    const read = this.windowRead(level, range, fromMinute, toMinute);
    const result: TileRisers = { fromMinute: null, splitMinute: null, toMinute: null, tops: [], maxError: 0 };
    if (read === null) return result;
    const { li, fresh, settled } = read;
    const split = this.placeOf(splitMinute).start;
    result.fromMinute = read.fromMinute;
    result.splitMinute = split;
    result.toMinute = read.toMinute;
    const recent = [
      ...this.blocksFor(
        li,
        settled.filter((bucket) => bucket.start >= split),
      ),
      ...fresh,
    ];
    // At the coarse levels the reference buckets are merged into one block (a continent's tiles repeat their
    // tags hour after hour), kept until one of them changes; finer tiles are looked up bucket by bucket.
    const before = this.blocksFor(
      li,
      settled.filter((bucket) => bucket.start < split),
    );
    const reference =
      TILE_LEVELS[li] > RANKED_UP_TO
        ? before
        : [this.kept(`${li}|${toMinute - fromMinute}|${toMinute - splitMinute}|reference`, before, mergeSmallestFirst)];
    const plan = planOf(read.fromMinute, split);
    return { ...result, ...tileRisers(level, range, recent, reference, plan, keyOf, this.scratchArray()) };
  }

  /**
   * What a window's read at `level` starts from: the level's index; the minutes read, the asked ones rounded
   * outward to the buckets they are filed in, whether or not those hold posts; the newest minute's blocks,
   * read as it stands (`fresh`: its compacted part and, of its open part, only this level's entries in range,
   * without compacting it, which would sort all six levels each time); and the other buckets (`settled`).
   * Null when no bucket holds any of the minutes.
   */
  private windowRead(
    level: number,
    range: TileRange | null,
    fromMinute: number,
    toMinute: number,
  ): { li: number; fromMinute: number; toMinute: number; fresh: Block[]; settled: Bucket[] } | null {
    const li = levelIndex(level);
    if (range !== null && range.level !== level) throw new RangeError(`a range of level ${range.level} read at level ${level}`);
    const buckets = this.bucketsIn(fromMinute, toMinute);
    if (buckets.length === 0) return null;
    const last = this.placeOf(toMinute);
    const newest = buckets.find((bucket) => bucket.minutes === 1 && bucket.start === this.newest);
    return {
      li,
      fromMinute: this.placeOf(fromMinute).start,
      toMinute: Math.min(last.start + last.minutes - 1, this.newest),
      fresh: newest === undefined ? [] : this.readNewest(newest, li, range === null ? null : (cell) => rangeHolds(range, cell)),
      settled: buckets.filter((bucket) => bucket !== newest),
    };
  }

  /**
   * The newest minute's blocks at level `li` in the tiles `keep` holds (null: all): its compacted part, and
   * its open part read in place (a copy of the level's entries in those tiles, sorted).
   */
  private readNewest(bucket: Bucket, li: number, keep: ((cell: number) => boolean) | null): Block[] {
    // Compacted when the open part outgrows the compacted one (and the limit): a minute's posts are then copied
    // into its blocks a logarithmic number of times, however many queries read it.
    const compacted = bucket.blocks.reduce((sum, block) => sum + block.tags.length, 0);
    if ((bucket.open?.entryCount ?? 0) > Math.max(OPEN_READ_LIMIT, compacted)) compact(bucket);
    const open = bucket.open === null ? [] : [bucket.open.blockAt(li, keep)];
    return [bucket.blocks[li], ...open];
  }

  /**
   * Posts per tag in the box `cover` over minutes `fromMinute` to `toMinute`, split at `splitMinute` into
   * the reference period (before it) and the recent one, and the posts of each of `ids` in sparkline slots
   * (`spark`: `slots` slots of `slotMinutes` from `fromMinute`, from `sparkBox`), all from one read of the
   * box. Both periods are rounded outward to the buckets their minutes are filed in: the recent one starts
   * with the bucket that holds `splitMinute`, the reference one with the bucket that holds `fromMinute`,
   * and the answer says where, whether or not any bucket holds posts (null: before any post was counted).
   *
   * A box asked again (a viewer's panel, the same view of many viewers) is not read again: per box (the last
   * `KEPT_BOXES` asked twice or more), the tiles found in each settled bucket and the tally of those buckets are kept, and
   * a query reads only the buckets that changed since (a minute that settled, a late post, a bucket that
   * crossed the split or left the window) and the newest minute, and passes once over the box's tags. Kept
   * until the buckets roll up, drop or are summarised, as the other query caches; a late post takes its
   * bucket out of the kept boxes (`forgetReadsOf`).
   */
  boxCounts(cover: readonly CoverPart[], fromMinute: number, splitMinute: number, toMinute: number): BoxCounted {
    const split = this.placeOf(splitMinute).start;
    // The window's shape is part of the key: a panel switching between 1h and 24h keeps both.
    const key = `${toMinute - fromMinute}|${toMinute - splitMinute}|${JSON.stringify(cover)}`;
    // Out of the kept boxes while it is worked on: if anything throws, nothing half updated is kept.
    const kept = this.boxes.get(key);
    this.boxes.delete(key);
    // Kept from its second ask on: a map panned across the world asks box after box once, and keeping each
    // would only give the garbage collector megabytes to promote and sweep.
    const keepIt = kept !== undefined || this.askedOnce.has(key);
    if (keepIt) this.askedOnce.delete(key);
    else {
      if (this.askedOnce.size >= ASKED_ONCE) this.askedOnce.clear();
      this.askedOnce.add(key);
    }
    const keep = keepFor(cover);
    // Per level of the cover, in the order its parts first use them: a settled bucket's blocks read.
    const levels = [...new Set(cover.map((part) => levelIndex(part.level)))];
    const reads: SideRead[] = [];
    const fresh: SideRead[] = [];
    const removed: SideRead[] = [];
    const added: SideRead[] = [];
    const stillKept = new Map<Bucket, KeptRead>();
    for (const bucket of this.bucketsIn(fromMinute, toMinute)) {
      const side = bucket.start >= split ? 0 : 1;
      if (bucket.minutes === 1 && bucket.start === this.newest) {
        const read = { ...this.readBucket(bucket, cover, keep, true), side } as const;
        reads.push(read);
        fresh.push(read);
        continue;
      }
      if (!keepIt) {
        reads.push({ ...this.readBucket(bucket, cover, keep, false), side });
        continue;
      }
      // What the bucket's read depends on: its blocks at the cover's levels (replaced, never changed, when it changes).
      const blocks = levels.map((li) => compact(bucket)[li]);
      const old = kept?.reads.get(bucket);
      let read: SideRead;
      if (old !== undefined && old.blocks.every((block, i) => block === blocks[i])) {
        read = old.read.side === side ? old.read : { ...old.read, side };
      } else {
        const { tiles, ...rest } = this.readBucket(bucket, cover, keep, false);
        read = { ...rest, tiles: Int32Array.from(tiles), side, counted: new Map() };
      }
      if (read !== old?.read) {
        if (old !== undefined) removed.push(old.read);
        added.push(read);
      }
      stillKept.set(bucket, { blocks, read });
      reads.push(read);
    }
    // The buckets that left the window since.
    for (const [bucket, gone] of kept?.reads ?? []) if (!stillKept.has(bucket)) removed.push(gone.read);
    let tally: BoxTally;
    if (keepIt) {
      const before = kept?.tally ?? NOTHING;
      const settled = removed.length + added.length > 0 ? retally(before, removed, added, this.pairScratch()) : before;
      tally = withFresh(settled, fresh, this.pairScratch());
      this.keepBox(key, { reads: stillKept, tally: settled, bytes: keptBytes(stillKept, settled) });
    } else {
      tally = retally(NOTHING, [], reads, this.pairScratch());
    }
    const read: BoxRead = { fromMinute: Number.isFinite(this.newest) ? this.placeOf(fromMinute).start : null, buckets: reads };
    return {
      ...tally,
      fromMinute: read.fromMinute,
      splitMinute: read.fromMinute === null ? null : split,
      sparks: (ids, sparkFrom, slotMinutes, slots) => sparkBox(read, ids, sparkFrom, slotMinutes, slots, this.scratchArray()),
    };
  }

  /** Keeps `box` as the most recently asked, letting the least recently asked go past `KEPT_BOXES` or `KEPT_BOX_BYTES`. */
  private keepBox(key: string, box: KeptBox): void {
    this.boxes.set(key, box);
    let bytes = 0;
    for (const kept of this.boxes.values()) bytes += kept.bytes;
    for (const [oldest, kept] of this.boxes) {
      if (this.boxes.size <= KEPT_BOXES && bytes <= KEPT_BOX_BYTES) break;
      bytes -= kept.bytes;
      this.boxes.delete(oldest);
    }
  }

  /**
   * Takes `bucket`'s reads out of the kept boxes, their posts out of the boxes' tallies, before a late post
   * changes its blocks: a kept read then never holds blocks its bucket has replaced (megabytes at the finest
   * levels), and a box asked again reads the bucket anew.
   */
  private forgetReadsOf(bucket: Bucket): void {
    for (const [key, box] of this.boxes) {
      const kept = box.reads.get(bucket);
      if (kept === undefined) continue;
      try {
        box.tally = retally(box.tally, [kept.read], [], this.pairScratch());
        box.reads.delete(bucket);
        box.bytes = keptBytes(box.reads, box.tally);
      } catch (error) {
        this.boxes.delete(key);
        throw error;
      }
    }
  }

  /**
   * The tiles of `cover` in one bucket's blocks at the cover's levels (for the newest minute, still taking
   * posts, its compacted part and its open part read in place).
   */
  private readBucket(bucket: Bucket, cover: readonly CoverPart[], keep: (((cell: number) => boolean) | null)[], isNewest: boolean): BucketRead {
    // Per level, its blocks: the newest minute's open part is read once per level, however many parts.
    const levels = new Map<number, Block[]>();
    const blocks: Block[] = [];
    const tiles: number[] = [];
    for (const part of cover) {
      const li = levelIndex(part.level);
      let read = levels.get(li);
      if (read === undefined) levels.set(li, (read = isNewest ? this.readNewest(bucket, li, keep[li]) : [compact(bucket)[li]]));
      for (const block of read) {
        let b = blocks.indexOf(block);
        if (b < 0) b = blocks.push(block) - 1;
        forEachTileIn(block, part, (r) => tiles.push(b, r));
      }
    }
    return { start: bucket.start, minutes: bucket.minutes, blocks, tiles };
  }

  /** What `build` makes of `parts`, kept under `key` until `parts` are other blocks (blocks never change: they are replaced). */
  private kept<T>(key: string, parts: Block[], build: (parts: Block[]) => T): T {
    const hit = this.built.get(key);
    if (hit !== undefined && hit.parts.length === parts.length && hit.parts.every((part, i) => part === parts[i])) return hit.value as T;
    const value = build(parts);
    this.built.set(key, { parts, value });
    return value;
  }

  /**
   * What the store holds, for benchmarks: buckets, tiles (summed over levels and buckets), tag entries, tiles
   * summarised (whose counts may fall short) and bytes.
   */
  stats(): { buckets: number; tiles: number; entries: number; openTiles: number; summarisedTiles: number; bytes: number } {
    let tiles = 0;
    let entries = 0;
    let openTiles = 0;
    for (const bucket of this.allBuckets()) {
      for (const block of bucket.blocks) {
        tiles += block.cells.length;
        entries += block.tags.length;
      }
      openTiles += bucket.open?.size ?? 0;
    }
    const buckets = this.minutes.size + this.tens.size + this.hours.size;
    return { buckets, tiles, entries, openTiles, summarisedTiles: this.summarisedTiles(), bytes: this.bytes() };
  }

  /**
   * Sets `live[id]` to 1 for every tag id some bucket holds, compacted or open, at any level (each level is
   * summarised on its own: a tag dropped at one may stay at another): the ids the dictionary must keep
   * (`TagDictionary.retain`). An id dropped with its bucket, or summarised away at every level, is not
   * marked. `live` is indexed by id: as long as the dictionary's id bound. The query caches need no marking:
   * they are merged from these buckets' blocks (a merge only adds) and let go when buckets drop, roll up or
   * are summarised, so they hold no id the buckets do not. O(entries).
   */
  markTagIds(live: Uint8Array): void {
    for (const bucket of this.allBuckets()) {
      for (const block of bucket.blocks) for (let e = 0; e < block.tags.length; e += 1) live[block.tags[e]] = 1;
      bucket.open?.markTagIds(live);
    }
  }

  /** Tiles (over levels and buckets) with an error: summarised past the budget, their counts may fall short. */
  summarisedTiles(): number {
    let summarised = 0;
    for (const bucket of this.allBuckets()) {
      for (const block of bucket.blocks) for (const error of block.errors) if (error > 0) summarised += 1;
    }
    return summarised;
  }

  /** A copy of the counts as plain data (open counts are compacted first). */
  snapshot(): TileCountsSnapshot {
    const buckets = this.allBuckets().sort((a, b) => a.start - b.start);
    for (const bucket of buckets) compact(bucket);
    return encodeBuckets(buckets, {
      layout: { ...LAYOUT, levels: [...LAYOUT.levels] },
      newestMinute: Number.isFinite(this.newest) ? this.newest : null,
      maxTagId: this.maxTagId,
    });
  }

  /**
   * The store `snapshot` copied, after checking what a query would trust: buckets on their tier's grid and
   * inside the horizon, tiles ascending and inside their level, tags ascending and in the dictionary
   * (`tagCount`), every count at least 1. `where` names the field in a malformed snapshot's RangeError.
   */
  static restore(snapshot: TileCountsSnapshot, tagCount: number, where = 'tiles', budgetBytes = DEFAULT_TILE_BUDGET_BYTES): TileCounts {
    const s = checkObject(snapshot, where);
    const layout = checkObject(s.layout, `${where}.layout`);
    if (JSON.stringify(layout) !== JSON.stringify(LAYOUT))
      damaged(`${where}.layout`, `saved with ${JSON.stringify(layout)}, this build uses ${JSON.stringify(LAYOUT)}`);
    const store = new TileCounts(budgetBytes);
    store.newest = checkNullableNumber(s.newestMinute, `${where}.newestMinute`, true) ?? Number.NEGATIVE_INFINITY;
    store.maxTagId = checkNumber(s.maxTagId, `${where}.maxTagId`, true);
    if (store.maxTagId >= tagCount) damaged(`${where}.maxTagId`, `tag id ${store.maxTagId} is not in the dictionary (${tagCount} tags)`);
    decodeBuckets(s, LEVELS, store.maxTagId, where).forEach(({ start, minutes, blocks }, b) => {
      const tier = store.tierOf(minutes);
      if (
        tier === undefined ||
        modulo(start, minutes) !== 0 ||
        tier.has(start) ||
        start + minutes - 1 <= store.newest - HORIZON_MINUTES ||
        start > store.newest
      ) {
        damaged(
          `${where}.bucketStart[${b}]`,
          `a bucket of ${minutes} minutes at minute ${start} is off its tier's grid, repeated or outside the horizon`,
        );
      }
      tier.set(start, { start, minutes, blocks, open: null });
    });
    // Each minute in one bucket at most: buckets of different tiers must not overlap (their posts would count twice).
    const held = store.allBuckets().sort((a, b) => a.start - b.start);
    for (let i = 1; i < held.length; i += 1) {
      if (held[i - 1].start + held[i - 1].minutes > held[i].start) {
        damaged(`${where}.bucketStart`, `the bucket at minute ${held[i - 1].start} overlaps the one at minute ${held[i].start}`);
      }
    }
    return store;
  }

  /** The tier whose buckets last `minutes`. */
  private tierOf(minutes: number): Map<number, Bucket> | undefined {
    return minutes === 1 ? this.minutes : minutes === 10 ? this.tens : minutes === 60 ? this.hours : undefined;
  }

  /** Where `minute` is filed now, by its age: its tier, and its bucket's start and length there. */
  private placeOf(minute: number): { tier: Map<number, Bucket>; start: number; minutes: number } {
    const place = placeOf(minute, this.newest);
    return { ...place, tier: [this.minutes, this.tens, this.hours][place.tier] };
  }

  /** The bucket of `tier` from minute `start`, `minutes` long (as `placeOf` says), made when missing. */
  private bucketAt(tier: Map<number, Bucket>, start: number, minutes: number): Bucket {
    let bucket = tier.get(start);
    if (bucket === undefined) {
      bucket = { start, minutes, blocks: new Array<Block>(LEVELS).fill(emptyBlock()), open: null };
      tier.set(start, bucket);
    }
    return bucket;
  }

  /** Merges the buckets of `from` whose `size`-minute group is wholly older than `reach` into `to`'s; returns how many it merged. */
  private rollUp(from: Map<number, Bucket>, to: Map<number, Bucket>, size: number, reach: number): number {
    const groups = new Map<number, Bucket[]>();
    let moved = 0;
    for (const [start, bucket] of from) {
      if (!rollsUp(start, size, reach, this.newest)) continue;
      const group = start - modulo(start, size);
      from.delete(start);
      moved += 1;
      const members = groups.get(group);
      if (members === undefined) groups.set(group, [bucket]);
      else members.push(bucket);
    }
    for (const [group, members] of groups) {
      const target = to.get(group);
      if (target !== undefined) members.push(target);
      const merged = members.map((bucket) => compact(bucket));
      const blocks = TILE_LEVELS.map((_, li) => narrowed(mergeAll(merged.map((levels) => levels[li]))));
      to.set(group, { start: group, minutes: size, blocks, open: null });
    }
    return moved;
  }

  /**
   * The blocks at level `li` of `buckets`, with those of the 10-minute and hour tiers merged into one block
   * per tier at the coarse levels (up to `MERGED_UP_TO`), kept until one of them changes: a window over
   * 6 h or 24 h then reads each tile's tags once per tier instead of once per bucket. A continent's tile
   * holds much the same tags hour after hour, so the merged block is several times smaller than its parts;
   * a city's tile does not repeat them, so finer levels are read bucket by bucket.
   */
  private blocksFor(li: number, buckets: readonly Bucket[]): Block[] {
    const byTier = new Map<number, Block[]>();
    for (const bucket of buckets) {
      const block = compact(bucket)[li];
      const tier = TILE_LEVELS[li] <= MERGED_UP_TO && bucket.minutes > 1 ? bucket.minutes : 1;
      const list = byTier.get(tier);
      if (list === undefined) byTier.set(tier, [block]);
      else list.push(block);
    }
    const out = byTier.get(1) ?? [];
    for (const [tier, parts] of byTier) {
      if (tier === 1) continue;
      // Keyed by the first bucket and how many: the 6h and 24h windows read different runs of the same tier.
      const key = `${li}|${tier}|${parts.length}|${buckets.find((b) => b.minutes === tier)!.start}`;
      const kept = this.merged.get(key);
      if (kept !== undefined && kept.parts.length === parts.length && kept.parts.every((part, i) => part === parts[i])) {
        out.push(kept.block);
        continue;
      }
      const block = narrowed(mergeAll(parts));
      this.merged.set(key, { parts, block });
      out.push(block);
    }
    return out;
  }

  /** The buckets holding any of minutes `from` to `to`, oldest first. */
  private bucketsIn(from: number, to: number): Bucket[] {
    return this.allBuckets()
      .filter((b) => b.start <= to && b.start + b.minutes - 1 >= from)
      .sort((a, b) => a.start - b.start);
  }

  private allBuckets(): Bucket[] {
    return [...this.minutes.values(), ...this.tens.values(), ...this.hours.values()];
  }

  /** The all-zero scratch array of box counts, two entries per tag id. */
  private pairScratch(): Int32Array {
    if (this.pairs.length <= 2 * this.maxTagId + 1) this.pairs = new Int32Array(Math.max(4_096, Math.ceil((this.maxTagId + 1) * 2.5)));
    return this.pairs;
  }

  /** The all-zero scratch array, one entry per tag id. */
  private scratchArray(): Int32Array {
    if (this.scratch.length <= this.maxTagId) this.scratch = new Int32Array(Math.max(2_048, Math.ceil((this.maxTagId + 1) * 1.25)));
    return this.scratch;
  }
}

/** The bucket's blocks, its open counts merged in first. */
function compact(bucket: Bucket): Block[] {
  if (bucket.open !== null) {
    const opened = bucket.open.toBlocks();
    bucket.blocks = bucket.blocks.map((block, li) => narrowed(mergeBlocks(block, opened[li])));
    bucket.open = null;
  }
  return bucket.blocks;
}

/** All of `parts` added up: the small ones merged among themselves first, the two largest (the tiers) last. */
function mergeSmallestFirst(parts: readonly Block[]): Block {
  const sorted = [...parts].sort((a, b) => a.tags.length - b.tags.length);
  const large = sorted.splice(Math.max(0, sorted.length - 2));
  return large.reduce((sum, block) => mergeBlocks(sum, block), mergeAll(sorted));
}

/** Per level index, whether a tile is in the cover's part at that level (null: the cover has none there). */
function keepFor(cover: readonly CoverPart[]): (((cell: number) => boolean) | null)[] {
  return TILE_LEVELS.map((level) => {
    const parts = cover.filter((part) => part.level === level);
    if (parts.length === 0) return null;
    const side = 2 ** level;
    return (cell: number) => parts.some((part) => partHolds(part, cell % side, Math.floor(cell / side)));
  });
}

function levelIndex(level: number): number {
  const li = (TILE_LEVELS as readonly number[]).indexOf(level);
  if (li < 0) throw new RangeError(`tile level ${level} is not kept; the levels are ${TILE_LEVELS.join(', ')}`);
  return li;
}
