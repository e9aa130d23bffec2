/**
 * The page's one EventSource on `/api/stream`. `open(query)` with a different query closes the current
 * connection before opening the next, so there is never more than one per page.
 *
 * Connection status, for the indicator:
 * - `connecting`: the first connection of a query is being made.
 * - `live`: open, events arriving.
 * - `reconnecting`: the connection dropped and EventSource is retrying by itself (readyState CONNECTING),
 *   or the stream went silent (no event for `stallMs`) and we replaced it.
 * - `offline`: the browser says it is offline, or it gave up on the stream (readyState CLOSED, e.g. a 502
 *   during a deploy) and we wait out a backoff before opening a new EventSource. Going back online retries
 *   at once.
 */
import type { Static } from 'typebox';
import { SSE_PAYLOADS, type Marker, type Post, type StreamStats, type TagRegionsResponse, type TrendsResponse } from '../../../common/browser/api';
import { SSE_EVENTS } from '../../../common/browser/api-constants';
import { Backoff } from '../../../common/browser/backoff';
import { checkEvent } from '../api/answer-check';
import { streamUrl, type StreamQuery } from '../api/query-urls';
import { Emitter } from '../util/emitter';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

interface StreamEvents {
  markers: Marker[];
  stats: StreamStats;
  trends: TrendsResponse;
  tagRegions: TagRegionsResponse;
  posts: Post[];
  status: ConnectionStatus;
}

export interface StreamClientOptions {
  /** The stream's path; relative, the server that serves the app also serves the stream. */
  url: string;
  /** First wait before replacing an EventSource the browser closed for good, in ms. */
  retryMinMs: number;
  /** Backoff cap, so a long outage costs one request every half minute, not a tight loop. */
  retryMaxMs: number;
  /**
   * A live stream with no event for this long is treated as dead and replaced. The server sends `stats`
   * every few seconds, so silence means a proxy or a sleeping laptop cut the connection without telling.
   */
  stallMs: number;
}

const DEFAULTS: StreamClientOptions = {
  url: '/api/stream',
  retryMinMs: 1_000,
  retryMaxMs: 30_000,
  stallMs: 30_000,
};

/**
 * Each wait is the back-off ceiling give or take a quarter: the reconnects of many open pages after a server
 * restart are spread out instead of arriving as one wave.
 */
const RETRY_JITTER = [0.75, 1.25] as const;

export class StreamClient extends Emitter<StreamEvents> {
  private readonly options: StreamClientOptions;
  private readonly backoff: Backoff;
  private source: EventSource | null = null;
  private url: string | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stallTimer: ReturnType<typeof setInterval> | undefined;
  private lastEventAt = 0;
  private currentStatus: ConnectionStatus = 'connecting';

  constructor(options: Partial<StreamClientOptions> = {}) {
    super();
    this.options = { ...DEFAULTS, ...options };
    this.backoff = new Backoff({ initialMs: this.options.retryMinMs, maxMs: this.options.retryMaxMs, jitter: RETRY_JITTER });
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
  }

  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  /**
   * Opens the stream for `query`. Returns false, doing nothing, when that stream is already open or being
   * retried; true when a new connection was started (its first events answer the new query).
   */
  open(query: StreamQuery): boolean {
    const url = streamUrl(query, this.options.url);
    if (url === this.url && (this.source !== null || this.retryTimer !== undefined)) return false;
    this.url = url;
    this.backoff.reset();
    this.connect();
    return true;
  }

  /** Opens the last query again, e.g. when the page comes back from the back/forward cache. */
  reopen(): void {
    if (this.url === null) return;
    this.backoff.reset();
    if (this.currentStatus !== 'connecting') this.setStatus('reconnecting');
    this.connect();
  }

  close(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    clearInterval(this.stallTimer);
    this.stallTimer = undefined;
    this.source?.close();
    this.source = null;
  }

  destroy(): void {
    this.close();
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    this.removeAllListeners();
  }

  private connect(): void {
    this.close();
    if (this.url === null) return;
    let source: EventSource;
    try {
      source = new EventSource(this.url);
    } catch (error) {
      // Only a malformed URL throws here; treat it like a refused connection.
      console.warn('trendmap: cannot open the stream', error);
      this.scheduleRetry();
      return;
    }
    this.source = source;
    source.addEventListener('open', () => {
      if (source !== this.source) return;
      this.backoff.reset();
      this.touch();
      this.setStatus('live');
    });
    source.addEventListener('error', () => this.onError(source));
    this.listen(source, 'markers', (markers) => {
      if (markers.length > 0) this.emit('markers', markers);
    });
    this.listen(source, 'stats', (stats) => this.emit('stats', stats));
    this.listen(source, 'trends', (trends) => this.emit('trends', trends));
    this.listen(source, 'tagRegions', (regions) => this.emit('tagRegions', regions));
    this.listen(source, 'posts', (posts) => {
      if (posts.length > 0) this.emit('posts', posts);
    });
    this.stallTimer = setInterval(this.checkStall, Math.min(5_000, this.options.stallMs));
  }

  /**
   * Adds a handler for the event `SSE_EVENTS[key]`, with its payload checked against `SSE_PAYLOADS[key]`: a
   * malformed one is skipped with a warning. Events of a connection already replaced (queued events still
   * fire) are ignored.
   */
  private listen<K extends keyof typeof SSE_PAYLOADS>(
    source: EventSource,
    key: K,
    handle: (payload: Static<(typeof SSE_PAYLOADS)[K]>) => void,
  ): void {
    source.addEventListener(SSE_EVENTS[key], (event) => {
      if (source !== this.source) return;
      this.touch();
      const payload = checkEvent(SSE_PAYLOADS[key], event.data);
      if (payload === null) console.warn(`trendmap: ignored a malformed ${SSE_EVENTS[key]} event`);
      else handle(payload);
    });
  }

  private touch(): void {
    this.lastEventAt = performance.now();
    // An event proves the connection is up even if `open` was missed (some proxies delay it); but while the
    // browser says it is offline, events still in the pipe are not a live connection.
    if (navigator.onLine !== false) this.setStatus('live');
  }

  private onError(source: EventSource): void {
    if (source !== this.source) return;
    if (source.readyState === EventSource.CLOSED) this.scheduleRetry();
    else this.setStatus(navigator.onLine === false ? 'offline' : 'reconnecting');
  }

  private scheduleRetry(): void {
    this.close();
    this.setStatus('offline');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.setStatus('reconnecting');
      this.connect();
    }, this.backoff.next());
  }

  private readonly checkStall = (): void => {
    if (this.currentStatus !== 'live' || performance.now() - this.lastEventAt < this.options.stallMs) return;
    console.warn('trendmap: the stream went silent; reconnecting');
    this.setStatus('reconnecting');
    this.connect();
  };

  private readonly onOnline = (): void => {
    // Back online: do not wait out the rest of a backoff.
    if (this.retryTimer !== undefined || this.currentStatus === 'offline') this.reopen();
  };

  private readonly onOffline = (): void => {
    this.setStatus('offline');
  };

  private setStatus(status: ConnectionStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.emit('status', status);
  }
}
