/**
 * `npm start` as its own process (the built bundle, `dist/server/start.mjs`) on a free port: what the
 * frontend benchmark measures against and what the screenshot script photographs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../kafka/services';
import { ensureBuild, root } from '../helpers';

export interface ProductProcess {
  url: string;
  process: ChildProcess;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** Builds when stale, starts `npm start -- <args>` and waits until `/api/health` answers. */
export async function startProductProcess(args: string[], env: Record<string, string> = {}): Promise<ProductProcess> {
  ensureBuild();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/server/start.mjs', ...args], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      TILE_URL: '',
      KAFKA_BROKERS: '',
      DATA_DIR: 'none',
      SYNTHETIC_HISTORY: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`npm start did not answer on ${url} within 60 s:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
