/**
 * Start-up errors a person can act on, through the built entry points (`npm start`, `npm run producer`,
 * `npm run map-server`): for each expected condition the exit code, the one line on stderr that names
 * the flag or variable to change, and no stack trace. Also: Kafka away does not stop `npm start` from
 * serving, and LOG_FORMAT gives lines for a person or JSON for a machine.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { HealthResponse } from '../common/browser/api';
import { beforeAllOrFail, ensureBuild, fixture, getJson, root } from './helpers';
import { freePort, until } from './kafka/services';

type Entry = 'start' | 'producer' | 'map-server';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A user and group id, to run an entry point as someone else. */
interface As {
  uid: number;
  gid: number;
}

/** Entry points still running: a test that failed before it stopped one leaves it to `afterEach`. */
const running = new Set<ChildProcess>();
afterEach(() => running.forEach((child) => child.kill('SIGKILL')));

/** Starts a built entry point with PORT=0 and the given environment; `exited` resolves with what it printed. */
function launch(entry: Entry, args: string[], env: Record<string, string> = {}, as?: As) {
  const child = spawn(process.execPath, [`dist/server/${entry}.mjs`, ...args], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      KAFKA_BROKERS: '',
      X_BEARER_TOKEN: '',
      TWITTER_BEARER_TOKEN: '',
      LOG_FORMAT: '',
      DATA_DIR: 'none',
      SYNTHETIC_HISTORY: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...as,
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<Run>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // A process that could not be started at all fails its test with why, not as an uncaught error.
    child.once('error', (error) => resolve({ code: null, stdout, stderr: `${stderr}could not start: ${error.message}` }));
  });
  return { child, exited, output: () => stdout + stderr };
}

const run = (entry: Entry, args: string[], env: Record<string, string> = {}, as?: As): Promise<Run> => launch(entry, args, env, as).exited;

/** `nobody` on Debian: a user who may not bind ports below 1024. */
const NOBODY: As = { uid: 65534, gid: 65534 };

/**
 * Why `nobody` cannot start an entry point here, or null when it can: this node binary or the checkout may
 * sit below a directory only root may enter (node@24 from `npx` lives in /root/.npm; a clone in /root).
 */
function whyNobodyCannotRun(): string | null {
  const entry = `${root}/dist/server/start.mjs`;
  const probe = spawnSync(process.execPath, ['-e', `require('node:fs').accessSync(${JSON.stringify(entry)}, require('node:fs').constants.R_OK)`], {
    ...NOBODY,
    stdio: 'ignore',
  });
  if (probe.error) return `nobody may not run ${process.execPath} (${(probe.error as NodeJS.ErrnoException).code})`;
  return probe.status === 0 ? null : `nobody may not read ${entry}`;
}

/** The first port anyone may bind (Linux's net.ipv4.ip_unprivileged_port_start), or null where that is not known. */
function firstUnprivilegedPort(): number | null {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Ceiling of a test that runs an entry point until something shows, in ms: above the 120 s of each `until`
 * in it, so that the wait's own message (with the output so far) is what a broken build reports.
 */
const RUNNING_TEST_MS = 300_000;

/** A stack frame, as Node prints them. */
const STACK_FRAME = /^\s+at /m;

/** The run ended with `code` and said exactly one line on stderr, matching `line`, with no stack. */
function expectOneLine(result: Run, code: number, line: RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stderr).not.toMatch(STACK_FRAME);
  expect(
    result.stderr.split('\n').filter((l) => l !== ''),
    result.stderr,
  ).toHaveLength(1);
  expect(result.stderr.trimEnd()).toMatch(line);
}

/** A TCP server on 127.0.0.1 that counts the connections made to it. */
async function listener(port = 0): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket: Socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as { port: number }).port, connections: () => count };
}

beforeAllOrFail(async () => ensureBuild());

