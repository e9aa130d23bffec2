/**
 * The page's one EventSource on `/api/stream`. Opening it again (a new tag filter) closes the previous one
 * first, so there is never more than one connection per page.
 *
 * Reconnection: while the connection drops and comes back, EventSource retries by itself (readyState
 * CONNECTING) and we only show "reconnecting". When the browser gives up for good (readyState CLOSED, e.g.
 * the server answered 502 during a deploy), we open a new EventSource after a backoff.
 */
import type { Marker, StreamStats } from '../../../common/src/api';
import { Emitter } from '../util/emitter';
import { parseMarkers, parseStats } from './stream-messages';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting';

interface StreamEvents {
  markers: Marker[];
  stats: StreamStats;
  status: ConnectionStatus;
}

export interface StreamClientOptions {
  url: string;
  retryMinMs: number;
  retryMaxMs: number;
}

const DEFAULTS: StreamClientOptions = {
  /** Relative: the server that serves the app also serves the stream. */
  url: '/api/stream',
  /** First wait before replacing an EventSource the browser closed for good. */
  retryMinMs: 2_000,
  /** Backoff cap, so a long outage costs one request every half minute, not a tight loop. */
  retryMaxMs: 30_000,
};

/** SSE event names, as in `SSE_EVENTS` of common/src/api.ts (types only may be imported from there). */
const EVENTS = { tweets: 'tweets', stats: 'stats' } as const;

export class StreamClient extends Emitter<StreamEvents> {
  private readonly options: StreamClientOptions;
  private source: EventSource | null = null;
  private tag: string | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryMs: number;
  private currentStatus: ConnectionStatus = 'connecting';

  constructor(options: Partial<StreamClientOptions> = {}) {
    super();
    this.options = { ...DEFAULTS, ...options };
    this.retryMs = this.options.retryMinMs;
  }

  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  /** The stream URL for a tag filter; the tag is encoded because it is user input from the page URL. */
  streamUrl(tag: string | null): string {
    return tag === null ? this.options.url : `${this.options.url}?tag=${encodeURIComponent(tag)}`;
  }

  /** Opens (or reopens) the stream, all posts or only those carrying `tag`. */
  open(tag: string | null = null): void {
    this.tag = tag;
    this.retryMs = this.options.retryMinMs;
    this.connect();
  }

  close(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.source) {
      this.source.close();
      this.source = null;
    }
  }

  destroy(): void {
    this.close();
    this.removeAllListeners();
  }

  private connect(): void {
    this.close();
    this.setStatus(this.currentStatus === 'live' ? 'reconnecting' : this.currentStatus);
    let source: EventSource;
    try {
      source = new EventSource(this.streamUrl(this.tag));
    } catch (error) {
      // Only a malformed URL throws here; treat it like a refused connection.
      console.warn('trendmap: cannot open the stream', error);
      this.scheduleRetry();
      return;
    }
    this.source = source;
    source.addEventListener('open', () => {
      this.retryMs = this.options.retryMinMs;
      this.setStatus('live');
    });
    source.addEventListener('error', () => this.onError(source));
    source.addEventListener(EVENTS.tweets, (event) => {
      const markers = parseMarkers((event as MessageEvent).data);
      if (markers.length > 0) this.emit('markers', markers);
    });
    source.addEventListener(EVENTS.stats, (event) => {
      const stats = parseStats((event as MessageEvent).data);
      if (stats) this.emit('stats', stats);
    });
  }

  private onError(source: EventSource): void {
    if (source !== this.source) return; // a late event from a connection we already replaced
    this.setStatus('reconnecting');
    if (source.readyState === EventSource.CLOSED) this.scheduleRetry();
  }

  private scheduleRetry(): void {
    this.source?.close();
    this.source = null;
    clearTimeout(this.retryTimer);
    // Jitter spreads the reconnects of many open pages after a server restart.
    const delay = this.retryMs * (0.75 + Math.random() * 0.5);
    this.retryMs = Math.min(this.retryMs * 2, this.options.retryMaxMs);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.emit('status', status);
  }
}
