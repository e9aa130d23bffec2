/**
 * Every error is ours: `{ "error": "..." }`, the security headers, no framework internals; including what
 * the framework and Node's HTTP parser answer by themselves (raw sockets for those, since `inject` does not
 * go through the parser).
 */
import { describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { until } from '../../test/helpers';
import { expectOurError, listen, rawExchange, securityHeadersOf, testApp } from './test-app';

const request = (line: string, ...headers: string[]) =>
  `${line} HTTP/1.1\r\nHost: localhost\r\n${headers.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`;

describe('errors from before routing and from the HTTP parser (raw socket)', () => {
  it.each([
    ['GET /%', 400, /malformed URL/],
    ['GET /assets/%ff', 400, /malformed URL/],
  ])('%s answers %i in our shape', async (line, status, message) => {
    const { app } = await testApp();
    const port = await listen(app);
    const response = await rawExchange(port, request(line));
    expect(response.status).toBe(status);
    expectOurError(response, await securityHeadersOf(app));
    expect(JSON.parse(response.body).error).toMatch(message);
  });

  it('answers headers over 16 KB with 431 in our shape', async () => {
    const { app } = await testApp();
    const port = await listen(app);
    const response = await rawExchange(port, request('GET /api/trends', `X-Filler: ${'a'.repeat(20_000)}`));
    expect(response.status).toBe(431);
    expect(JSON.parse(response.body)).toEqual({ error: 'request headers too large' });
    expectOurError(response, await securityHeadersOf(app));
  });

  it.each([
    ['not HTTP at all', 'hello\r\n\r\n'],
    ['an unknown method', request('BREW /api/trends')],
    ['a bad content-length', 'GET /api/trends HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n'],
  ])('answers %s with 400 in our shape', async (_what, text) => {
    const { app } = await testApp();
    const port = await listen(app);
    const response = await rawExchange(port, text);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ error: 'malformed HTTP request' });
    expectOurError(response, await securityHeadersOf(app));
  });

  // What Node answers by itself unless the server takes it over: a bare 400, a bare 417, a dropped connection.
  it.each([
    ['an HTTP/1.1 request with no Host', 'GET /api/trends HTTP/1.1\r\nConnection: close\r\n\r\n', 400, /needs a Host header/],
    ['an Expect other than 100-continue', request('GET /api/trends', 'Expect: teapot'), 417, /100-continue/],
    ['CONNECT', request('CONNECT example.com:443'), 404, /^no route for CONNECT example.com:443$/],
  ])('answers %s in our shape', async (_what, text, status, message) => {
    const { app } = await testApp();
    const port = await listen(app);
    const response = await rawExchange(port, text);
    expect(response.status).toBe(status);
    expectOurError(response, await securityHeadersOf(app));
    expect(JSON.parse(response.body).error).toMatch(message);
  });

  it('answers an HTTP/1.0 request with no Host as usual', async () => {
    const { app } = await testApp();
    const response = await rawExchange(await listen(app), 'GET /api/config HTTP/1.0\r\n\r\n');
    expect(response.status).toBe(200);
  });

  it('cuts a connection whose stream is open when junk follows on it, rather than writing a 400 into the stream', async () => {
    const { app, hub } = await testApp();
    const port = await listen(app);
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.write('GET /api/stream HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      const opened = !text.includes('retry:') && (text + chunk).includes('retry:');
      text += chunk;
      if (opened) socket.write('junk junk\r\n\r\n');
    });
    await new Promise((resolve) => socket.on('close', resolve));
    expect(text).toMatch(/^HTTP\/1.1 200 /);
    expect(text.match(/HTTP\/1.1 \d{3}/g)).toHaveLength(1);
    await until(() => hub.clients === 0, 'the stream to be let go');
  });
});

describe('parameters that are not valid percent-encoding', () => {
  it("answers a query value left undecoded with the parameter's 400, for the tag as for the others", async () => {
    const { app } = await testApp();
    for (const url of ['/api/posts?tag=%ff', '/api/stream?tag=%', '/api/tags/%25/regions', '/api/trends?window=%ff', '/api/trends?region=%']) {
      const response = await app.inject(url);
      expect(response.statusCode, url).toBe(400);
      expectOurError(response, await securityHeadersOf(app));
    }
  });
});

describe('parameters that reach no route', () => {
  it('answers a :tag longer than any tag with the route\'s 400, not "no route"', async () => {
    const { app } = await testApp();
    for (const tag of ['a'.repeat(600), '%C3%A9'.repeat(600)]) {
      const response = await app.inject(`/api/tags/${tag}/regions`);
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatch(/^tag must be a hashtag/);
    }
  });
});

describe('errors from routing and the error handler (inject)', () => {
  it('answers unknown paths and methods with 404, API or not', async () => {
    const { app } = await testApp();
    const security = await securityHeadersOf(app);
    for (const [method, url] of [
      ['GET', '/api/nope'],
      ['GET', '/nope'],
      ['DELETE', '/api/trends'],
      ['OPTIONS', '/api/health'],
    ] as const) {
      const response = await app.inject({ method, url });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: `no route for ${method} ${url}` });
      expectOurError(response, security);
    }
  });

  it('reads no request body: 404 for a method that would carry one, whatever its type or size, and closes', async () => {
    const { app } = await testApp();
    const security = await securityHeadersOf(app);
    const bodies = [
      { 'content-type': 'application/json', payload: '{"region":' },
      { 'content-type': 'application/xml', payload: '<a/>' },
      { 'content-type': 'text/plain', payload: 'x'.repeat(2 * 1024 * 1024) }, // over Fastify's 1 MiB body limit
    ];
    for (const { payload, ...headers } of bodies) {
      const response = await app.inject({ method: 'POST', url: '/api/trends', headers, payload });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: 'no route for POST /api/trends' });
      expect(response.headers.connection).toBe('close');
      expectOurError(response, security);
    }
  });

  it('answers a content type that is not one with 415 in our shape', async () => {
    const { app } = await testApp();
    const response = await app.inject({ method: 'POST', url: '/api/trends', headers: { 'content-type': ';;' }, payload: 'x' });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toEqual({ error: 'unsupported media type' });
    expectOurError(response, await securityHeadersOf(app));
  });

  it('answers a GET with a body as if it had none, and closes the connection', async () => {
    const { app } = await testApp();
    const response = await app.inject({ method: 'GET', url: '/api/trends', headers: { 'content-type': 'application/json' }, payload: '{' });
    expect(response.statusCode).toBe(200);
    expect(response.headers.connection).toBe('close');
  });

  it('names the status, not the internals, for errors that are not ours, and hides 500s', async () => {
    const { app } = await testApp();
    app.get('/test/framework', async () => {
      throw Object.assign(new Error('FST_ERR_CTP_BODY_TOO_LARGE: Request body is too large for Fastify'), {
        statusCode: 413,
        code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      });
    });
    app.get('/test/bug', async () => {
      throw new TypeError('cannot read properties of undefined (reading "fastify")');
    });
    const security = await securityHeadersOf(app);
    const tooLarge = await app.inject('/test/framework');
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error).toMatch(/too large/);
    expectOurError(tooLarge, security);
    const bug = await app.inject('/test/bug');
    expect(bug.statusCode).toBe(500);
    expect(bug.json()).toEqual({ error: 'internal error' });
    expectOurError(bug, security);
  });

  it('keeps the message of our own errors', async () => {
    const { app } = await testApp();
    const response = await app.inject('/api/trends?window=2d');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'window must be one of 15m, 1h, 6h, 24h, 7d, 30d; got "2d"' });
    expectOurError(response, await securityHeadersOf(app));
  });
});
