/**
 * Fans accepted posts out to every registered SSE session as batched markers (`SSE_EVENTS.markers`, `tweets`
 * on the wire; by the session's tag) and `posts` events (the newest few posts of the batch in the session's
 * area with its tag), and sends each session a `stats` event and keep-alives.
 *
 * Batching adapts to the rate: a post counted after a quiet spell (`batchMs` since the last flush) leaves at
 * once, with whatever else was counted in the same turn of the event loop (the bus hands over a batch at a
 * time); at a higher rate, posts are flushed together every `batchMs`, so a client gets at most a write per
 * `batchMs`. When the fan-out itself is the cost (many streams), the gap grows to `FLUSH_GAP_SHARE` times the
 * last flush's duration, so that flushing keeps at most about a third of the event loop. A batch larger than
 * `maxBatch` markers is sampled down evenly, and what was left out is counted in that client's `dropped`.
 *
 * Sessions with the same tag and area share one chunk (markers and posts together, one Buffer, one write
 * each), made when the first of them is reached, so a batch's work other than the writes grows with the
 * number of different questions, not of streams. The writes go out in slices (`SliceQueue`): requests are
 * served between them, and a batch waits for the one before it to be written everywhere, so order is kept.
 *
 * The hub also holds the caps on open streams: `admit` says whether one more may open, and the registered
 * sessions are what it counts. A session leaves by itself when it closes.
 */
import type { GeoEvent } from '../../../common/node/event';
import { DEFAULTS } from '../../../common/node/config';
import { SSE_EVENTS, type Marker, type StreamStats } from '../../../common/browser/api';
import { postFilter, toPost } from '../core/post-view';
import type { SseSession } from './sse-session';
import { sseEvent } from './sse-wire';
import { postsKey } from './stream-subscription';
import { SliceQueue } from './slice-queue';

export interface HubOptions {
  /** The shortest time between two flushes of markers, in ms: the longest a marker waits at a high rate. */
  batchMs: number;
  /** Most markers in one batch per client. */
  maxBatch: number;
  /** How often each client gets a `stats` event, in ms. */
  statsMs: number;
  /** How often an idle connection gets a keep-alive comment, in ms. */
  keepAliveMs: number;
  /** Most open streams in all (`SSE_MAX_CLIENTS`), and from one client address (`SSE_MAX_CLIENTS_PER_ADDRESS`). */
  maxClients: number;
  maxClientsPerAddress: number;
  /** Most posts in one `posts` event: the list shows a few; a busy area would flood it. */
  postsPerBatch: number;
}

export const HUB_DEFAULTS: HubOptions = {
  batchMs: 50,
  maxBatch: 500,
  statsMs: 2_000,
  keepAliveMs: 15_000,
  maxClients: DEFAULTS.sseMaxClients,
  maxClientsPerAddress: DEFAULTS.sseMaxClientsPerAddress,
  postsPerBatch: 5,
};

/** Posts per second, over the last `RATE_WINDOW_MS`, sampled every `RATE_TICK_MS`. */
const RATE_WINDOW_MS = 5_000;
const RATE_TICK_MS = 250;

/**
 * The gap between flushes is at least this many times the last flush's duration (a third of the loop at
 * most). With the writes in slices, requests are served during a flush, so the fan-out may take that much:
 * at 10,000 streams a flush's writes take about 150 ms (~15 µs a socket, in a CPU profile); five times that
 * kept markers at p99 1.2 s in `npm run bench -- streams`, three times at p99 0.74 s.
 */
const FLUSH_GAP_SHARE = 3;

/** The longest gap between flushes, in ms, however long a flush takes. */
const MAX_FLUSH_GAP_MS = 1_000;

export type AdmitResult = { ok: true } | { ok: false; status: 429 | 503; error: string };

/**
 * Running totals since start, for `/metrics`: plain counts, so fan-out pays an addition for them and
 * nothing else.
 */
export interface HubCounts {
  /** Marker batches not written to a client because its socket was full. */
  droppedBatches: number;
  /** Markers a client did not get: sampled out of an oversized batch, or in a dropped batch. */
  droppedMarkers: number;
  /** Clients cut off for staying stalled (`SessionOptions.stallMs`). */
  stalledDisconnects: number;
  /** Streams refused because the server had `maxClients` open. */
  refusedServerFull: number;
  /** Streams refused because their address had `maxClientsPerAddress` open. */
  refusedAddressFull: number;
}

export class MarkerHub {
  readonly options: HubOptions;
  /** Registered sessions, each with what stops listening for its close and the key of its posts (area and tag). */
  private readonly sessions = new Map<SseSession, { stopListening: () => void; postsKey: string }>();
  private readonly perIp = new Map<string, number>();
  private readonly dropped = new WeakMap<SseSession, number>();
  private pending: GeoEvent[] = [];
  /** Posts published since the last rate tick, whether or not anyone was listening. */
  private counted = 0;
  /** When the last flush started (`now`, ms), and how long until the next may. */
  private lastFlushMs = Number.NEGATIVE_INFINITY;
  private gapMs: number;
  /** The flush scheduled (an immediate or a timer), if any. */
  private scheduled: { cancel(): void } | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  /** Writes to every session a slice at a time; true while a batch's are under way. */
  private readonly slices: SliceQueue;
  private fanningOut = false;
  private readonly recent: { at: number; n: number }[] = [];
  readonly counts: HubCounts = { droppedBatches: 0, droppedMarkers: 0, stalledDisconnects: 0, refusedServerFull: 0, refusedAddressFull: 0 };
  /** What the `stats` event says of the whole server besides the rate: live or replay, the time, the source. */
  context: (() => Pick<StreamStats, 'mode' | 'asOf' | 'source'>) | null = null;

