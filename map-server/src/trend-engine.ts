/**
 * The map-server's pure core: takes events from the bus, checks them, drops duplicates and counts the rest
 * (`PostCounts`: windows per region, tile counts for boxes and labels, sparkline marks) and keeps the newest ones
 * (`PostRing`); answers the API's queries from them. Its state is private: readers get answers (`trends`,
 * `tagRegions`, `posts`) and figures (`acceptedCount`, `skips`, `windowsEndMs`, `version`). Time is always
 * an argument; nothing here does I/O.
 *
 * Dedupe: a post redelivered within the horizon of event time of the newest post (`dedupeHorizonMs`,
 * `DEDUPE_HORIZON_MS` = 1 h by default) counts once; one older than the horizon but still inside the 24 h
 * windows would count again. The ids held are bounded by the rate times the horizon, not the day.
 *
 * Restarts: `snapshot` copies the state as plain data and `TrendEngine.restore` builds an engine that gives
 * every answer the snapshotted one gave (see `core/engine-snapshot.ts` for what is and is not in it).
 */
import { decodeEvent, type GeoEvent } from '../../common/node/event';
import { SkipCounter, type SkipCounts, type SkipReason } from '../../common/browser/skip-reasons';
import type { LabelsResponse, Post, TagRegionsResponse, TagSearchResponse, TrendsResponse } from '../../common/browser/api';
import { PostCounts, type CountBudgets, type PostCountsSnapshot } from './core/post-counts';
import { DEFAULT_MEMORY_BUDGET_BYTES } from '../../common/node/memory-budget';
import { DEDUPE_HORIZON_MS, SeenIds, checkDedupeHorizon, type SeenIdsSnapshot } from './core/seen-ids';
import { PostRing, type PostRingSnapshot } from './core/post-ring';
import { READABLE_SNAPSHOT_VERSIONS, SNAPSHOT_VERSION, type EngineSnapshot } from './core/engine-snapshot';
import { checkBoolean, checkObject, damaged } from './core/snapshot-check';
import { postFilter, toPost } from './core/post-view';
import { AnswerCache } from './core/answer-cache';
import { answerTrends, trendsQueryKey, type TrendsQuery } from './core/trends-query';
import { answerTagRegions, type TagRegionsQuery } from './core/tag-regions';
import { answerLabels, labelsQueryKey, type LabelsQuery } from './core/labels-query';
import { answerTagSearch, type TagSearchQuery } from './core/tag-search';
import type { Area } from './core/area';
import { OpenHours, type ClosedHour } from './core/history/open-hours';
import { regionsOf as historyRegionsOf } from './core/history/history-regions';

export interface TrendEngineOptions {
  /** How far ahead of the arrival time an event may be stamped before it is refused, in ms. */
  maxSkewMs?: number;
  /**
   * An event stamped within this many ms of its arrival is "live": while the newest arrival is live, the
   * windows also advance with the clock (`tick`), so a quiet stream empties out. A replayed archive is not
   * live, and its windows end at its own newest event.
   */
  liveLagMs?: number;
  /**
   * How far back of the newest post's event time a redelivered post is still recognised and skipped, in
   * ms (see the opening comment); at most the windows' 24 h matter.
   */
  dedupeHorizonMs?: number;
  /**
   * The state's memory budget, in bytes (`MEMORY_BUDGET`; `DEFAULT_MEMORY_BUDGET_BYTES` by default): counts
   * stay exact while the store fits it; past it they are summarised, and answers say `approximate`.
   */
  memoryBudgetBytes?: number;
  /**
   * What the tile counts behind boxes and labels may take, in bytes, overriding their share of
   * `memoryBudgetBytes` (`TILE_SHARE`): past it they are summarised, and the labels and box trends say
   * `approximate`.
   */
  tileBudgetBytes?: number;
  /**
   * What the region windows' tallies and running totals may take, in bytes, overriding their share of
   * `memoryBudgetBytes` (`WINDOW_SHARE`): past it they are summarised, and region answers say `approximate`.
   */
  windowBudgetBytes?: number;
}

