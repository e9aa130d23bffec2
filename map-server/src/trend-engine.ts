/**
 * The map-server's pure core: takes encoded events from the bus, checks them, drops duplicates and counts
 * the rest into sliding windows. Time is always an argument; nothing here does I/O.
 */
import { decodeEvent, type GeoEvent } from '../../common/src/event';
import { SkipCounter, type SkipReason } from '../../common/src/skip-reasons';
import { WORLD, type TrendsResponse } from '../../common/src/api';
import type { WindowName } from '../../common/src/windows';
import { TagDictionary } from './core/tag-dictionary';
import { WindowStore } from './core/window-store';
import { SeenIds } from './core/seen-ids';

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
  readonly skipped = new SkipCounter();
  ingested = 0;
  private readonly seen = new SeenIds();
  private readonly listeners = new Set<AcceptedListener>();
  private readonly options: Required<TrendEngineOptions>;
  private followClock = false;
  private readonly cache = new Map<string, { version: number; response: TrendsResponse }>();

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
    if (this.followClock) this.store.advanceTo(nowMs);
  }

  /** Calls `listener` with every accepted event; returns a function that unsubscribes. */
  onAccepted(listener: AcceptedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The top `limit` tags of `region` over `window`; answered from a cache while nothing changed. */
  trends(region: string, window: WindowName, limit: number): TrendsResponse {
    const cacheKey = `${region}|${window}|${limit}`;
    const cached = this.cache.get(cacheKey);
    if (cached?.version === this.store.version) return cached.response;
    const keyOf = (id: number) => this.dictionary.key(id);
    const response: TrendsResponse = {
      region,
      window,
      asOf: this.store.endMs,
      total: this.store.total(region, window),
      trends: this.store.top(region, window, limit, keyOf).map(({ id, count }) => ({
        tag: keyOf(id),
        display: this.dictionary.display(id),
        count,
      })),
    };
    if (this.cache.size > 1_000) this.cache.clear();
    this.cache.set(cacheKey, { version: this.store.version, response });
    return response;
  }

  private count(event: GeoEvent, arrivalMs: number): SkipReason | null {
    if (event.ts > arrivalMs + this.options.maxSkewMs) return 'future';
    if (this.store.isStale(event.ts)) return 'stale';
    if (!this.seen.add(event.id, event.ts)) return 'duplicate';
    const tagIds = event.tags.map((key, i) => this.dictionary.intern(key, event.display[i]));
    return this.store.add(event.ts, event.cc ?? NO_COUNTRY, tagIds) === 'added' ? null : 'stale';
  }
}
