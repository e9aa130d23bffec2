/**
 * The stream client's connection handling against a fake EventSource, window and clock: reconnect after the
 * browser gave up, back-off that doubles and resets, the stall check, online/offline, and resubscribing
 * (a new query replaces the connection; a reconnect reopens the same query). The browser suites cover the
 * same with a real server; these reach every branch in milliseconds.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamQuery } from '../api/query-urls';
import { StreamClient, type ConnectionStatus } from './stream-client';

/** An EventSource the test drives: it opens, fails and delivers events when told. */
class FakeEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  /** Every instance made, in order. */
  static made: FakeEventSource[] = [];

  readyState = FakeEventSource.CONNECTING;
  closed = false;

  constructor(readonly url: string) {
    super();
    FakeEventSource.made.push(this);
  }

  close(): void {
    this.readyState = FakeEventSource.CLOSED;
    this.closed = true;
  }

  open(): void {
    this.readyState = FakeEventSource.OPEN;
    this.dispatchEvent(new Event('open'));
  }

  /** An `error` event with the state the browser leaves it in: CONNECTING (it retries) or CLOSED (it gave up). */
  fail(readyState: number): void {
    this.readyState = readyState;
    this.dispatchEvent(new Event('error'));
  }

  send(name: string, data: string): void {
    this.dispatchEvent(Object.assign(new Event(name), { data }));
  }
}

const RETRY_MIN_MS = 1_000;
/** The back-off's jitter: each wait is its step ±25 %. */
const JITTER = 0.25;
const RETRY_MAX_MS = 8_000;
const STALL_MS = 30_000;
const STATS = JSON.stringify({ rate: 3, ingested: 10, dropped: 0 });
const WORLD_TOP: StreamQuery = { region: 'world', bbox: null, tag: null, window: '1h', sort: 'top' };
const FRANCE_TOP: StreamQuery = { ...WORLD_TOP, region: 'FR' };

let windowTarget: EventTarget;
let online: { onLine: boolean };
let client: StreamClient;
let statuses: ConnectionStatus[];

const latest = (): FakeEventSource => FakeEventSource.made.at(-1)!;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  FakeEventSource.made = [];
  windowTarget = new EventTarget();
  online = { onLine: true };
  vi.stubGlobal('window', windowTarget);
  vi.stubGlobal('navigator', online);
  vi.stubGlobal('EventSource', FakeEventSource);
  client = new StreamClient({ retryMinMs: RETRY_MIN_MS, retryMaxMs: RETRY_MAX_MS, stallMs: STALL_MS });
  statuses = [];
  client.on('status', (status) => statuses.push(status));
});