export const ENGINE_DEFAULTS = {
  maxSkewMs: 5 * 60_000,
  liveLagMs: 5 * 60_000,
  dedupeHorizonMs: DEDUPE_HORIZON_MS,
  memoryBudgetBytes: DEFAULT_MEMORY_BUDGET_BYTES,
} as const;

/**
 * How the memory budget is split, when no part is given its own. Half for the tile counts (boxes and labels:
 * 192 MB of the default 384 MB), three eighths for the region windows (the panel's countries and world: 144
 * MB by default), and the last eighth for what is not summarised but bounded otherwise: the tag dictionary
 * (tags with no count left are forgotten) and the dedupe's ids (its horizon). Past their eighth, the windows
 * and tiles give up the difference. A fixed split, so that a flood of fine tiles never takes
 * the memory the panel's counts need, and each part's figures read alone.
 */
export const TILE_SHARE = 0.5;

export const WINDOW_SHARE = 0.375;

/**
 * How far behind the windows' end (event time) a counted post may be and still be shown as new: among the
 * recent posts (`/api/posts`, SSE `posts`), as a dot on the live map (dots fade over a minute) and in the
 * posts/s rate. A stream's stragglers of a few seconds are still news; a post hours old is not.
 */
export const FRESH_MS = 60_000;

export type IngestResult = { ok: true; event: GeoEvent } | { ok: false; reason: SkipReason; error?: string };

export type AcceptedListener = (event: GeoEvent) => void;

export class TrendEngine {
  /** Not readonly: `restore` replaces the empty ones the constructor made. */
  private seen: SeenIds;
  private ring = new PostRing();
  private readonly skipped = new SkipCounter();
  private accepted = 0;
  private readonly listeners = new Set<AcceptedListener>();
  /** The options given over `ENGINE_DEFAULTS`, with both budgets resolved (`budgetsOf`). */
  private readonly options: Required<TrendEngineOptions>;
  /**
   * Whether `tick` moves the windows (the newest arrival was live). Saved in a snapshot: a live run restarted
   * keeps following the clock from its first tick, so a stream that stays quiet after the restart still
   * empties out; a replay's windows stay at its newest post, as they were.
   */
  private followClock = false;
  /** History's hours being counted (open-hours.ts); replaced on restore. */
  private hours = new OpenHours();
  private restoredHistory = false;
  private readonly answers = new AnswerCache<TrendsResponse | TagRegionsResponse | LabelsResponse | TagSearchResponse>();

  /** Where accepted posts are counted. */
  private readonly counts: PostCounts;

  /**
   * `counts` is where accepted posts are counted (by default new, with `tileBudgetBytes`); a benchmark
   * passes its own to reach the structures beside the engine (e.g. to forget the sparkline series).
   */
  constructor(options: TrendEngineOptions = {}, counts?: PostCounts) {
    this.options = { ...ENGINE_DEFAULTS, ...options, ...budgetsOf(options) };
    this.seen = new SeenIds(this.options.dedupeHorizonMs);
    this.counts = counts ?? PostCounts.create(countBudgets(this.options));
    // The dedupe's ids are held beside the counts, within the same budget (`seen` is replaced on restore).
    this.counts.alsoHeld = () => this.seen.bytes();
  }

