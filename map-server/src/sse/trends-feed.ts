/**
 * Keeps every SSE session's `trends` (and, with a tag, `tag-regions`) current. Sessions that follow the
 * same query share a group: one computation and one serialised chunk per group, so a thousand browsers on
 * the world's top 10 cost one query a round.
 *
 * A session gets its group's chunk at once when it attaches: computed then for a new group; an existing
 * group's as it is, at most a round old, so that a rush of connections costs one computation per query a
 * round rather than one per connection (`npm run bench -- streams`). Then every `trendsMs`, when the store changed
 * since the last round, each group recomputes (within `trendsBudgetMs`: groups not reached keep their chunk
 * and go first next round), and each session whose last delivered chunk differs gets the new one. A chunk
 * the socket would not take (a slow client, see `SseSession.send`) is not marked delivered, so it is tried
 * again next round.
 */
import { SSE_EVENTS, TAG_REGIONS_LIMIT } from '../../../common/browser/api';
import type { WindowName } from '../../../common/browser/windows';
import type { TrendEngine } from '../trend-engine';
import { trendsQueryKey } from '../core/trends-query';
import type { SseSession } from './sse-session';
import { sseEvent } from './sse-wire';
import { tagRegionsKey, type StreamSubscription } from './stream-subscription';

export interface TrendsFeedOptions {
  trendsMs: number;
  trendsBudgetMs: number;
}

interface Group {
  compute(): string;
  chunk: string;
  /** The store version `chunk` was computed at. */
  version: number;
  /** Each session's last delivered chunk. */
  sessions: Map<SseSession, string | null>;
}

export class TrendsFeed {
  private readonly groups = new Map<string, Group>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly engine: TrendEngine,
    private readonly options: TrendsFeedOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => this.refresh(), options.trendsMs);
    this.timer.unref();
  }

  /** Joins the session's groups and sends their chunks now. */
  attach(session: SseSession): void {
    const sub = session.subscription;
    this.join(`trends|${trendsQueryKey(sub)}`, session, () => this.trendsChunk(sub));
    const { tag, window } = sub;
    if (tag !== null) this.join(`tag-regions|${tagRegionsKey(tag, window)}`, session, () => this.tagRegionsChunk(tag, window));
  }

  detach(session: SseSession): void {
    for (const [key, group] of this.groups) {
      if (group.sessions.delete(session) && group.sessions.size === 0) this.groups.delete(key);
    }
  }

  /** One round: recompute the groups whose data changed, then deliver what each session has not got. */
  refresh(): void {
    const version = this.engine.version;
    const deadline = this.now() + this.options.trendsBudgetMs;
    for (const [key, group] of [...this.groups]) {
      if (group.version === version) continue;
      if (this.now() > deadline) break;
      this.recompute(group, version);
      // Recomputed groups go to the back, so the ones skipped for time go first next round.
      this.groups.delete(key);
      this.groups.set(key, group);
    }
    const now = this.now();
    for (const group of this.groups.values()) {
      for (const [session, delivered] of group.sessions) {
        if (delivered !== group.chunk && session.send(group.chunk, now)) group.sessions.set(session, group.chunk);
      }
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.groups.clear();
  }

  private join(key: string, session: SseSession, compute: () => string): void {
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { compute, chunk: '', version: Number.NaN, sessions: new Map() };
      this.groups.set(key, group);
    }
    if (Number.isNaN(group.version)) this.recompute(group, this.engine.version);
    group.sessions.set(session, session.send(group.chunk, this.now()) ? group.chunk : null);
  }

  private recompute(group: Group, version: number): void {
    const chunk = group.compute();
    // Keep the old string when nothing changed: sessions compare by identity first.
    if (chunk !== group.chunk) group.chunk = chunk;
    group.version = version;
  }

  private trendsChunk(sub: StreamSubscription): string {
    return sseEvent(SSE_EVENTS.trends, JSON.stringify(this.engine.trends(sub)));
  }

  private tagRegionsChunk(tag: string, window: WindowName): string {
    return sseEvent(SSE_EVENTS.tagRegions, JSON.stringify(this.engine.tagRegions({ tag, window, limit: TAG_REGIONS_LIMIT.default })));
  }
}
