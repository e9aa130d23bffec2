/**
 * One browser's SSE connection. Writes never wait: when the socket's buffer is over `highWaterBytes`, a
 * message is dropped (and the caller counts it) rather than queued, so one slow client cannot hold memory
 * or slow anyone else. A client that stays that full for `stallMs` is disconnected; its EventSource
 * reconnects and starts fresh.
 *
 * A session knows nothing of who sends to it. The hub and the trends feed `register` it and listen for its
 * `close` event, each deregistering it then (better-sse's `Channel.register` is the model): whoever opens a
 * session does not have to remember every owner it joined.
 */
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { SSE_HEADERS, sseComment, sseRetry } from './sse-wire';
import type { StreamSubscription } from './stream-subscription';

export interface SessionOptions {
  /** Socket buffer size past which messages are dropped, in bytes. */
  highWaterBytes: number;
  /** How long a client may stay over the high-water mark before it is cut off, in ms. */
  stallMs: number;
  /** The reconnect delay suggested to the client (the stream's `retry:` field), in ms: at least this... */
  retryMs: number;
  /**
   * ...plus a random share of this, in ms, so that when a server restarts, its thousands of browsers come
   * back spread over that span rather than in the same instant.
   */
  retryJitterMs: number;
  /** Where the jitter's share comes from (0 to 1): `Math.random`, or a test's sequence. */
  random: () => number;
}

export const SESSION_DEFAULTS: SessionOptions = {
  highWaterBytes: 256 * 1024,
  stallMs: 30_000,
  retryMs: 3_000,
  retryJitterMs: 3_000,
  random: Math.random,
};

interface SessionEvents {
  /** Emitted once, when the session ends for any reason: the client left, a write failed, it stalled, or shutdown. */
  close: [];
}

export class SseSession extends EventEmitter<SessionEvents> {
  private readonly options: SessionOptions;
  private stalledSince: number | null = null;
  private closed = false;
  /** True once the session was cut off for staying stalled (counted by the hub). */
  stalledOut = false;

  constructor(
    private readonly res: ServerResponse,
    /** What this stream follows, for its whole life. */
    readonly subscription: StreamSubscription,
    /** The client's address, for the hub's per-address cap. */
    readonly ip: string,
    options: Partial<SessionOptions> = {},
  ) {
    super();
    this.options = { ...SESSION_DEFAULTS, ...options };
    res.writeHead(200, SSE_HEADERS);
    const { retryMs, retryJitterMs, random } = this.options;
    res.write(sseRetry(retryMs + Math.floor(random() * retryJitterMs)));
    res.on('close', () => this.close());
    res.on('error', () => this.close());
  }

  /**
   * Calls `leave` once, when the session closes; returns what cancels that. An owner that lets a session go
   * before it closes cancels it, so registering again adds one listener, not two.
   */
  onClose(leave: () => void): () => void {
    this.once('close', leave);
    return () => this.off('close', leave);
  }

  /** Only posts carrying this tag key, or all when null. */
  get tag(): string | null {
    return this.subscription.tag;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Writes `chunk` (or its pieces, in one corked write) unless the client is behind; returns false when it
   * was dropped. A chunk many sessions share is best a Buffer, encoded once: a string is measured and encoded
   * again for every socket.
   */
  send(chunk: string | Uint8Array | readonly (string | Uint8Array)[], nowMs: number): boolean {
    if (this.closed) return false;
    if (this.res.writableLength > this.options.highWaterBytes) {
      this.stalledSince ??= nowMs;
      if (nowMs - this.stalledSince >= this.options.stallMs) {
        this.stalledOut = true;
        this.close();
      }
      return false;
    }
    this.stalledSince = null;
    // Corked, the response's pieces (chunk size, data, CRLF) leave in one system call now, rather than the
    // response corking itself and writing in a callback of its own (process.nextTick) per socket: a fan-out's
    // writes then cost the slice that made them (`SliceQueue`), not a tail after it that no one measures.
    const socket = this.res.socket;
    socket?.cork();
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) this.res.write(chunk);
    else for (const piece of chunk) this.res.write(piece);
    socket?.uncork();
    return true;
  }

  keepAlive(nowMs: number): void {
    this.send(sseComment(`keep-alive ${nowMs}`), nowMs);
  }

  /** Ends the stream and tells every owner (`close`), once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.res.end();
    // A stalled socket would not finish `end` while its buffer is full.
    if (this.res.writableLength > this.options.highWaterBytes) this.res.destroy();
    this.emit('close');
  }
}