describe('a port or host that cannot be listened on', () => {
  let held: Awaited<ReturnType<typeof listener>>;
  beforeAll(async () => {
    held = await listener();
  });
  afterAll(() => held?.server.close());

  it.each<Entry>(['start', 'map-server'])('%s: a port in use is one line naming the port and PORT, exit 1', async (entry) => {
    const result = await run(entry, [], { PORT: String(held.port), KAFKA_BROKERS: entry === 'map-server' ? '127.0.0.1:9' : '' });
    expectOneLine(result, 1, new RegExp(`^trendmap: port ${held.port} on 127\\.0\\.0\\.1 is already in use: .*set PORT to another port`));
  });

  it('a HOST that is not an address of this machine is one line naming HOST, exit 1', async () => {
    // 192.0.2.0/24 is reserved for documentation (RFC 5737): no machine has it.
    const result = await run('start', [], { HOST: '192.0.2.1' });
    expectOneLine(result, 1, /^trendmap: HOST 192\.0\.2\.1 is not an address of this machine \(EADDRNOTAVAIL\): set HOST to/);
  });

  it('a privileged port, where this user may not bind one, is one line naming PORT, exit 1', async (context) => {
    // Root may bind port 1 (CI runs as root): then the entry point runs as `nobody`, who may not. Where anyone
    // may (a lowered ip_unprivileged_port_start), there is nothing to provoke, and errors.test.ts covers the
    // message.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      if ((firstUnprivilegedPort() ?? 0) <= 1) context.skip('anyone may bind port 1 here');
      const why = whyNobodyCannotRun();
      if (why !== null) context.skip(why);
    } else {
      const probe = await listener(1).catch(() => null);
      if (probe !== null) {
        probe.server.close();
        context.skip();
      }
    }
    const result = await run('start', [], { PORT: '1' }, asRoot ? NOBODY : undefined);
    expectOneLine(result, 1, /^trendmap: port 1 on 127\.0\.0\.1 needs privileges .*set PORT to 1024 or above/);
  });
});

describe('mistakes on the command line and in the environment: exit 2 before anything starts', () => {
  it('--source x without a token names X_BEARER_TOKEN, ungarbled, and opens neither the port nor Kafka', async () => {
    const port = await listener(); // were the server started, this port in use would end it with exit 1
    const kafka = await listener(); // were Kafka contacted, this would count a connection
    try {
      for (const entry of ['start', 'producer'] as const) {
        const result = await run(entry, ['--source', 'x', '--countries', 'US'], {
          PORT: String(port.port),
          KAFKA_BROKERS: `127.0.0.1:${kafka.port}`,
        });
        expectOneLine(result, 2, /^trendmap: --source x needs an X API bearer token: set X_BEARER_TOKEN \(or --bearer-token-file\)$/);
        expect(result.stdout).toBe('');
      }
      expect(kafka.connections()).toBe(0);
    } finally {
      port.server.close();
      kafka.server.close();
    }
  });

  it.each<[string, Entry, string[], Record<string, string>, RegExp]>([
    ['a negative rate', 'start', ['--rate', '-5'], {}, /^trendmap: --rate must be a number from 0\.1 to 100000; got "-5"$/],
    ['a zero rate', 'start', ['--rate', '0'], {}, /^trendmap: --rate must be a number from 0\.1 to 100000; got "0"$/],
    [
      '--speed with the synthetic source',
      'start',
      ['--speed', 'max'],
      {},
      /^trendmap: --speed is only used with --source replay, not with synthetic, the default$/,
    ],
    [
      '--seed with a replay',
      'producer',
      ['--source', 'replay', '--file', 'a.jsonl', '--seed', '2'],
      {},
      /^trendmap: --seed is only used with --source synthetic, not with replay$/,
    ],
    [
      'X filters that make no rule',
      'start',
      ['--source', 'x'],
      { X_BEARER_TOKEN: 'token' },
      /^trendmap: the X filtered stream needs something to filter on: give --countries/,
    ],
    ['an unknown option', 'start', ['--sorce', 'x'], {}, /^trendmap: unknown option --sorce \(see --help\)$/],
    ['a bad LOG_FORMAT', 'start', [], { LOG_FORMAT: 'xml' }, /^trendmap: LOG_FORMAT must be json or pretty; got "xml"$/],
    [
      'a memory budget below the floor',
      'start',
      [],
      { MEMORY_BUDGET: '512' },
      /^trendmap: MEMORY_BUDGET must be at least 16MB: the store needs some room to count in; got "512"$/,
    ],
    ['a memory budget in an unknown unit', 'start', ['--memory-budget', '1TB'], {}, /^trendmap: --memory-budget must be a size such as 256MB or 1GB/],
    [
      'a memory budget given to the producer',
      'producer',
      ['--memory-budget', '1GB'],
      { KAFKA_BROKERS: '127.0.0.1:9' },
      /^trendmap: --memory-budget is an option of the map-server: the producer service keeps no state$/,
    ],
    ['the producer without KAFKA_BROKERS', 'producer', [], {}, /^trendmap: the producer service publishes to Kafka: set KAFKA_BROKERS/],
    ['the map-server without KAFKA_BROKERS', 'map-server', [], {}, /^trendmap: the map-server service reads from Kafka: set KAFKA_BROKERS/],
    [
      'a source option given to the map-server',
      'map-server',
      ['--rate', '5'],
      { KAFKA_BROKERS: '127.0.0.1:9' },
      /^trendmap: --rate is an option of the producer/,
    ],
  ])('%s (%s)', async (_what, entry, args, env, line) => {
    expectOneLine(await run(entry, args, env), 2, line);
  });
});

