/**
 * Keeps every registered SSE session's `trends` (and, with a tag, `tag-regions`) current. Sessions that follow the
 * same query share a group: one computation and one serialised chunk per group, so a thousand browsers on
 * the world's top 10 cost one query a round.
 *
 * A session gets its group's chunk at once when it registers: computed then for a new group; an existing
 * group's as it is, at most a round old, so that a rush of connections costs one computation per query a
 * round rather than one per connection (`npm run bench -- streams`). Then every `trendsMs`, when the store changed
 * since the last round (and at once when a post is counted after a quiet `trendsMs`, so that at a low rate the
 * panel moves with the map's markers), each group recomputes (within `trendsBudgetMs`: groups not reached keep their chunk
 * and go first next round), and each session whose last delivered chunk differs gets the new one. A chunk
 * the socket would not take (a slow client, see `SseSession.send`) is not marked delivered, so it is tried
 * again next round. A session leaves its groups by itself when it closes. A round's writes go out in slices
 * (`SliceQueue`), so that requests are served between them.
 */
import { SSE_EVENTS, TAG_REGIONS_LIMIT } from '../../../common/browser/api';
import type { WindowName } from '../../../common/browser/windows';
import type { TrendEngine } from '../trend-engine';
import { trendsQueryKey } from '../core/trends-query';
import type { SseSession } from './sse-session';
import { sseEvent } from './sse-wire';
import { tagRegionsKey, type StreamSubscription } from './stream-subscription';
import { SliceQueue } from './slice-queue';

export interface TrendsFeedOptions {
  /** How often `trends` and `tag-regions` are recomputed (when anything changed) and sent, in ms. */
  trendsMs: number;
  /** The most time one such round may spend computing, in ms; what is left waits for the next round. */
  trendsBudgetMs: number;
}

export const TRENDS_FEED_DEFAULTS: TrendsFeedOptions = {
  trendsMs: 1_000,
  trendsBudgetMs: 250,
};

interface Group {
  key: string;
  compute(): string;
  /** The event as computed, and as sent: encoded once for every socket. */
  text: string;
  chunk: Buffer;
  /** The store version `chunk` was computed at. */
  version: number;
  /** Each session's last delivered chunk. */
  sessions: Map<SseSession, Buffer | null>;
}

const EMPTY = Buffer.alloc(0);

export class TrendsFeed {
  readonly options: TrendsFeedOptions;
  private readonly groups = new Map<string, Group>();
  /**
   * Each registered session: the keys of the groups it joined (so that leaving does not scan every group) and
   * what stops listening for its close.
   */
  private readonly joined = new Map<SseSession, { keys: string[]; stopListening: () => void }>();
  private readonly timer: NodeJS.Timeout;
  /**
   * When the last round that recomputed something started (`now`, ms): a round that found nothing changed
   * does not make the next post wait. And the round a post asked for, if any.
   */
  private lastRoundMs = Number.NEGATIVE_INFINITY;
  private asked: NodeJS.Immediate | null = null;
  private readonly stopListening: () => void;
  private readonly slices: SliceQueue;

  constructor(
    private readonly engine: TrendEngine,
    options: Partial<TrendsFeedOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.options = { ...TRENDS_FEED_DEFAULTS, ...options };
    this.slices = new SliceQueue(undefined, now);
    // A timed round soon after one a post asked for (within half a period) would spend a second budget: it waits.
    this.timer = setInterval(() => {
      if (this.now() - this.lastRoundMs >= this.options.trendsMs / 2) this.refresh();
    }, this.options.trendsMs);
    this.timer.unref();
    this.stopListening = engine.onAccepted(() => this.nudge());
  }

  /** A post was counted: a round now (after this turn of the event loop) when none ran for `trendsMs`. */
  private nudge(): void {
    if (this.asked !== null || this.groups.size === 0 || this.now() - this.lastRoundMs < this.options.trendsMs) return;
    this.asked = setImmediate(() => this.refresh());
  }

  /** Sessions registered now. */
  get clients(): number {
    return this.joined.size;
  }

