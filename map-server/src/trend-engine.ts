/**
 * The map-server's pure core: takes events from the bus, checks them, drops duplicates and counts the rest
 * (`PostCounts`: windows per region, the fine grid for boxes, sparkline marks) and keeps the newest ones
 * (`PostRing`); answers the API's queries from them. Its state is private: readers get answers (`trends`,
 * `tagRegions`, `posts`) and figures (`acceptedCount`, `skips`, `windowsEndMs`, `version`). Time is always
 * an argument; nothing here does I/O.
 */
import { decodeEvent, type GeoEvent } from '../../common/node/event';
import { SkipCounter, type SkipCounts, type SkipReason } from '../../common/browser/skip-reasons';
import type { Post, TagRegionsResponse, TrendsResponse } from '../../common/browser/api';
import { PostCounts } from './core/post-counts';
import { SeenIds } from './core/seen-ids';
import { PostRing } from './core/post-ring';
import { postFilter, toPost } from './core/post-view';
import { AnswerCache } from './core/answer-cache';
import { answerTrends, trendsQueryKey, type TrendsQuery } from './core/trends-query';
import { answerTagRegions, type TagRegionsQuery } from './core/tag-regions';
import type { Area } from './core/area';

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
  private readonly seen = new SeenIds();
  private readonly ring = new PostRing();
  private readonly skipped = new SkipCounter();
  private accepted = 0;
  private readonly listeners = new Set<AcceptedListener>();
  private readonly options: Required<TrendEngineOptions>;
  private followClock = false;
  private readonly answers = new AnswerCache<TrendsResponse | TagRegionsResponse>();

  /**
   * `counts` is where accepted posts are counted; a benchmark passes its own to reach the structures
   * beside the engine (e.g. to forget the sparkline series).
   */
  constructor(
    options: TrendEngineOptions = {},
    private readonly counts = new PostCounts(),
  ) {
    this.options = { ...ENGINE_DEFAULTS, ...options };
  }

  /** Posts accepted and counted since the start. */
  get acceptedCount(): number {
    return this.accepted;
  }

  /** Inputs not counted since the start, by reason. */
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
    this.followClock = event.ts >= arrivalMs - this.options.liveLagMs;
    for (const listener of this.listeners) listener(event);
    return { ok: true, event };
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

  /** The newest accepted posts in an area, with a tag (null: any), the most recently accepted first. */
  posts(area: Area, tag: string | null, limit: number): Post[] {
    return this.ring.newest(limit, postFilter(area, tag)).map(toPost);
  }

  /** Checks a post (not from the future, not too old, not seen), then counts and keeps it; or says why not. */
  private count(event: GeoEvent, arrivalMs: number): SkipReason | null {
    if (event.ts > arrivalMs + this.options.maxSkewMs) return 'future';
    if (this.counts.isStale(event.ts)) return 'stale';
    if (!this.seen.add(event.id, event.ts)) return 'duplicate';
    const tagIds = this.counts.intern(event);
    if (!this.counts.record(event, tagIds)) return 'stale';
    this.ring.add(event);
    return null;
  }
}
