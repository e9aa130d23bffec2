/** Runs trendmap's services as the separate processes they are in production, for the Kafka suites. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { TrendsResponse } from '../../common/src/api';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Service {
  readonly process: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/**
 * Starts the built producer or map-server service (`dist/server/<entry>.mjs`, what `npm run producer` and
 * `npm run map-server` run; the Kafka suites' global setup builds it) with the given arguments and environment.
 */
export function runService(entry: 'producer' | 'map-server', args: string[], env: Record<string, string>): Service {
  const child = spawn(process.execPath, ['--enable-source-maps', `dist/server/${entry}.mjs`, ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { process: child, output: () => output, exited };
}

/** SIGTERM to each service, then waits until all have exited. */
export async function stopServices(...services: Service[]): Promise<void> {
  for (const s of services) s.process.kill('SIGTERM');
  await Promise.all(services.map((s) => s.exited));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

export interface Health {
  status: string;
  ingested: number;
  skipped: Record<string, number>;
  kafka?: { connection: string; lag: Record<string, number> };
}

export async function health(baseUrl: string): Promise<Health> {
  const response = await fetch(`${baseUrl}/api/health`);
  return (await response.json()) as Health;
}

export async function trends(baseUrl: string, query: string): Promise<TrendsResponse> {
  const response = await fetch(`${baseUrl}/api/trends?${query}`);
  if (response.status !== 200) throw new Error(`GET /api/trends?${query}: ${response.status}`);
  return (await response.json()) as TrendsResponse;
}

export function uniqueTopic(name: string): string {
  return `test-${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
}
