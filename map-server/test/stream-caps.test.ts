/**
 * The stream caps come from the configuration (`SSE_MAX_CLIENTS`, `SSE_MAX_CLIENTS_PER_ADDRESS`) and hold on
 * a running map-server: real connections, told apart by `X-Forwarded-For` from a trusted proxy.
 */
import { describe, expect, it } from 'vitest';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { MemoryBus } from '../../common/node/bus/memory-bus';
import { startMapServer, type RunningMapServer } from '../src/map-server';
import { configFor } from '../../test/helpers';
import { closeAfterTest } from './test-app';
import { until } from '../../test/helpers';

/** Opens a stream as the client `address`; resolves with its response once the headers are in. */
function openStream(server: RunningMapServer, address: string): Promise<IncomingMessage> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ port, host: '127.0.0.1', path: '/api/stream', headers: { 'x-forwarded-for': address } }, (response) => {
      closeAfterTest({ close: () => response.destroy() });
      resolve(response);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('stream caps from the configuration', () => {
  it('refuse the stream past SSE_MAX_CLIENTS_PER_ADDRESS with 429 and past SSE_MAX_CLIENTS with 503', async () => {
    const config = configFor([], { SSE_MAX_CLIENTS: '3', SSE_MAX_CLIENTS_PER_ADDRESS: '2', TRUST_PROXY: '127.0.0.1' });
    const server = closeAfterTest(await startMapServer({ config, subscriber: new MemoryBus().subscriber, staticDir: null }));
    expect(server.hub.options).toMatchObject({ maxClients: 3, maxClientsPerAddress: 2 });

    const first = await openStream(server, '203.0.113.1');
    expect(first.statusCode).toBe(200);
    expect((await openStream(server, '203.0.113.1')).statusCode).toBe(200);
    const third = await openStream(server, '203.0.113.1');
    expect(third.statusCode).toBe(429);
    expect(JSON.parse(await text(third))).toEqual({ error: 'too many open streams from 203.0.113.1' });

    expect((await openStream(server, '203.0.113.2')).statusCode).toBe(200);
    const full = await openStream(server, '203.0.113.3');
    expect(full.statusCode).toBe(503);
    expect(JSON.parse(await text(full))).toEqual({ error: 'too many open streams; try again later' });
    expect(server.hub.clients).toBe(3);

    // A stream that ends gives its place back.
    first.destroy();
    await until(() => server.hub.clients === 2, 'the closed stream to be let go');
    expect((await openStream(server, '203.0.113.3')).statusCode).toBe(200);
  });
});

describe('streams pipelined on one connection', () => {
  it('open only the first: those behind it are refused in their turn, never open, and hold no slot', async () => {
    const config = configFor([], { SSE_MAX_CLIENTS_PER_ADDRESS: '3' });
    const server = closeAfterTest(await startMapServer({ config, subscriber: new MemoryBus().subscriber, staticDir: null }));
    const socket = connect({ port: Number(new URL(server.url).port), host: '127.0.0.1' });
    closeAfterTest({ close: () => socket.destroy() });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.write('GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(3));
    await until(() => server.hub.clients === 1 && received.includes('retry:'), 'the first stream to open');
    // The streams behind it are answered when it ends: here, as at a shutdown, from the server's side.
    server.hub.close();
    const refusal = 'HTTP/1.1 400';
    await until(() => received.split(refusal).length === 3, 'the two streams behind the first to be answered');
    expect(received.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', refusal, refusal]);
    expect(received).toContain('"error":"a live stream needs a connection of its own: this request came behind another on its connection"');
    expect(server.hub.clients).toBe(0);
  });
});

function text(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (body += chunk));
    response.on('end', () => resolve(body));
  });
}