  /**
   * An engine holding exactly what `snapshot` copied: every answer (`trends`, `tagRegions`, `posts`,
   * `windowsEndMs`) is what the snapshotted engine gave, and stays so as both take the same posts and ticks.
   * Its counters (`acceptedCount`, `skips`) start at 0. `options` are this run's: a shorter dedupe horizon
   * than the saved one forgets the older ids now. A malformed snapshot is refused with a RangeError that
   * names the field at fault (a bad option throws first, from the constructor, before the snapshot is read).
   */
  static restore(snapshot: EngineSnapshot, options: TrendEngineOptions = {}): TrendEngine {
    // The options first: a bad one is not a damaged save.
    checkDedupeHorizon(options.dedupeHorizonMs ?? DEDUPE_HORIZON_MS);
    const budgets = budgetsOf(options);
    const s = checkObject(snapshot, 'snapshot');
    if (!READABLE_SNAPSHOT_VERSIONS.includes(s.format as number)) {
      damaged('format', `is ${JSON.stringify(s.format)}; this build reads formats ${READABLE_SNAPSHOT_VERSIONS.join(', ')}`);
    }
    const engine = new TrendEngine(options, PostCounts.restore(s.counts as PostCountsSnapshot, 'counts', countBudgets(budgets), s.format as number));
    engine.seen = SeenIds.restore(s.seen as SeenIdsSnapshot, engine.options.dedupeHorizonMs);
    engine.ring = PostRing.restore(s.posts as PostRingSnapshot);
    engine.followClock = checkBoolean(s.followClock, 'followClock');
    if (s.history !== undefined) engine.hours = OpenHours.restore(s.history, 'history');
    engine.restoredHistory = s.history !== undefined;
    return engine;
  }

  /**
   * A deep copy of what the engine counts and holds, as plain data (numbers, strings, arrays, typed arrays,
   * plain objects: what v8.serialize / structuredClone carry). Not the per-process counters, the caches
   * or the listeners.
   */
  snapshot(): EngineSnapshot {
    return {
      format: SNAPSHOT_VERSION,
      followClock: this.followClock,
      counts: this.counts.snapshot(),
      seen: this.seen.snapshot(),
      posts: this.ring.snapshot(),
      history: this.hours.snapshot(),
    };
  }

  /** History's hours not yet written (`closeHours` hands them over). */
  get openHours(): OpenHours {
    return this.hours;
  }

  /** Whether this engine was restored with history's open hours (a snapshot from a build with history). */
  get hasRestoredHistory(): boolean {
    return this.restoredHistory;
  }

  /**
   * The hours of history that are over (see `OpenHours.close`), at arrival time `nowMs`, to be written;
   * `force`: every hour but the newest, idle or not (a shutdown with nowhere to save the open ones).
   */
  closeHours(nowMs: number, force = false): ClosedHour[] {
    const endMs = this.counts.endMs;
    return endMs === null ? [] : this.hours.close(endMs, nowMs, force);
  }

  /** A tag's most frequent spelling, by key; undefined when the live counts no longer hold it. */
  displayOf(key: string): string | undefined {
    const id = this.counts.dictionary.idOf(key);
    return id === undefined ? undefined : this.counts.dictionary.display(id);
  }

  /** Posts accepted and counted since this process started (not saved in a snapshot). */
  get acceptedCount(): number {
    return this.accepted;
  }

  /** Inputs not counted since this process started, by reason (not saved in a snapshot). */
  skips(): SkipCounts {
    return this.skipped.toJSON();
  }

  /**
   * Where the windows end, in event time (ms): the newest post's time, or the clock's while the stream is
   * live (`tick`); null before any post. `/api/health` reports it as `newestEventTs`.
   */
  get windowsEndMs(): number | null {
    return this.counts.endMs;
  }

  /** What the state may take before it is summarised (`memoryBudgetBytes`), in bytes. */
  get memoryBudgetBytes(): number {
    return this.options.memoryBudgetBytes;
  }

  /** Bytes the state takes now, as the memory budget counts it: the region windows, the tile counts, the tag dictionary (`PostCounts.bytes`) and the dedupe's ids. */
  get countedBytes(): number {
    return this.counts.bytes();
  }

  /** Bytes of the ids the dedupe holds (`SeenIds.bytes`: its tables' arrays). */
  get dedupeBytes(): number {
    return this.seen.bytes();
  }

  /** What is held besides the counts, for benchmarks: the tags the dictionary numbers and the ids the dedupe holds. */
  held(): { tags: number; dedupeIds: number } {
    return { tags: this.counts.dictionary.liveCount, dedupeIds: this.seen.size };
  }

  /** Bytes of the tag dictionary (`TagDictionary.bytes`, an estimate measured against the heap). */
  get dictionaryBytes(): number {
    return this.counts.dictionary.bytes();
  }

