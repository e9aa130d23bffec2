/**
 * Runs trendmap's services as the separate processes they are in production, and Kafka's own console
 * producer, for the Kafka suites; waits on conditions with generous ceilings (the machine may be busy).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { Kafka, logLevel } from '../../common/node/bus/kafkajs';
import type { ProducerHealth, TrendsResponse } from '../../common/browser/api';

/**
 * How long a service may take to become ready, in ms: seconds on an idle machine, but a busy 2-core one
 * running a broker, several services and other suites at once has taken over 60 s.
 */
export const SERVICE_START_MS = 150_000;
/** The ceiling of one Kafka test, in ms: it waits on several such services and on the broker. */
export const KAFKA_TEST_MS = 300_000;
/** How long a service may take to stop on SIGTERM before it is killed, in ms (seconds normally). */
const STOP_GRACE_MS = 60_000;

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
    env: { ...process.env, LOG_LEVEL: 'info', DATA_DIR: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  watch(child);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { process: child, output: () => output, exited };
}

/**
 * SIGTERM to each service, then waits until all have exited and returns their exit codes (0: a clean
 * stop). One that is still running after STOP_GRACE_MS is killed (its code is then null).
 */
export async function stopServices(...services: Service[]): Promise<(number | null)[]> {
  for (const s of services) s.process.kill('SIGTERM');
  const timer = setTimeout(() => services.forEach((s) => s.process.kill('SIGKILL')), STOP_GRACE_MS);
  try {
    return await Promise.all(services.map((s) => s.exited));
  } finally {
    clearTimeout(timer);
  }
}

/** Every process started here that has not exited yet. */
const alive = new Set<ChildProcess>();

function watch(child: ChildProcess): void {
  alive.add(child);
  child.once('exit', () => alive.delete(child));
}

/**
 * Kills (SIGKILL) every service and console producer started here that is still running, and waits for
 * them to go: for an `afterEach`/`afterAll`, so that a test that failed part way leaves nothing behind.
 * (vitest ends a test file's worker with SIGTERM, which runs no exit hook: without this, a service left
 * running would outlive the test run.)
 */
export async function killLeftovers(): Promise<void> {
  const left = [...alive];
  for (const child of left) child.kill('SIGKILL');
  const running = left.filter((child) => child.exitCode === null && child.signalCode === null);
  await Promise.all(running.map((child) => once(child, 'exit')));
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

/** Thrown by a probe to stop `until` at once: what it waits for can no longer happen. */
export class GiveUp extends Error {}

/**
 * Probes every `everyMs` (250 ms) until `probe` gives a value (errors count as "not yet", except `GiveUp`); fails after
 * `timeoutMs`, saying what it waited for (`what` may be a function, to include a service's output then).
 */
export async function until<T>(probe: () => Promise<T | undefined>, what: string | (() => string), timeoutMs = 120_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof GiveUp) throw error;
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  const waitedFor = typeof what === 'string' ? what : what();
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${waitedFor}${lastError ? ` (last error: ${lastError instanceof Error ? String(lastError) : inspect(lastError)})` : ''}`,
  );
}

/**
 * Starts the built map-server (on `port`, or a free one) and waits until `/api/health` says `ok`: connected
 * to Kafka and rebuilt (within `timeoutMs`). Fails at once, with what it printed, when it exits first.
 */
export async function startMapServer(
  env: Record<string, string>,
  port?: number,
  timeoutMs = SERVICE_START_MS,
): Promise<{ service: Service; url: string; health: Health }> {
  const listen = port ?? (await freePort());
  const url = `http://127.0.0.1:${listen}`;
  const service = runService('map-server', [], { ...env, PORT: String(listen) });
  try {
    const h = await until(
      async () => {
        if (service.process.exitCode !== null || service.process.signalCode !== null) {
          throw new GiveUp(
            `the map-server exited (${service.process.exitCode ?? service.process.signalCode}) before it was ok:\n${service.output()}`,
          );
        }
        const current = await health(url);
        return current.status === 'ok' ? current : undefined;
      },
      () => `the map-server to be ok\n${service.output()}`,
      timeoutMs,
    );
    return { service, url, health: h };
  } catch (error) {
    service.process.kill('SIGKILL'); // no one else holds it yet
    throw error;
  }
}

export interface Health {
  status: string;
  ingested: number;
  skipped: Record<string, number>;
  kafka?: { connection: string; lag: Record<string, number> };
  producers?: ProducerHealth[];
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

/**
 * Writes `input` (one message a line, "key<TAB>value" with `<NULL>` for null) to `topic` with Kafka's own
 * console producer (scripts/kafka-console-producer.sh) and waits for it to exit.
 */
export async function consoleProduce(brokers: string, topic: string, input: Buffer): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    'bash',
    [
      'scripts/kafka-console-producer.sh',
      '--bootstrap-server',
      brokers,
      '--topic',
      topic,
      '--property',
      'parse.key=true',
      '--property',
      'null.marker=<NULL>',
      // One message at a time, each acknowledged (acks=all is the tool's default) before the next; no linger
      // (`--timeout`, 1 s by default, which --sync would wait out for every message).
      '--sync',
      '--timeout',
      '0',
    ],
    { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  watch(child);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdin.end(input);
  return { code: await exited, output };
}

/** Messages written to `topic` so far, over all partitions (the sum of the end offsets). */
export async function topicMessages(brokers: string, topic: string): Promise<number> {
  const admin = new Kafka({ clientId: 'test-offsets', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until the map-server at `url` has counted at least `posts` posts, is `ok` and reports no lag, and
 * returns its health then. The caller checks that the count is exactly `posts`: over it, a post was counted
 * twice; under it, it never gets here. (Messages read is no measure: after a broker restart the consumer
 * reads again from its last committed offset, and those redeliveries are skipped as duplicates.)
 */
export async function caughtUp(url: string, posts: number, what: string): Promise<Health> {
  let last = 'nothing yet';
  try {
    return await until(async () => {
      const h = await health(url);
      last = JSON.stringify(h);
      const lagging = Object.values(h.kafka?.lag ?? {}).some((lag) => lag > 0);
      return h.ingested >= posts && !lagging && h.status === 'ok' ? h : undefined;
    }, what);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last health: ${last}`);
  }
}
