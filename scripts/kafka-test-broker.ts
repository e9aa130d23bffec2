/**
 * A throwaway single-node Apache Kafka broker for tests (the vitest global setup uses it): it runs
 * `bash scripts/kafka-local.sh` with a fresh temporary KAFKA_DATA_DIR and free ports, and resolves once the
 * script prints its "kafka:local ready on HOST:PORT" line (the broker then answers Kafka requests).
 *
 * Needs Java 17+ and Maven (`javaAvailable()` tells whether they are there); the first start on a machine
 * also resolves the Kafka jars from Maven Central into ~/.cache/trendmap (a few seconds).
 *
 *   const broker = await startTestBroker();
 *   process.env.KAFKA_BROKERS = broker.brokers;   // "127.0.0.1:PORT"
 *   await broker.restart();                        // outage: stop cleanly, start again, same ports and data
 *   await broker.kill();                           // crash: SIGKILL; restart() recovers it
 *   await broker.stop();                           // clean shutdown; the data dir goes when this process exits
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'kafka-local.sh');
const HOST = '127.0.0.1';
const READY = /^kafka:local ready on (\S+)/;
const START_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 20_000;
const TAIL_LINES = 40;

export interface TestBroker {
  /** bootstrap servers for kafkajs, "127.0.0.1:PORT" */
  brokers: string;
  /** the temporary data directory (removed when this process exits) */
  dataDir: string;
  /** SIGTERM (a clean Kafka shutdown) and wait for the exit; SIGKILL after 20 s. Data is kept for restart(). */
  stop(): Promise<void>;
  /** stop (if running), then start again on the same ports with the same data */
  restart(): Promise<void>;
  /** SIGKILL (a crash) and wait for the exit */
  kill(): Promise<void>;
}

export interface TestBrokerOptions {
  /** client (PLAINTEXT) port; default: a free one */
  port?: number;
  /** echo the broker's output to stderr (default: env TRENDMAP_KAFKA_VERBOSE=1) */
  verbose?: boolean;
}

export type JavaCheck = { ok: true } | { ok: false; why: string };

/** Whether `java -version` (17+) and `mvn -v` run here; `why` says what is missing and how to install it. */
export function javaAvailable(): JavaCheck {
  const install = "install them with 'apt-get install openjdk-17-jre-headless maven'";
  const java = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 30_000 });
  if (java.error || java.status !== 0) {
    return { ok: false, why: `'java -version' did not run (${java.error?.message ?? `exit ${java.status}`}): ${install}` };
  }
  const version = /version "([^"]+)"/.exec(`${java.stderr}${java.stdout}`)?.[1];
  if (version) {
    const parts = version.split(/[.+-]/);
    const major = Number(parts[0] === '1' ? parts[1] : parts[0]);
    if (Number.isFinite(major) && major < 17) {
      return { ok: false, why: `Java ${version} is too old, Kafka 4 needs Java 17+: ${install}` };
    }
  }
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8', timeout: 60_000 });
  if (mvn.error || mvn.status !== 0) {
    return { ok: false, why: `'mvn -v' did not run (${mvn.error?.message ?? `exit ${mvn.status}`}): ${install}` };
  }
  return { ok: true };
}

/** Free TCP ports on 127.0.0.1, all held open together so that they differ. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, HOST, () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

/** Everything started here and not stopped yet: killed if this process exits, and the data dirs removed. */
const live = new Set<ChildProcess>();
const dataDirs = new Set<string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) sendSignal(child, 'SIGKILL');
    for (const dir of dataDirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // a broker killed a moment ago may still be writing; the OS temp cleaner gets the rest
      }
    }
  });
}

/**
 * The script `exec`s the JVM, so its pid is the broker's: SIGTERM is Kafka's clean shutdown, SIGKILL a crash.
 * The script's ready watcher notices the pid is gone and exits by itself. (Not detached: a Ctrl-C in the
 * terminal reaches the broker too.)
 */
function sendSignal(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    child.kill(sig);
  } catch {
    // already gone
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  installExitHook();
  const verbose = options.verbose ?? process.env.TRENDMAP_KAFKA_VERBOSE === '1';
  const [freeClient, controllerPort] = await freePorts(2);
  const port = options.port ?? freeClient;
  const dataDir = mkdtempSync(join(tmpdir(), 'trendmap-kafka-'));
  dataDirs.add(dataDir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_HOST: HOST,
    KAFKA_ADVERTISED_HOST: HOST,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_DATA_DIR: dataDir,
    // If this process dies without stop() (SIGKILL, a runner's timeout), the script stops the broker and
    // deletes the data dir by itself.
    KAFKA_PARENT_PID: String(process.pid),
    KAFKA_DATA_DIR_IS_TEMP: '1',
  };

  let child: ChildProcess | null = null;

  const launch = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const tail: string[] = [];
      const proc = spawn('bash', [SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      live.add(proc);
      let ready = false;
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        sendSignal(proc, 'SIGKILL');
        reject(new Error(`${why}\n--- last output of scripts/kafka-local.sh ---\n${tail.join('\n')}`));
      };
      const timer = setTimeout(
        () => fail(`the test Kafka broker was not ready on ${HOST}:${port} within ${START_TIMEOUT_MS / 1000} s`),
        START_TIMEOUT_MS,
      );
      // Keep reading both pipes for the broker's whole life: a full pipe would block the JVM's logging.
      const onOutput = (stream: NodeJS.ReadableStream) => {
        let partial = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          const lines = (partial + chunk).split('\n');
          partial = lines.pop() ?? '';
          for (const line of lines) {
            tail.push(line);
            if (tail.length > TAIL_LINES) tail.shift();
            if (verbose) process.stderr.write(`[kafka] ${line}\n`);
            if (!ready && READY.test(line)) {
              ready = true;
              settled = true;
              clearTimeout(timer);
              resolve();
            }
          }
        });
      };
      onOutput(proc.stdout);
      onOutput(proc.stderr);
      proc.once('error', (error) => fail(`could not run bash ${SCRIPT}: ${error.message}`));
      proc.once('exit', () => live.delete(proc));
      // 'close' comes after the pipes are drained, so the failure message has the script's last words.
      proc.once('close', (code, signal) => {
        if (!ready) fail(`scripts/kafka-local.sh exited (${signal ?? `code ${code}`}) before the broker was ready`);
      });
    });

  const terminate = async (signal: 'SIGTERM' | 'SIGKILL'): Promise<void> => {
    const proc = child;
    if (!proc) return;
    child = null;
    const done = exited(proc);
    sendSignal(proc, signal);
    if (signal === 'SIGTERM') {
      const timer = setTimeout(() => sendSignal(proc, 'SIGKILL'), STOP_GRACE_MS);
      await done;
      clearTimeout(timer);
    } else {
      await done;
    }
    live.delete(proc);
  };

  await launch();

  return {
    brokers: `${HOST}:${port}`,
    dataDir,
    stop: () => terminate('SIGTERM'),
    kill: () => terminate('SIGKILL'),
    restart: async () => {
      await terminate('SIGTERM');
      await launch();
    },
  };
}
