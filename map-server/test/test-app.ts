/**
 * Test helpers for the HTTP edge: an app over a fresh engine and hub (closed after each test), a raw
 * HTTP/1.1 exchange over a socket (for what `inject` does not go through: Node's HTTP parser), and the
 * security headers every answer must carry.
 */
import { afterEach, expect } from 'vitest';
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../src/app';
import { TrendEngine } from '../src/trend-engine';
import { MarkerHub, type HubOptions } from '../src/sse/marker-hub';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

/** Closes `thing` after the current test. */
export function closeAfterTest<T extends { close(): unknown }>(thing: T): T {
  open.push(thing);
  return thing;
}

export interface TestApp {
  app: FastifyInstance;
  engine: TrendEngine;
  hub: MarkerHub;
}

export async function testApp(
  options: { hub?: Partial<HubOptions>; now?: () => number } & Partial<Omit<AppOptions, 'engine' | 'hub'>> = {},
): Promise<TestApp> {
  const { hub: hubOptions, now, ...appOptions } = options;
  const engine = new TrendEngine();
  const hub = new MarkerHub(() => engine.acceptedCount, hubOptions, now);
  engine.onAccepted((event) => hub.publish(event));
  const app = await buildApp({ engine, hub, clientConfig: { tileUrl: '', tileAttribution: '' }, staticDir: null, ...appOptions });
  closeAfterTest(app);
  return { app, engine, hub };
}

/** Listens on a random port of 127.0.0.1; returns the port. */
export async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as { port: number }).port;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Everything the server sent, headers and body. */
  text: string;
}

/** Sends `request` as it is and reads until the server closes the connection. */
export function rawExchange(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.write(request));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n'), text });
    });
  });
}

/** The security headers of an ordinary answer of `app`: what every other answer must carry too. */
export async function securityHeadersOf(app: FastifyInstance): Promise<Record<string, string>> {
  const { headers } = await app.inject('/api/config');
  const names = Object.keys(headers).filter(
    (name) => name === 'content-security-policy' || /^(x-(?!ratelimit)|cross-origin-|origin-agent|referrer-policy)/.test(name),
  );
  expect(names.length).toBeGreaterThanOrEqual(10);
  return Object.fromEntries(names.map((name) => [name, String(headers[name])]));
}

/** An error answer as the API gives them: `{ "error": text }`, the security headers, no framework internals. */
export function expectOurError(response: { headers: Record<string, unknown>; body: string }, security: Record<string, string>): void {
  expect(JSON.parse(response.body)).toEqual({ error: expect.any(String) });
  expect(response.headers).toMatchObject(security);
  expect(response.body).not.toMatch(/FST_|fastify/i);
}