  constructor(
    private readonly ingested: () => number,
    options: Partial<HubOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.options = { ...HUB_DEFAULTS, ...options };
    this.gapMs = this.options.batchMs;
    this.slices = new SliceQueue(undefined, now);
    this.timers.push(
      setInterval(() => this.tickRate(), RATE_TICK_MS),
      setInterval(() => this.sendStats(), this.options.statsMs),
      setInterval(() => this.keepAlive(), this.options.keepAliveMs),
    );
    for (const timer of this.timers) timer.unref();
  }

  get clients(): number {
    return this.sessions.size;
  }

  /** Writes of a fan-out not yet made (sessions still to be written), for tests and diagnostics. */
  get backlog(): number {
    return this.slices.backlog;
  }

  /** Accepted posts per second over the last `RATE_WINDOW_MS`, to one decimal. */
  get rate(): number {
    const seconds = RATE_WINDOW_MS / 1_000;
    const posts = this.recent.reduce((sum, r) => sum + r.n, this.counted);
    return Math.round((posts / seconds) * 10) / 10;
  }

  /**
   * Queues an accepted post for the next batch. With no stream open there is no one to send it to: holding
   * it anyway would keep every post of a fast replay alive for a batch, long enough to be promoted to the old
   * generation, and the heap would grow by tens of MB between collections.
   */
  publish(event: GeoEvent): void {
    this.counted += 1;
    if (this.sessions.size === 0) return;
    this.pending.push(event);
    this.schedule();
  }

  /** Flushes after this turn of the event loop when the gap since the last flush is over, else when it is. */
  private schedule(): void {
    if (this.scheduled !== null) return;
    const wait = this.lastFlushMs + this.gapMs - this.now();
    if (wait <= 0) {
      const immediate = setImmediate(() => this.flush());
      this.scheduled = { cancel: () => clearImmediate(immediate) };
    } else {
      const timer = setTimeout(() => this.flush(), wait);
      timer.unref();
      this.scheduled = { cancel: () => clearTimeout(timer) };
    }
  }

  /** Whether one more stream from `ip` may open. */
  admit(ip: string): AdmitResult {
    if (this.sessions.size >= this.options.maxClients) {
      this.counts.refusedServerFull += 1;
      return { ok: false, status: 503, error: 'too many open streams; try again later' };
    }
    if ((this.perIp.get(ip) ?? 0) >= this.options.maxClientsPerAddress) {
      this.counts.refusedAddressFull += 1;
      return { ok: false, status: 429, error: `too many open streams from ${ip}` };
    }
    return { ok: true };
  }

  /**
   * Starts sending to a session that `admit` allowed, until it closes: the hub listens for its `close` and
   * deregisters it then. Registering twice, or a session already closed, does nothing.
   */
  register(session: SseSession): void {
    if (this.sessions.has(session) || session.isClosed) return;
    this.sessions.set(session, { stopListening: session.onClose(() => this.deregister(session)), postsKey: postsKey(session.subscription) });
    this.perIp.set(session.ip, (this.perIp.get(session.ip) ?? 0) + 1);
  }

  /** Stops sending to a session and frees its slot; a session not registered is left alone. */
  deregister(session: SseSession): void {
    const registered = this.sessions.get(session);
    if (registered === undefined) return;
    this.sessions.delete(session);
    registered.stopListening();
    if (session.stalledOut) this.counts.stalledDisconnects += 1;
    const left = (this.perIp.get(session.ip) ?? 1) - 1;
    if (left === 0) this.perIp.delete(session.ip);
    else this.perIp.set(session.ip, left);
  }

  /** Ends every stream and stops the timers: streams never end by themselves. */
  close(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.scheduled?.cancel();
    this.scheduled = null;
    this.slices.clear();
    for (const session of [...this.sessions.keys()]) session.close();
    this.pending = [];
  }

