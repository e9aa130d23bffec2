/**
 * `npm run bench -- streams`: how many live streams one map-server holds. For each count N, starts the built
 * server (`dist/server/start.mjs`, what `npm start` runs: synthetic source at `RATE` posts/s, caps raised to
 * N), opens N SSE connections from another process (`stream-clients.ts`), holds them for `HOLD_MS`, and
 * prints:
 * - connect: time until all N streams are open, and each one's time to headers (p50, p99);
 * - delivery: a marker's creation to its arrival at a client (p50, p99), over a sample of the streams;
 * - /api/trends latency (p50, p99, max) while the streams connect and while they are held, from this
 *   process, one request after another;
 * - the server's resident memory before and with the streams, and its CPU while holding them;
 * - batches the server dropped and clients it cut off (from its /metrics).
 * `STREAMS=500,1000` chooses the counts; `STREAMS_CPU_PROF=<dir>` has each server write a V8 CPU profile there
 * (`--cpu-prof`, written when it exits) to see where its time goes. Prints figures; asserts nothing. Same machine for all parts, so a
 * busy machine shows in every figure: say so when quoting them.
 */
import { spawn, spawnSync, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort, health, until } from '../test/kafka/services';
import { percentile } from './percentile';
import { cpuPercent, sample } from './process-sample';
import type { ConnectedMessage, ReportMessage } from './stream-clients';

const COUNTS = [500, 1_000, 2_000, 4_000];
/** Synthetic posts per second: a busy live X stream is tens per second; this is a few times that. */
const RATE = 100;
/** Time to let the server settle (JIT, first trends) before measuring, in ms. */
const SETTLE_MS = 3_000;
const HOLD_MS = 15_000;

/** `/api/trends` one request after another, its latencies filed under the current phase. */
function probeTrends(url: string) {
  const phases: Record<string, number[]> = {};
  let phase = 'idle';
  let running = true;
  const done = (async () => {
    while (running) {
      const start = performance.now();
      await (await fetch(`${url}/api/trends`)).arrayBuffer();
      (phases[phase] ??= []).push(performance.now() - start);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    set phase(name: string) {
      phase = name;
    },
    latencies: (name: string) => (phases[name] ?? []).sort((a, b) => a - b),
    async stop() {
      running = false;
      await done;
    },
  };
}

function nextMessage<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: Record<string, unknown>) => {
      if (!(key in message)) return;
      child.off('message', listener);
      resolve(message as T);
    };
    child.on('message', listener);
  });
}

const scrape = async (url: string) => (await fetch(`${url}/metrics`)).text();

/** One sample's value from the Prometheus text, 0 when absent. */
const metric = (text: string, name: string) => Number(/^(\S+) (\S+)$/m.exec(text.split('\n').find((l) => l.startsWith(`${name} `)) ?? '')?.[2] ?? 0);

const ms = (values: number[], p: number) => `${Math.round(percentile(values, p))}`;
const spread = (values: number[]) => `p50 ${ms(values, 50)} ms, p99 ${ms(values, 99)} ms, max ${ms(values, 100)} ms`;

async function atCount(n: number): Promise<void> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const profile = process.env.STREAMS_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.STREAMS_CPU_PROF}`] : [];
  const server = spawn(process.execPath, [...profile, 'dist/server/start.mjs', '--source', 'synthetic', '--rate', String(RATE)], {
    env: {
      ...process.env,
      PORT: String(port),
      LOG_LEVEL: 'error',
      DATA_DIR: 'none',
      SYNTHETIC_HISTORY: '0',
      API_RATE_LIMIT: '0',
      SSE_MAX_CLIENTS: String(n),
      SSE_MAX_CLIENTS_PER_ADDRESS: String(n),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const pid = server.pid!;
  try {
    await until(async () => ((await health(url)).status === 'ok' ? true : undefined), 'the server');
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const idle = sample(pid);
    await scrape(url); // starts the event-loop lag's max afresh
    const probe = probeTrends(url);
    probe.phase = 'connect';
    const clients = fork('bench/stream-clients.ts', [url, String(n)], { execArgv: ['--import', 'tsx'] });
    const { connected } = await nextMessage<ConnectedMessage>(clients, 'connected');
    const connectLagMs = metric(await scrape(url), 'nodejs_eventloop_lag_max_seconds') * 1_000;
    probe.phase = 'hold';
    const before = { at: Date.now(), proc: sample(pid), client: sample(clients.pid!) };
    clients.send({ measure: true });
    await new Promise((r) => setTimeout(r, HOLD_MS));
    clients.send({ measure: false });
    const after = { at: Date.now(), proc: sample(pid), client: sample(clients.pid!) };
    clients.send('report');
    const { report } = await nextMessage<ReportMessage>(clients, 'report');
    const metrics = await scrape(url);
    await probe.stop();
    clients.send('close');
    await once(clients, 'exit');

    const open = connected.openMs.sort((a, b) => a - b);
    const tcp = connected.tcpMs.sort((a, b) => a - b);
    const delivery = report.latenciesMs.sort((a, b) => a - b);
    const perStreamKb = ((after.proc.rssMb - idle.rssMb) * 1024) / Math.max(1, connected.opened);
    const refused = Object.entries(connected.statuses).filter(([status]) => status !== '200');
    console.log(
      `  ${String(n).padStart(5)} streams: ${connected.opened} open in ${(connected.elapsedMs / 1_000).toFixed(1)} s ` +
        `(TCP connect p50 ${ms(tcp, 50)} ms, p99 ${ms(tcp, 99)} ms; headers p50 ${ms(open, 50)} ms, p99 ${ms(open, 99)} ms${refused.length > 0 ? `; refused or failed: ${JSON.stringify(Object.fromEntries(refused))}` : ''})`,
    );
    console.log(
      `         markers to the browser: p50 ${ms(delivery, 50)} ms, p99 ${ms(delivery, 99)} ms (${report.markers.toLocaleString('en')} markers on the sampled streams)`,
    );
    console.log(`         /api/trends while connecting: ${spread(probe.latencies('connect'))}; while held: ${spread(probe.latencies('hold'))}`);
    console.log(
      `         map-server ${idle.rssMb.toFixed(0)} MB idle, ${after.proc.rssMb.toFixed(0)} MB with the streams (${perStreamKb.toFixed(0)} KB each); ` +
        `${cpuPercent(before.proc, after.proc, after.at - before.at).toFixed(0)}% CPU while held (the clients' process ` +
        `${cpuPercent(before.client, after.client, after.at - before.at).toFixed(0)}%); event loop lag max ${Math.round(connectLagMs)} ms ` +
        `while connecting, ${Math.round(metric(metrics, 'nodejs_eventloop_lag_max_seconds') * 1_000)} ms while held`,
    );
    console.log(
      `         dropped batches ${metric(metrics, 'trendmap_sse_dropped_batches_total')}, ` +
        `stalled clients cut off ${metric(metrics, 'trendmap_sse_stalled_disconnects_total')}, streams closed by the server ${report.closedByServer}`,
    );
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
}

export async function benchStreams(): Promise<void> {
  // The server runs built, as `npm start` runs it.
  spawnSync(process.execPath, ['scripts/ensure-build.mjs'], { stdio: 'inherit' });
  const counts = process.env.STREAMS ? process.env.STREAMS.split(',').map(Number) : COUNTS;
  console.log(`streams: N SSE clients (one process) on the built server (synthetic source, ${RATE} posts/s), held ${HOLD_MS / 1_000} s`);
  for (const n of counts) await atCount(n);
}