  /** What the region windows may take before they are summarised (`windowBudgetBytes`). */
  get windowBudgetBytes(): number {
    return this.options.windowBudgetBytes;
  }

  /** Bytes of the region windows' tallies and running totals (see window-store.ts). */
  get windowBytes(): number {
    return this.counts.store.bytes();
  }

  /** What the tile counts may take before they are summarised (`tileBudgetBytes`). */
  get tileBudgetBytes(): number {
    return this.options.tileBudgetBytes;
  }

  /** Bytes of the tile counts' columns (see tile-budget.ts): a pass over their buckets, not their tiles. */
  get tileBytes(): number {
    return this.counts.tiles.bytes();
  }

  /** Tiles summarised past the tile budget, whose label counts may fall short: a pass over every tile. */
  summarisedTiles(): number {
    return this.counts.tiles.summarisedTiles();
  }

  /** Changes whenever an answer may: callers that keep answers recompute them when it moves. */
  get version(): number {
    return this.counts.version;
  }

  /** Decodes, checks and counts one message from the bus. Never throws on bad data. */
  ingest(bytes: Uint8Array | string, arrivalMs: number): IngestResult {
    const decoded = decodeEvent(bytes);
    if (!decoded.ok) {
      this.skipped.add('invalid_event');
      return { ok: false, reason: 'invalid_event', error: decoded.error };
    }
    return this.ingestEvent(decoded.event, arrivalMs);
  }

  /** Counts one already-validated event. */
  ingestEvent(event: GeoEvent, arrivalMs: number): IngestResult {
    const reason = this.count(event, arrivalMs);
    if (reason !== null) {
      this.skipped.add(reason);
      return { ok: false, reason };
    }
    this.accepted += 1;
    // The windows follow the clock while the newest posts are live: a live post says so, and a post that is
    // not live says otherwise only when it moved the windows' end (a replay going forward), not when it
    // fell behind it (a straggler, or the synthetic world's past written beside the live posts).
    if (event.ts >= arrivalMs - this.options.liveLagMs) this.followClock = true;
    else if (event.ts >= (this.counts.endMs ?? Number.NEGATIVE_INFINITY)) this.followClock = false;
    if (this.isFresh(event)) for (const listener of this.listeners) listener(event);
    return { ok: true, event };
  }

  /** Whether the windows follow the clock (the newest posts are live), rather than stand at an archive's time. */
  get followsClock(): boolean {
    return this.followClock;
  }

  /** Lets the windows advance with the clock while the source is live. */
  tick(nowMs: number): void {
    if (this.followClock) this.counts.advanceTo(nowMs);
  }