  /**
   * Sends what is pending to every session: markers filtered by its tag, posts by its area and tag. While the
   * last batch is still being written, this one waits for it: its end schedules the next flush.
   */
  flush(): void {
    this.scheduled?.cancel();
    this.scheduled = null;
    if (this.fanningOut || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const now = this.now();
    this.lastFlushMs = now;
    this.fanningOut = true;
    // The gap is measured on the slices' own time (the writes included: a session writes at once), not on the
    // turns they waited while requests were served.
    this.fanOut(batch, now, (busyMs) => {
      this.fanningOut = false;
      this.gapMs = Math.min(Math.max(this.options.batchMs, FLUSH_GAP_SHARE * busyMs), MAX_FLUSH_GAP_MS);
      // A flush scheduled during the fan-out waited by the gap before it: from the new one.
      this.scheduled?.cancel();
      this.scheduled = null;
      if (this.pending.length > 0) this.schedule();
    });
  }

  /** Samples the post rate: what was counted since the last tick. */
  private tickRate(): void {
    const now = this.now();
    this.recent.push({ at: now, n: this.counted });
    this.counted = 0;
    while (this.recent.length > 0 && this.recent[0].at < now - RATE_WINDOW_MS) this.recent.shift();
  }

  /**
   * Sends a batch to every session registered now (a slice at a time; one that leaves meanwhile is skipped):
   * markers filtered by its tag, posts by its area and tag. Calls `done` with the time the slices took, in ms.
   */
  private fanOut(batch: GeoEvent[], now: number, done: (busyMs: number) => void): void {
    const markers = batch.map(toMarker);
    // Sessions that share a filter share one serialised chunk, encoded once: markers by tag, posts by area
    // and tag. Kept apart (and written together, in one corked write): a chunk of both for each area would
    // copy the markers once for every map view followed (each its own area), held until the fan-out ends.
    const byTag = new Map<string | null, { chunk: Buffer | null; sent: number; sampledOut: number }>();
    const byKey = new Map<string, Buffer | null>();
    const markersOf = (tag: string | null) => {
      let prepared = byTag.get(tag);
      if (prepared === undefined) {
        const tagged = tag === null ? markers : markers.filter((m) => m.tags.includes(tag));
        const sampled = sample(tagged, this.options.maxBatch);
        const chunk = sampled.length === 0 ? null : Buffer.from(sseEvent(SSE_EVENTS.markers, JSON.stringify(sampled)));
        prepared = { chunk, sent: sampled.length, sampledOut: tagged.length - sampled.length };
        byTag.set(tag, prepared);
      }
      return prepared;
    };
    const postsOf = (session: SseSession, key: string) => {
      let posts = byKey.get(key);
      if (posts === undefined) {
        const chunk = this.postsChunk(batch, session);
        posts = chunk === '' ? null : Buffer.from(chunk);
        byKey.set(key, posts);
      }
      return posts;
    };
    this.slices.run(
      [...this.sessions.keys()],
      (session) => {
        const registered = this.sessions.get(session);
        if (registered === undefined) return;
        const { chunk, sent, sampledOut } = markersOf(session.tag);
        const posts = postsOf(session, registered.postsKey);
        if (chunk === null && posts === null) return;
        this.countDropped(session, sampledOut);
        // An array (one a session) only when both go.
        const pieces = chunk === null ? posts! : posts === null ? chunk : [chunk, posts];
        // A batch with only posts for this session is not a dropped batch of markers when its socket is full.
        if (!session.send(pieces, now) && sent > 0) {
          this.counts.droppedBatches += 1;
          this.countDropped(session, sent);
        }
      },
      done,
    );
  }

  /** The `posts` event for a session's area and tag: the batch's newest matching posts, newest first. */
  private postsChunk(batch: GeoEvent[], session: SseSession): string {
    const matches = postFilter(session.subscription, session.tag);
    const newest: GeoEvent[] = [];
    for (let i = batch.length - 1; i >= 0 && newest.length < this.options.postsPerBatch; i -= 1) {
      if (matches(batch[i])) newest.push(batch[i]);
    }
    return newest.length === 0 ? '' : sseEvent(SSE_EVENTS.posts, JSON.stringify(newest.map(toPost)));
  }

  private countDropped(session: SseSession, n: number): void {
    if (n === 0) return;
    this.dropped.set(session, (this.dropped.get(session) ?? 0) + n);
    this.counts.droppedMarkers += n;
  }

  private sendStats(): void {
    const now = this.now();
    // What every session is told alike, worked out once per broadcast; sessions that dropped as many markers
    // (most: none) share one chunk.
    const shared = { rate: this.rate, ingested: this.ingested(), ...this.context?.() };
    const byDropped = new Map<number, Buffer>();
    this.slices.run([...this.sessions.keys()], (session) => {
      if (!this.sessions.has(session)) return;
      const dropped = this.dropped.get(session) ?? 0;
      let chunk = byDropped.get(dropped);
      if (chunk === undefined) {
        const stats: StreamStats = { ...shared, dropped };
        chunk = Buffer.from(sseEvent(SSE_EVENTS.stats, JSON.stringify(stats)));
        byDropped.set(dropped, chunk);
      }
      session.send(chunk, now);
    });
  }

  private keepAlive(): void {
    const now = this.now();
    this.slices.run([...this.sessions.keys()], (session) => {
      if (this.sessions.has(session)) session.keepAlive(now);
    });
  }
}

function toMarker(event: GeoEvent): Marker {
  return { id: event.id, ts: event.ts, lat: event.lat, lon: event.lon, cc: event.cc, tags: event.tags };
}

/** Every n-th item so that at most `max` remain, spread over the whole batch. */
function sample<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)]);
}
