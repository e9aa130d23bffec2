/**
 * `npm run bench -- latency`: how long a post takes from its creation to a browser's map on the embedded
 * default (`npm start`: synthetic source, in-process bus), at 100 and 1,000 posts/s (`LATENCY_RATES`), with
 * the breakdown: creation -> counted (the producer: the synthetic source creates a tick's posts at once
 * every 100 ms and hands them on; normalisation; the bus; the engine), and counted -> browser (SSE: the
 * marker batch's wait, the fan-out, the socket, and the client's parse). One `EventSource` client, in this
 * process, as a browser would hold it; the same clock throughout. Prints figures; asserts nothing.
 */
import { EventSource } from 'eventsource';
import { startEmbedded } from '../app/embedded';
import { parseConfig } from '../common/node/config';
import type { Marker } from '../common/browser/api';
import { percentile } from './percentile';

const RATES = (process.env.LATENCY_RATES ?? '100,1000').split(',').map(Number);
const WARMUP_MS = 3_000;
const MEASURE_MS = Number(process.env.LATENCY_MEASURE_MS ?? 15_000);

async function atRate(rate: number): Promise<void> {
  const parsed = parseConfig(['--source', 'synthetic', '--rate', String(rate), '--history', '0'], {
    PORT: '0',
    LOG_LEVEL: 'error',
    DATA_DIR: 'none',
    TILE_URL: '',
  });
  if (parsed.help) throw new Error('unexpected help');
  const app = await startEmbedded(parsed.config, { staticDir: null });
  const counted = new Map<string, number>();
  let measuring = false;
  app.server.engine.onAccepted((event) => {
    if (measuring) counted.set(event.id, Date.now());
  });
  const total: number[] = [];
  const producer: number[] = [];
  const sse: number[] = [];
  const stream = new EventSource(`${app.server.url}/api/stream`);
  stream.addEventListener('tweets', (e) => {
    const now = Date.now();
    for (const marker of JSON.parse(e.data as string) as Marker[]) {
      const at = counted.get(marker.id);
      if (at === undefined) continue;
      counted.delete(marker.id);
      total.push(now - marker.ts);
      producer.push(at - marker.ts);
      sse.push(now - at);
    }
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
    measuring = true;
    await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
    measuring = false;
  } finally {
    stream.close();
    await app.close();
  }
  for (const list of [total, producer, sse]) list.sort((a, b) => a - b);
  const pair = (list: number[]) => `p50 ${percentile(list, 50)} ms, p99 ${percentile(list, 99)} ms`;
  console.log(
    `  ${rate.toLocaleString('en').padStart(6)} posts/s: creation -> browser ${pair(total)} (${total.length.toLocaleString('en')} markers)`,
  );
  console.log(`                 creation -> counted (producer, bus) ${pair(producer)}; counted -> browser (SSE) ${pair(sse)}`);
}

export async function benchLatency(): Promise<void> {
  console.log(`\nlatency: the embedded default (synthetic source, in-process bus), one SSE client, ${MEASURE_MS / 1_000} s a rate`);
  for (const rate of RATES) await atRate(rate);
}
