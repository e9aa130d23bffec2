/**
 * Test helpers for the SSE classes without a socket: a stand-in `ServerResponse` whose unsent bytes
 * (`writableLength`) the test sets (a client that reads, or one that stopped), and a session over it.
 * Time is an argument of `send`, so these run on a clock the test moves. A client leaving is
 * `session.close()`, which is what the response's `close` event calls.
 */
import type { ServerResponse } from 'node:http';
import { SseSession, type SessionOptions } from '../src/sse/sse-session';
import type { StreamSubscription } from '../src/sse/stream-subscription';

/** The world's top 10 over 1 h, every tag: what `/api/stream` follows with no parameters. */
export const WORLD: StreamSubscription = { region: 'world', bbox: null, window: '1h', sort: 'top', limit: 10, tag: null };

export function fakeResponse(buffered = 0) {
  const res = {
    writableLength: buffered,
    written: [] as string[],
    ended: false,
    destroyed: false,
    writeHead: () => res,
    /** What was written, as text (the hub and the trends feed write shared chunks as Buffers). */
    write: (chunk: string | Uint8Array) => res.written.push(Buffer.from(chunk).toString()) > 0,
    end: () => (res.ended = true),
    destroy: () => (res.destroyed = true),
    on: () => res,
  };
  return res;
}

export type FakeResponse = ReturnType<typeof fakeResponse>;

export interface FakeSessionOptions {
  ip?: string;
  subscription?: StreamSubscription;
  /** Bytes already waiting in the socket: over the high-water mark, the session takes nothing. */
  buffered?: number;
  options?: Partial<SessionOptions>;
}

export function fakeSession(given: FakeSessionOptions = {}): { session: SseSession; res: FakeResponse } {
  const res = fakeResponse(given.buffered);
  const session = new SseSession(res as unknown as ServerResponse, given.subscription ?? WORLD, given.ip ?? '203.0.113.1', given.options);
  return { session, res };
}

/** The events of one SSE event name among what a response was sent (a write may hold several: markers and posts). */
export function eventsNamed(res: FakeResponse, name: string): string[] {
  return res.written.flatMap((chunk) => chunk.split(/(?<=\n\n)/)).filter((event) => event.startsWith(`event: ${name}\n`));
}

/** Calls `listener` with every chunk written to `res`, before it is recorded (a test's clock, or its own record). */
export function onWrite(res: FakeResponse, listener: (chunk: string | Uint8Array) => void): void {
  const write = res.write;
  res.write = (chunk: string | Uint8Array) => {
    listener(chunk);
    return write(chunk);
  };
}
