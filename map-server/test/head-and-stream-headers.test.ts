/**
 * `HEAD` on every route answers at once with no body, and `HEAD /api/stream` opens no stream; the SSE
 * stream's own response carries the security headers. Over real sockets: a HEAD that opened a stream would
 * never end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAfterTest, expectOurError, listen, rawExchange, securityHeadersOf, testApp } from './test-app';

const head = (path: string) => `HEAD ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`;

describe('HEAD', () => {
  const staticDir = mkdtempSync(join(tmpdir(), 'trendmap-head-'));
  beforeAll(() => {
    mkdirSync(join(staticDir, 'assets'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>trendmap</title>');
    writeFileSync(join(staticDir, 'assets', 'index-abc.js'), 'console.log(1);\n');
  });
  afterAll(() => rmSync(staticDir, { recursive: true, force: true }));

  it.each([
    ['/api/trends', 200, 'application/json'],
    ['/api/tags/worldcup/regions', 200, 'application/json'],
    ['/api/posts', 200, 'application/json'],
    ['/api/health', 200, 'application/json'],
    ['/api/config', 200, 'application/json'],
    ['/api/stream', 200, 'text/event-stream'],
    ['/api/stream?window=2d', 400, 'application/json'],
    ['/metrics', 200, 'text/plain'],
    ['/', 200, 'text/html'],
    ['/assets/index-abc.js', 200, 'javascript'],
    ['/nope', 404, 'application/json'],
  ])('%s answers %i at once, with no body and the security headers', async (path, status, type) => {
    const { app, hub } = await testApp({ staticDir });
    const port = await listen(app);
    const response = await rawExchange(port, head(path));
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toContain(type);
    expect(response.body).toBe('');
    expect(response.headers).toMatchObject(await securityHeadersOf(app));
    expect(hub.clients).toBe(0);
  });

  it("on /api/stream claims no content length (the GET's body has none), and the connection goes on", async () => {
    const { app, hub } = await testApp();
    const port = await listen(app);
    const keepAlive = (path: string) => `HEAD ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`;
    const response = await rawExchange(port, keepAlive('/api/stream') + head('/api/config'));
    expect(response.status).toBe(200);
    expect(response.headers).not.toHaveProperty('content-length');
    // The second answer on the same connection: the first was framed as a HEAD, with no body.
    expect(response.text.match(/^HTTP\/1\.1 200 /gm)).toHaveLength(2);
    expect(hub.clients).toBe(0);
  });

  it('on a full stream answers what GET would, 503 or 429, and still opens nothing', async () => {
    const { app, hub } = await testApp({ hub: { maxClients: 0 } });
    const full = await app.inject({ method: 'HEAD', url: '/api/stream' });
    expect(full.statusCode).toBe(503);
    const { app: perAddress } = await testApp({ hub: { maxClientsPerAddress: 0 } });
    expect((await perAddress.inject({ method: 'HEAD', url: '/api/stream' })).statusCode).toBe(429);
    expect(hub.clients).toBe(0);
  });
});

describe('the SSE stream', () => {
  it('sends the security headers with its event-stream headers', async () => {
    const { app, hub } = await testApp();
    const port = await listen(app);
    const security = await securityHeadersOf(app);
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest({ port, host: '127.0.0.1', path: '/api/stream' }, resolve);
      req.on('error', reject);
      req.end();
    });
    closeAfterTest({ close: () => response.destroy() });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(response.headers).toMatchObject(security);
    expect(hub.clients).toBe(1);
  });

  it('refuses with our error shape and headers when full', async () => {
    const { app } = await testApp({ hub: { maxClients: 0 } });
    const response = await app.inject('/api/stream');
    expect(response.statusCode).toBe(503);
    expectOurError(response, await securityHeadersOf(app));
  });
});