  /**
   * Joins the session's groups and sends their chunks now; it leaves them when it closes. Registering twice,
   * or a session already closed, does nothing.
   */
  register(session: SseSession): void {
    if (this.joined.has(session) || session.isClosed) return;
    const sub = session.subscription;
    const { tag, window } = sub;
    const groups: [key: string, compute: () => string][] = [[`trends|${trendsQueryKey(sub)}`, () => this.trendsChunk(sub)]];
    if (tag !== null) groups.push([`tag-regions|${tagRegionsKey(tag, window)}`, () => this.tagRegionsChunk(tag, window)]);
    this.joined.set(session, { keys: groups.map(([key]) => key), stopListening: session.onClose(() => this.deregister(session)) });
    for (const [key, compute] of groups) this.join(key, session, compute);
  }

  /** Leaves the session's groups (a group left empty goes); a session not registered is left alone. */
  deregister(session: SseSession): void {
    const joined = this.joined.get(session);
    if (joined === undefined) return;
    this.joined.delete(session);
    joined.stopListening();
    for (const key of joined.keys) {
      const group = this.groups.get(key);
      if (group !== undefined && group.sessions.delete(session) && group.sessions.size === 0) this.groups.delete(key);
    }
  }

  /** One round: recompute the groups whose data changed, then deliver what each session has not got. */
  refresh(): void {
    if (this.asked !== null) clearImmediate(this.asked);
    this.asked = null;
    const started = this.now();
    const version = this.engine.version;
    const deadline = started + this.options.trendsBudgetMs;
    for (const [key, group] of [...this.groups]) {
      if (group.version === version) continue;
      if (this.now() > deadline) break;
      this.lastRoundMs = started;
      this.recompute(group, version);
      // Recomputed groups go to the back, so the ones skipped for time go first next round.
      this.groups.delete(key);
      this.groups.set(key, group);
    }
    const now = this.now();
    for (const group of this.groups.values()) {
      const chunk = group.chunk;
      const behind: SseSession[] = [];
      for (const [session, delivered] of group.sessions) if (delivered !== chunk) behind.push(session);
      if (behind.length > 0)
        this.slices.run(behind, (session) => {
          // Gone since the round began, given this chunk by joining, or the group has a newer chunk than this
          // round's (a later round's job sends that one): nothing to send.
          const delivered = group.sessions.get(session);
          if (delivered === undefined || delivered === chunk || group.chunk !== chunk || this.groups.get(group.key) !== group) return;
          if (session.send(chunk, now)) group.sessions.set(session, chunk);
        });
    }
  }

  /** Stops the rounds and forgets every session (the hub ends the streams). */
  close(): void {
    clearInterval(this.timer);
    this.stopListening();
    if (this.asked !== null) clearImmediate(this.asked);
    this.asked = null;
    this.slices.clear();
    this.groups.clear();
    this.joined.clear();
  }

  private join(key: string, session: SseSession, compute: () => string): void {
    // A send that cut off a stalled session deregistered it: it joins nothing more.
    if (!this.joined.has(session)) return;
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { key, compute, text: '', chunk: EMPTY, version: Number.NaN, sessions: new Map() };
      this.groups.set(key, group);
    }
    if (Number.isNaN(group.version)) this.recompute(group, this.engine.version);
    // In the group before the send: a send that closes the session then takes it (and an emptied group) out.
    group.sessions.set(session, null);
    if (session.send(group.chunk, this.now())) group.sessions.set(session, group.chunk);
  }

  private recompute(group: Group, version: number): void {
    const text = group.compute();
    // Keep the old chunk when nothing changed: sessions compare by identity.
    if (text !== group.text) {
      group.text = text;
      group.chunk = Buffer.from(text);
    }
    group.version = version;
  }

  private trendsChunk(sub: StreamSubscription): string {
    return sseEvent(SSE_EVENTS.trends, JSON.stringify(this.engine.trends(sub)));
  }

  private tagRegionsChunk(tag: string, window: WindowName): string {
    return sseEvent(SSE_EVENTS.tagRegions, JSON.stringify(this.engine.tagRegions({ tag, window, limit: TAG_REGIONS_LIMIT.default })));
  }
}
