/** Security headers and the API's rate limit, through `inject`. */
import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import { securityHeaders } from '../src/plugins/security-headers';
import { buildApp } from '../src/app';
import { TrendEngine } from '../src/trend-engine';
import { MarkerHub } from '../src/sse/marker-hub';

const open: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of open.splice(0)) await app.close();
});

async function app(options: { tileUrl?: string; apiRateLimit?: number; trustProxy?: boolean | string[] } = {}): Promise<FastifyInstance> {
  const engine = new TrendEngine();
  const built = await buildApp({
    engine,
    hub: new MarkerHub(() => engine.acceptedCount),
    clientConfig: { tileUrl: options.tileUrl ?? 'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png', tileAttribution: '' },
    staticDir: null,
    apiRateLimit: options.apiRateLimit,
    trustProxy: options.trustProxy,
  });
  open.push(built);
  return built;
}

/** Headers of the reference app's answer that are not helmet's. */
const NOT_HELMETS = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive']);

describe('security headers', () => {
  it('send a Content-Security-Policy allowing only the app itself and the tile host for images', async () => {
    const response = await (await app()).inject('/api/health');
    expect(response.headers['content-security-policy']).toBe(
      [
        "default-src 'self'",
        "script-src 'self'",
        "script-src-attr 'none'",
        "style-src 'self'",
        "img-src 'self' data: https://*.tile.openstreetmap.org",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join(';'),
    );
    expect(response.headers).toMatchObject({ 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('allow no other image host when there is no tile layer', async () => {
    const response = await (await app({ tileUrl: '' })).inject('/api/config');
    expect(response.headers['content-security-policy']).toContain("img-src 'self' data:;");
  });

  it('are the headers @fastify/helmet sends with the same options, on answers, errors, unknown paths and refusals', async () => {
    // Set once per app by our own hook (the plugin rebuilds helmet for every request): compared with the plugin's own.
    const tileUrl = 'https://tiles.example.org/{z}/{x}/{y}.png';
    const reference = Fastify();
    open.push(reference);
    await reference.register(helmet, securityHeaders(tileUrl));
    reference.get('/', async () => 'ok');
    const expected = Object.fromEntries(Object.entries((await reference.inject('/')).headers).filter(([name]) => !NOT_HELMETS.has(name)));
    expect(Object.keys(expected).length).toBeGreaterThan(8);
    const limited = await app({ tileUrl, apiRateLimit: 3 });
    const answers = [
      await limited.inject('/api/health'),
      await limited.inject('/api/trends?window=2d'),
      await limited.inject('/api/nope'),
      await limited.inject('/api/health'),
      await (await app({ tileUrl })).inject('/no/such/page'),
    ];
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 400, 404, 429, 404]);
    for (const answer of answers) expect(answer.headers).toMatchObject(expected);
  });

  it('are sent with errors too', async () => {
    const response = await (await app()).inject('/api/trends?window=2d');
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
  });
});

describe('API rate limit', () => {
  it('answers 429 with a JSON error once an address spends its budget', async () => {
    const limited = await app({ apiRateLimit: 3 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await limited.inject('/api/trends')).statusCode);
    expect(statuses).toEqual([200, 200, 200]);
    const over = await limited.inject('/api/health');
    expect(over.statusCode).toBe(429);
    expect(over.json()).toEqual({
      error: expect.stringMatching(/^too many requests: at most 3 a minute from one address; retry in \d+ (seconds?|minute)$/),
    });
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect((await limited.inject('/api/nope')).statusCode).toBe(429); // unknown API paths count too
  });

  it('counts the API however its path is percent-encoded', async () => {
    const limited = await app({ apiRateLimit: 2 });
    // The router reads `/%61pi/trends` as `/api/trends`: the budget must too.
    const statuses = [];
    for (const url of ['/%61pi/trends?region=FR', '/api%2Fnope', '/%61%70%69/trends']) statuses.push((await limited.inject(url)).statusCode);
    expect(statuses).toEqual([200, 404, 429]);
    // What is not the API stays outside the budget, encoded or not.
    expect((await limited.inject('/%69ndex.html')).statusCode).not.toBe(429);
  });

  it('leaves out the SSE stream (capped by connections) and everything outside /api', async () => {
    const limited = await app({ apiRateLimit: 2 });
    for (let i = 0; i < 5; i += 1) {
      // A bad tag answers 400 before the stream opens: still never 429.
      expect((await limited.inject('/api/stream?tag=%23')).statusCode).toBe(400);
      expect((await limited.inject('/no-such-page')).statusCode).toBe(404);
    }
    expect((await limited.inject('/api/config')).statusCode).toBe(200);
  });

  it("counts clients behind a trusted proxy by their forwarded address, and by the proxy's otherwise", async () => {
    const from = (client: string) => ({ url: '/api/config', remoteAddress: '10.0.0.5', headers: { 'x-forwarded-for': client } });
    const trusting = await app({ apiRateLimit: 2, trustProxy: ['10.0.0.0/8'] });
    const statuses = async (target: FastifyInstance) => {
      const codes = [];
      for (const client of ['203.0.113.1', '203.0.113.1', '203.0.113.2', '203.0.113.2']) codes.push((await target.inject(from(client))).statusCode);
      return codes;
    };
    expect(await statuses(trusting)).toEqual([200, 200, 200, 200]);
    expect((await trusting.inject(from('203.0.113.1'))).statusCode).toBe(429);
    // Not trusted: every client of the proxy shares the proxy's budget.
    expect(await statuses(await app({ apiRateLimit: 2 }))).toEqual([200, 200, 429, 429]);
  });

  it('is off with a limit of 0', async () => {
    const unlimited = await app({ apiRateLimit: 0 });
    for (let i = 0; i < 20; i += 1) expect((await unlimited.inject('/api/config')).statusCode).toBe(200);
  });
});