  /** Calls `listener` with every accepted event; returns a function that unsubscribes. */
  onAccepted(listener: AcceptedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The top or rising tags of a region or a box over a window; answered from a cache while nothing changed. */
  trends(query: TrendsQuery): TrendsResponse {
    const key = `trends|${trendsQueryKey(query)}`;
    return this.answers.get(key, this.counts.version, () => answerTrends(query, this.counts));
  }

  /** The countries where a tag is strongest over a window; cached like `trends`. */
  tagRegions(query: TagRegionsQuery): TagRegionsResponse {
    const key = `tag-regions|${query.tag}|${query.window}|${query.limit}`;
    return this.answers.get(key, this.counts.version, () => answerTagRegions(query, this.counts));
  }

  /** The top tag of each map tile in a box, at the tile level of a zoom, over a window; cached like `trends`. */
  labels(query: LabelsQuery): LabelsResponse {
    return this.answers.get(`labels|${labelsQueryKey(query)}`, this.counts.version, () => answerLabels(query, this.counts));
  }

  /**
   * Known tags by the start of their key, the busiest worldwide first (a search box's). Cached for the
   * windows' minute, not for every post as `trends` is: a prefix scans the whole dictionary (p99 54 ms at
   * 1M tags), and suggestions a minute old at most serve a search box as well.
   */
  tagSearch(query: TagSearchQuery): TagSearchResponse {
    return this.answers.get(`tag-search|${query.limit}|${query.prefix}`, this.counts.store.endMinute ?? -1, () =>
      answerTagSearch(query, this.counts),
    );
  }

  /**
   * The newest accepted posts in an area, with a tag (null: any), the most recently accepted first; with
   * `atMs`, only those stamped at or before it (among the posts held: the newest few hundred).
   */
  posts(area: Area, tag: string | null, limit: number, atMs: number | null = null): Post[] {
    const filter = postFilter(area, tag);
    return this.ring.newest(limit, atMs === null ? filter : (event) => event.ts <= atMs && filter(event)).map(toPost);
  }

  /**
   * Checks a post (not from the future, not seen), then counts it in history and, unless it is too old for
   * them (`stale`), in the live windows, and keeps it; or says why not. A post older than the windows' day
   * still belongs in history: a replay of several days over Kafka reads its partitions side by side, not in
   * event-time order, so one partition's posts can be days behind another's newest.
   */
  private count(event: GeoEvent, arrivalMs: number): SkipReason | null {
    if (event.ts > arrivalMs + this.options.maxSkewMs) return 'future';
    const stale = this.counts.isStale(event.ts);
    if (!this.seen.add(event.id, event.ts)) return 'duplicate';
    this.hours.add(event.ts, historyRegionsOf(event.cc, event.lat, event.lon), event.tags, event.display, arrivalMs);
    if (stale) return 'stale';
    const tagIds = this.counts.intern(event);
    if (!this.counts.record(event, tagIds)) return 'stale';
    if (this.isFresh(event)) this.ring.add(event);
    return null;
  }

  /**
   * Whether `event` (counted) is among the newest: no more than `FRESH_MS` of event time behind the windows'
   * end. Only those are recent posts and live dots; an older one (a history written at start, a straggler)
   * is counted where it belongs in time but is not shown as if it had just happened.
   */
  private isFresh(event: GeoEvent): boolean {
    return event.ts >= (this.counts.endMs ?? Number.NEGATIVE_INFINITY) - FRESH_MS;
  }
}

/**
 * The memory budget (the default when not given) and the budgets of its parts: `tileBudgetBytes` and
 * `windowBudgetBytes` when given, else their shares of the memory budget. All checked (`checkBudget`), so that a bad option throws before
 * anything is built or read.
 */
function budgetsOf(options: TrendEngineOptions): { memoryBudgetBytes: number; tileBudgetBytes: number; windowBudgetBytes: number } {
  const memoryBudgetBytes = options.memoryBudgetBytes ?? ENGINE_DEFAULTS.memoryBudgetBytes;
  checkBudget(memoryBudgetBytes, 'memory budget');
  const tileBudgetBytes = options.tileBudgetBytes ?? Math.floor(memoryBudgetBytes * TILE_SHARE);
  checkBudget(tileBudgetBytes, "tile counts' budget");
  const windowBudgetBytes = options.windowBudgetBytes ?? Math.floor(memoryBudgetBytes * WINDOW_SHARE);
  checkBudget(windowBudgetBytes, "windows' budget");
  return { memoryBudgetBytes, tileBudgetBytes, windowBudgetBytes };
}

/** The counts' budgets an engine with `options` gives its counts (for a benchmark that builds its own counts). */
export function countBudgetsOf(options: TrendEngineOptions = {}): CountBudgets {
  return countBudgets(budgetsOf(options));
}

/** The counts' budgets: the tiles' and the windows' as resolved, and what is left of the memory budget for the rest (the dictionary, the dedupe's ids). */
function countBudgets(b: { memoryBudgetBytes: number; tileBudgetBytes: number; windowBudgetBytes: number }): CountBudgets {
  return {
    tiles: b.tileBudgetBytes,
    windows: b.windowBudgetBytes,
    others: Math.max(0, b.memoryBudgetBytes - b.tileBudgetBytes - b.windowBudgetBytes),
  };
}

/** A budget, `which` named in the message: 0 or more bytes. */
function checkBudget(bytes: number, which: string): void {
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`the ${which} must be 0 or more bytes; got ${bytes}`);
}
