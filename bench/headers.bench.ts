/**
 * `npm run bench -- headers`: what the security headers cost a request (issue 14). The same minimal route over
 * keep-alive HTTP, with the headers from `@fastify/helmet` (the plugin, which builds helmet's middleware again
 * for every request) and from the set made once at start-up (`installSecurityHeaders`, as the map-server sends
 * them). HEADERS_BENCH_REQUESTS (default 30,000) a round from 16 connections, server and client in this
 * process; HEADERS_BENCH_ROUNDS (default 4) rounds, the two alternating. Prints the CPU a request (the
 * client's share is the same on both sides); asserts nothing.
 */
import { Agent, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import helmet from '@fastify/helmet';
import { installSecurityHeaders, securityHeaderSet, securityHeaders } from '../map-server/src/plugins/security-headers';
import { percentile } from './percentile';

const REQUESTS = Number(process.env.HEADERS_BENCH_REQUESTS ?? 30_000);
const ROUNDS = Number(process.env.HEADERS_BENCH_ROUNDS ?? 4);
const CONNECTIONS = 16;
const TILE_URL = 'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png';

type Side = 'plugin' | 'set';

/** One round: `REQUESTS` requests to an app sending the headers one way; µs of this process's CPU a request. */
async function round(side: Side): Promise<number> {
  const app = Fastify();
  if (side === 'plugin') await app.register(helmet, securityHeaders(TILE_URL));
  else installSecurityHeaders(app, await securityHeaderSet(TILE_URL));
  app.get('/', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const one = () =>
    new Promise<void>((resolve, reject) => {
      get({ port, host: '127.0.0.1', path: '/', agent }, (res) => {
        if (res.headers['content-security-policy'] === undefined) reject(new Error(`${side}: no content-security-policy`));
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
  try {
    const cpu = process.cpuUsage();
    let left = REQUESTS;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (left > 0) {
          left -= 1;
          await one();
        }
      }),
    );
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / REQUESTS;
  } finally {
    agent.destroy();
    await app.close();
  }
}

export async function benchHeaders(): Promise<void> {
  console.log(
    `headers: a minimal route, ${REQUESTS.toLocaleString('en-US')} requests a round over ${CONNECTIONS} keep-alive connections, server and client in one process`,
  );
  // One of each first, not counted: both sides' code warm.
  await round('plugin');
  await round('set');
  const costs: Record<Side, number[]> = { plugin: [], set: [] };
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const side of ['plugin', 'set'] as const) costs[side].push(await round(side));
    console.log(
      `  round ${r + 1}: @fastify/helmet ${costs.plugin[r].toFixed(1)} µs of CPU a request, the set made once ${costs.set[r].toFixed(1)} µs`,
    );
  }
  const median = (side: Side) =>
    percentile(
      [...costs[side]].sort((a, b) => a - b),
      50,
    );
  console.log(
    `  median: @fastify/helmet ${median('plugin').toFixed(1)} µs, the set made once ${median('set').toFixed(1)} µs (${(median('plugin') - median('set')).toFixed(1)} µs less a request)`,
  );
}
