/**
 * The stream caps come from the configuration (`SSE_MAX_CLIENTS`, `SSE_MAX_CLIENTS_PER_ADDRESS`) and hold on
 * a running map-server: real connections, told apart by `X-Forwarded-For` from a trusted proxy.
 */
import { describe, expect, it } from 'vitest';
import { request as httpRequest, type IncomingMessage } from 'node:http';
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

function text(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (body += chunk));
    response.on('end', () => resolve(body));
  });
}
