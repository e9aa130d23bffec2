/**
 * The browsers of `npm run bench -- streams`, in a process of their own (forked by streams.bench.ts, so that
 * parsing their events does not slow the parent's /api/trends probe): opens `n` SSE connections to
 * `/api/stream`, at most `CONCURRENT_OPENS` at a time as browsers arriving in a rush would (a burst of
 * thousands at once would measure the kernel's accept backlog, not the server), and measures how long
 * marker batches take from their post's creation to arrival.
 *
 * Every connection reads everything it is sent; markers are parsed on `SAMPLED` connections spread evenly
 * over the opening order (the hub writes to clients in that order, so the last ones see the most delay).
 *
 * Parent -> child messages: `{ measure: boolean }`, `'report'`, `'close'`. Child -> parent: `{ connected }`
 * once every stream has opened (or failed), `{ report }` when asked.
 */
import { request, type IncomingMessage } from 'node:http';
import type { Marker } from '../common/browser/api';

const CONCURRENT_OPENS = 100;
const SAMPLED = 100;

export interface ConnectedMessage {
  connected: {
    opened: number;
    statuses: Record<string, number>;
    elapsedMs: number;
    /** Per stream: time to the TCP connection, and to the response's headers, in ms. */
    tcpMs: number[];
    openMs: number[];
  };
}
export interface ReportMessage {
  report: { latenciesMs: number[]; markers: number; closedByServer: number };
}

const [url, count] = [process.argv[2], Number(process.argv[3])];
const responses: IncomingMessage[] = [];
const latencies: number[] = [];
let markers = 0;
let measuring = false;
let closing = false;
let closedByServer = 0;

function parseEvents(stream: IncomingMessage): void {
  let buffered = '';
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    const blocks = buffered.split('\n\n');
    buffered = blocks.pop()!;
    if (!measuring) return;
    const now = Date.now();
    for (const block of blocks) {
      if (!block.startsWith('event: tweets\n')) continue;
      const batch = JSON.parse(block.slice(block.indexOf('data: ') + 6)) as Marker[];
      markers += batch.length;
      for (const marker of batch) latencies.push(now - marker.ts);
    }
  });
}

/** Opens a stream; resolves with its status (0: the connection failed) and how long TCP and the headers took. */
function open(sampled: boolean): Promise<{ status: number; tcpMs: number; ms: number }> {
  const start = performance.now();
  let tcpMs = Number.NaN;
  return new Promise((resolve) => {
    const req = request(`${url}/api/stream`, { agent: false }, (response) => {
      const ms = performance.now() - start;
      response.setEncoding('utf8');
      if (response.statusCode !== 200) {
        response.resume();
        resolve({ status: response.statusCode ?? 0, tcpMs, ms });
        return;
      }
      responses.push(response);
      if (sampled) parseEvents(response);
      else response.on('data', () => {});
      response.on('close', () => {
        if (!closing) closedByServer += 1;
      });
      resolve({ status: 200, tcpMs, ms });
    });
    req.on('socket', (socket) => socket.once('connect', () => (tcpMs = performance.now() - start)));
    req.on('error', () => resolve({ status: 0, tcpMs, ms: performance.now() - start }));
    req.end();
  });
}

async function openAll(): Promise<ConnectedMessage['connected']> {
  const start = performance.now();
  const every = Math.max(1, Math.floor(count / SAMPLED));
  const statuses: Record<string, number> = {};
  const openMs: number[] = [];
  const tcpMs: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const opened = await open(i % every === 0);
      statuses[opened.status] = (statuses[opened.status] ?? 0) + 1;
      openMs.push(opened.ms);
      tcpMs.push(opened.tcpMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_OPENS, count) }, worker));
  return { opened: statuses[200] ?? 0, statuses, elapsedMs: performance.now() - start, tcpMs, openMs };
}

process.on('message', (message: unknown) => {
  if (message === 'report') {
    process.send!({ report: { latenciesMs: latencies.splice(0), markers, closedByServer } } satisfies ReportMessage);
  } else if (message === 'close') {
    closing = true;
    for (const response of responses) response.destroy();
    process.disconnect();
  } else if (typeof message === 'object' && message !== null && 'measure' in message) {
    measuring = Boolean(message.measure);
  }
});

process.send!({ connected: await openAll() } satisfies ConnectedMessage);
