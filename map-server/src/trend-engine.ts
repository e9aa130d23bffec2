/**
 * The map-server's pure core: takes encoded events from the bus, checks them, drops duplicates and counts
 * the rest into sliding windows per region, the fine grid (for boxes) and the ring of recent posts; answers
 * the API's queries from them. Time is always an argument; nothing here does I/O.
 */
import { decodeEvent, type GeoEvent } from '../../common/node/event';
import { SkipCounter, type SkipReason } from '../../common/browser/skip-reasons';
import { WORLD, type Post, type TagRegionsResponse, type TrendsResponse } from '../../common/browser/api';
import { TagDictionary } from './core/tag-dictionary';
import { BUCKET_MS, WindowStore } from './core/window-store';
import { SeenIds } from './core/seen-ids';
import { GridIndex } from './core/grid-index';
import { RegionSparks } from './core/region-sparks';
import { RecentPosts, postFilter, toPost } from './core/recent-posts';
import { answerTrends, trendsQueryKey, type TrendsQuery } from './core/trends-query';
import { answerTagRegions, type TagRegionsQuery } from './core/tag-regions';
import type { Area } from './core/area';

/** The leaf for posts in no country (the sea); counted in the world only. */
const NO_COUNTRY = '-';

export interface TrendEngineOptions {
  /** How far ahead of the arrival time an event may be stamped before it is refused, in ms. */
  maxSkewMs?: number;
  /**
   * An event stamped within this many ms of its arrival is "live": while the newest arrival is live, the
   * windows also advance with the clock (`tick`), so a quiet stream empties out. A replayed archive is not
   * live, and its windows end at its own newest event.
   */
  liveLagMs?: number;
}

export const ENGINE_DEFAULTS = { maxSkewMs: 5 * 60_000, liveLagMs: 5 * 60_000 } as const;

export type IngestResult = { ok: true; event: GeoEvent } | { ok: false; reason: SkipReason; error?: string };

export type AcceptedListener = (event: GeoEvent) => void;

export class TrendEngine {
  readonly dictionary = new TagDictionary();
  readonly store = new WindowStore({ rollup: (leaf) => (leaf === NO_COUNTRY ? [WORLD] : [leaf, WORLD]) });
  /** The last 24 h of posts on a fine grid, for boxes ("Trends in this view"). */
  readonly grid = new GridIndex();
  /** Per-minute sparkline counts of listed tags, reread only where posts landed since. */
  readonly regionSparks = new RegionSparks(this.store);
  readonly recentPosts = new RecentPosts();
  readonly skipped = new SkipCounter();
  ingested = 0;
  private readonly seen = new SeenIds();
  private readonly listeners = new Set<AcceptedListener>();
  private readonly options: Required<TrendEngineOptions>;
  private followClock = false;
  private readonly cache = new Map<string, { version: number; response: TrendsResponse | TagRegionsResponse }>();

  constructor(options: TrendEngineOptions = {}) {
    this.options = { ...ENGINE_DEFAULTS, ...options };
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
    this.ingested += 1;
    this.followClock = event.ts >= arrivalMs - this.options.liveLagMs;
    for (const listener of this.listeners) listener(event);
    return { ok: true, event };
  }

  /** Lets the windows advance with the clock while the source is live. */
  tick(nowMs: number): void {
    if (!this.followClock) return;
    this.store.advanceTo(nowMs);
    const end = this.store.endMinuteIndex;
    if (end !== null) this.grid.advanceTo(end);
  }

  /** Calls `listener` with every accepted event; returns a function that unsubscribes. */
  onAccepted(listener: AcceptedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The top or rising tags of a region or a box over a window; answered from a cache while nothing changed. */
  trends(query: TrendsQuery): TrendsResponse {
    const key = `trends|${trendsQueryKey(query)}`;
    return this.cached(key, () => answerTrends(query, this));
  }

  /** The countries where a tag is strongest over a window; cached like `trends`. */
  tagRegions(query: TagRegionsQuery): TagRegionsResponse {
    const key = `tag-regions|${query.tag}|${query.window}|${query.limit}`;
    return this.cached(key, () => answerTagRegions(query, this.store, this.dictionary));
  }

  /** The newest accepted posts in an area, with a tag (null: any), the most recently accepted first. */
  posts(area: Area, tag: string | null, limit: number): Post[] {
    return this.recentPosts.newest(limit, postFilter(area, tag)).map(toPost);
  }

  private cached<T extends TrendsResponse | TagRegionsResponse>(key: string, answer: () => T): T {
    const hit = this.cache.get(key);
    if (hit?.version === this.store.version) return hit.response as T;
    const response = answer();
    if (this.cache.size > 1_000) this.cache.clear();
    this.cache.set(key, { version: this.store.version, response });
    return response;
  }

  private count(event: GeoEvent, arrivalMs: number): SkipReason | null {
    if (event.ts > arrivalMs + this.options.maxSkewMs) return 'future';
    if (this.store.isStale(event.ts)) return 'stale';
    if (!this.seen.add(event.id, event.ts)) return 'duplicate';
    const tagIds = event.tags.map((key, i) => this.dictionary.intern(key, event.display[i]));
    if (this.store.add(event.ts, event.cc ?? NO_COUNTRY, tagIds) === 'stale') return 'stale';
    const minute = Math.floor(event.ts / BUCKET_MS);
    this.regionSparks.touch(minute, this.store.version);
    this.grid.add(minute, event.lat, event.lon, tagIds);
    this.recentPosts.add(event);
    return null;
  }
}