afterEach(() => {
  client.destroy();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('StreamClient: one connection per query', () => {
  it('opens the query, is live once open, and ignores a second open of the same query', () => {
    expect(client.open(WORLD_TOP)).toBe(true);
    expect(latest().url).toBe('/api/stream?region=world&window=1h&sort=top');
    expect(client.status).toBe('connecting');
    latest().open();
    expect(client.status).toBe('live');
    expect(client.open(WORLD_TOP)).toBe(false);
    expect(FakeEventSource.made).toHaveLength(1);
  });

  it('resubscribes for a new query: closes the old connection first and ignores what it still delivers', () => {
    const received: number[] = [];
    client.on('stats', (stats) => received.push(stats.rate));
    client.open(WORLD_TOP);
    const first = latest();
    first.open();
    expect(client.open(FRANCE_TOP)).toBe(true);
    expect(first.closed).toBe(true);
    expect(latest().url).toBe('/api/stream?region=FR&window=1h&sort=top');
    first.send('stats', STATS); // queued before the close: must not reach the page
    expect(received).toEqual([]);
    latest().send('stats', STATS);
    expect(received).toEqual([3]);
  });
});

describe('StreamClient: reconnecting', () => {
  it('leaves a drop the browser retries itself to the browser, saying reconnecting', () => {
    client.open(WORLD_TOP);
    latest().open();
    latest().fail(FakeEventSource.CONNECTING);
    expect(client.status).toBe('reconnecting');
    vi.advanceTimersByTime(RETRY_MAX_MS * 2);
    expect(FakeEventSource.made).toHaveLength(1);
    latest().open();
    expect(client.status).toBe('live');
  });

  it('reopens the same query after a back-off that doubles while it keeps failing and resets once it opens', () => {
    client.open(FRANCE_TOP);
    latest().open();
    latest().fail(FakeEventSource.CLOSED);
    expect(client.status).toBe('offline');
    // Steps of 1 s, 2 s, 4 s, then the 8 s cap, while no connection opens (each ±25 %: 2 s never retries
    // before 1.5 s, so a back-off that did not double would fail here).
    for (const stepMs of [1_000, 2_000, 4_000, 8_000, 8_000]) {
      const before = FakeEventSource.made.length;
      vi.advanceTimersByTime(stepMs * (1 - JITTER) - 1);
      expect(FakeEventSource.made, `no retry before ${stepMs} ms - 25 %`).toHaveLength(before);
      vi.advanceTimersByTime(stepMs * 2 * JITTER + 1);
      expect(FakeEventSource.made, `a retry by ${stepMs} ms + 25 %`).toHaveLength(before + 1);
      expect(client.status).toBe('reconnecting');
      expect(latest().url).toBe('/api/stream?region=FR&window=1h&sort=top');
      latest().fail(FakeEventSource.CLOSED);
    }
    vi.advanceTimersByTime(RETRY_MAX_MS * (1 + JITTER));
    latest().open();
    expect(client.status).toBe('live');
    // Opened: the next failure waits the first step again.
    latest().fail(FakeEventSource.CLOSED);
    const before = FakeEventSource.made.length;
    vi.advanceTimersByTime(RETRY_MIN_MS * (1 + JITTER));
    expect(FakeEventSource.made).toHaveLength(before + 1);
  });

  it('does not start a second connection when the query is opened again during a back-off', () => {
    client.open(WORLD_TOP);
    latest().fail(FakeEventSource.CLOSED);
    expect(client.open(WORLD_TOP)).toBe(false);
    expect(FakeEventSource.made).toHaveLength(1);
    vi.advanceTimersByTime(RETRY_MIN_MS * (1 + JITTER));
    expect(FakeEventSource.made).toHaveLength(2);
  });

  it('replaces a live stream that has been silent for stallMs, and keeps one that sends events', () => {
    client.open(WORLD_TOP);
    latest().open();
    // Events every 4 s keep it: 60 s and still the first connection.
    for (let t = 0; t < 60_000; t += 4_000) {
      vi.advanceTimersByTime(4_000);
      latest().send('stats', STATS);
    }
    expect(FakeEventSource.made).toHaveLength(1);
    // Then silence: replaced within one check (every 5 s) after stallMs.
    vi.advanceTimersByTime(STALL_MS - 5_000);
    expect(FakeEventSource.made).toHaveLength(1);
    vi.advanceTimersByTime(10_000);
    expect(FakeEventSource.made).toHaveLength(2);
    expect(FakeEventSource.made[0].closed).toBe(true);
    expect(latest().url).toBe(FakeEventSource.made[0].url);
    expect(client.status).toBe('reconnecting');
  });
});

describe('StreamClient: online and offline', () => {
  it('is offline when the browser says so, and events still in the pipe do not make it live', () => {
    client.open(WORLD_TOP);
    latest().open();
    online.onLine = false;
    windowTarget.dispatchEvent(new Event('offline'));
    expect(client.status).toBe('offline');
    latest().send('stats', STATS);
    expect(client.status).toBe('offline');
  });

  it('back online during a back-off reconnects at once instead of waiting it out', () => {
    client.open(WORLD_TOP);
    latest().open();
    latest().fail(FakeEventSource.CLOSED);
    latest().fail(FakeEventSource.CLOSED); // ignored: the source is already replaced by the retry timer
    expect(FakeEventSource.made).toHaveLength(1);
    windowTarget.dispatchEvent(new Event('online'));
    expect(FakeEventSource.made).toHaveLength(2);
    expect(client.status).toBe('reconnecting');
    latest().open();
    expect(statuses).toEqual(['live', 'offline', 'reconnecting', 'live']);
  });

  it('stops listening to the window, and retries no more, once destroyed', () => {
    client.open(WORLD_TOP);
    latest().open();
    latest().fail(FakeEventSource.CLOSED); // offline, a retry pending: `online` would reconnect at once
    client.destroy();
    expect(latest().closed).toBe(true);
    windowTarget.dispatchEvent(new Event('online'));
    vi.advanceTimersByTime(STALL_MS * 2);
    expect(FakeEventSource.made).toHaveLength(1);
  });
});