describe('npm start with KAFKA_BROKERS where no broker listens', () => {
  it(
    'serves anyway: /api/health says degraded naming the broker and the error, and the log says so once',
    async () => {
      const port = await freePort();
      const brokers = `127.0.0.1:${await freePort()}`;
      const url = `http://127.0.0.1:${port}`;
      const sample = fixture('replay-sample.jsonl');
      const started = launch('start', ['--source', 'replay', '--file', sample, '--speed', 'max'], {
        PORT: String(port),
        KAFKA_BROKERS: brokers,
        LOG_FORMAT: 'json',
      });
      try {
        const health = await until(
          async () => {
            const h = await getJson<HealthResponse>(`${url}/api/health`);
            return h.kafka?.lastError ? h : undefined;
          },
          () => `a degraded answer\n${started.output()}`,
        );
        expect(health).toMatchObject({ status: 'degraded', kafka: { connection: 'disconnected', brokers: [brokers] } });
        expect(health.kafka?.lastError).toMatch(/ECONNREFUSED/);
        await until(
          async () => (started.output().includes('npm run kafka:local') ? true : undefined),
          () => `the hint\n${started.output()}`,
        );
        // The replay's progress line (every 5 s) says posts were read: they are held for the broker now.
        await until(
          async () => (/replay: .*[1-9][0-9]* accepted/.test(started.output()) ? true : undefined),
          () => `posts read\n${started.output()}`,
        );
      } finally {
        started.child.kill('SIGTERM');
      }
      const result = await started.exited;
      expect(result.code, result.stderr).toBe(0);
      const lines = result.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as { level: number; msg: string });
      const hints = lines.filter((line) => line.msg.includes('npm run kafka:local'));
      expect(hints, result.stdout).toHaveLength(1);
      expect(hints[0]).toMatchObject({ level: 40, msg: expect.stringContaining(`cannot reach a broker at ${brokers}`) });
      // SIGTERM ends it although the producer's posts are held for a broker that never came.
      expect(lines.map((line) => line.msg)).toContainEqual(
        expect.stringMatching(/^stopping: the bus did not take the posts held for it within 10 s/),
      );
      expect(result.stderr).toBe('');
    },
    RUNNING_TEST_MS,
  );
});

describe('LOG_FORMAT', { timeout: RUNNING_TEST_MS }, () => {
  /** Runs a replay of the sample through `npm start` until it is read, then stops it. */
  async function replayWith(format: string): Promise<Run> {
    const started = launch('start', ['--source', 'replay', '--file', fixture('replay-sample.jsonl'), '--speed', 'max'], { LOG_FORMAT: format });
    try {
      await until(
        async () => (started.output().includes('the source is exhausted') ? true : undefined),
        () => `the replay to end\n${started.output()}`,
      );
    } finally {
      started.child.kill('SIGTERM');
    }
    const result = await started.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    return result;
  }

  it("json: every line parses, the server's and the producer's alike", async () => {
    const { stdout } = await replayWith('json');
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; level: number });
    expect(lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Server listening at/),
        expect.stringMatching(/^trendmap is live at/),
        expect.stringMatching(/^replay finished/),
      ]),
    );
  });

  it('pretty: time, level and message on one line, fields as key=value, no JSON braces', async () => {
    const { stdout } = await replayWith('pretty');
    const lines = stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) {
      expect(line).toMatch(/^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\] (INFO|WARN|ERROR):/);
      expect(line).not.toMatch(/[{}]/);
    }
    expect(stdout).toMatch(/INFO: the source is exhausted; the map keeps serving what it counted read=40 accepted=34 skipped\.notice=3/);
  });
});
