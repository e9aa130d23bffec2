/**
 * `npm run bench -- kafka`: producer -> Kafka -> map-server -> SSE, as separate processes against a real
 * broker (KAFKA_BROKERS, or a throwaway one started with scripts/kafka-local.sh).
 *
 * - Latency at a fixed rate: a synthetic producer creates each post at "now" and publishes it at once; a
 *   browser-like SSE client on the map-server notes when each marker arrives. Latency = arrival - creation:
 *   pipeline, Kafka, consumer, windows and the SSE batch (250 ms) together. Same machine, same clock.
 * - Maximum throughput: an archive replayed as fast as possible, timed until the map-server has counted
 *   every post.
 * CPU and resident memory of each service come from /proc. Prints figures; asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventSource } from 'eventsource';
import { SyntheticWorld } from '../producer/src/sources/synthetic-world';
import { startTestBroker } from '../scripts/kafka-test-broker';
import { freePort, health, runService, stopServices, uniqueTopic, until, type Service } from '../test/kafka/services';
import type { Marker } from '../common/browser/api';
import { percentile } from './percentile';
import { cpuPercent, sample as sampleProcess } from './process-sample';

const WARMUP_MS = 5_000;
const MEASURE_MS = 20_000;
const ARCHIVE_POSTS = 200_000;

const sample = (service: Service) => sampleProcess(service.process.pid!);

async function startMapServer(env: Record<string, string>): Promise<{ service: Service; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = runService('map-server', [], { ...env, PORT: String(port), LOG_LEVEL: 'error' });
  await until(async () => ((await health(url)).status === 'ok' ? true : undefined), `the map-server\n${service.output()}`);
  return { service, url };
}

async function atRate(brokers: string, rate: number): Promise<void> {
  const env = { KAFKA_BROKERS: brokers, KAFKA_TOPIC: uniqueTopic(`bench-${rate}`) };
  const { service: server, url } = await startMapServer(env);
  const producer = runService('producer', ['--source', 'synthetic', '--rate', String(rate), '--seed', '3'], env);
  const latencies: number[] = [];
  let measuring = false;
  const stream = new EventSource(`${url}/api/stream`);
  stream.addEventListener('tweets', (e) => {
    if (!measuring) return;
    const now = Date.now();
    for (const m of JSON.parse(e.data as string) as Marker[]) latencies.push(now - m.ts);
  });
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const before = { server: sample(server), producer: sample(producer), ingested: (await health(url)).ingested, at: Date.now() };
  measuring = true;
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  measuring = false;
  const after = { server: sample(server), producer: sample(producer), ingested: (await health(url)).ingested, at: Date.now() };
  stream.close();
  await stopServices(producer, server);

  const ms = after.at - before.at;
  latencies.sort((a, b) => a - b);
  const delivered = (after.ingested - before.ingested) / (ms / 1_000);
  console.log(
    `  ${String(rate).padStart(6)} posts/s offered: ${delivered.toFixed(0)} posts/s counted; latency to SSE ` +
      `p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, p99 ${percentile(latencies, 99)} ms ` +
      `(${latencies.length.toLocaleString('en')} markers)`,
  );
  console.log(
    `         producer ${cpuPercent(before.producer, after.producer, ms).toFixed(0)}% CPU, ${after.producer.rssMb.toFixed(0)} MB; ` +
      `map-server ${cpuPercent(before.server, after.server, ms).toFixed(0)}% CPU, ${after.server.rssMb.toFixed(0)} MB`,
  );
}

/** Replays an archive as fast as possible; returns the end-to-end posts per second. */
async function maximum(brokers: string): Promise<number> {
  const world = new SyntheticWorld({ seed: 5 });
  const t0 = Date.now() - 3_600_000;
  const lines: string[] = [];
  for (let i = 0; i < ARCHIVE_POSTS; i += 1) lines.push(JSON.stringify(world.next(t0 + Math.floor(i / 60))));
  const file = join(mkdtempSync(join(tmpdir(), 'trendmap-bench-')), 'posts.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);

  const env = { KAFKA_BROKERS: brokers, KAFKA_TOPIC: uniqueTopic('bench-max') };
  const { service: server, url } = await startMapServer(env);
  const start = Date.now();
  const producer = runService('producer', ['--source', 'replay', '--file', file, '--speed', 'max'], env);
  let peak = { producer: 0, server: 0 };
  const watch = setInterval(() => {
    try {
      peak = { producer: Math.max(peak.producer, sample(producer).rssMb), server: Math.max(peak.server, sample(server).rssMb) };
    } catch {
      // the producer has exited
    }
  }, 500);
  const serverBefore = sample(server);
  const producerExit = producer.exited.then(() => Date.now());
  await until(async () => ((await health(url)).ingested >= ARCHIVE_POSTS ? true : undefined), 'every post counted', 600_000);
  const end = Date.now();
  clearInterval(watch);
  const serverAfter = sample(server);
  const published = await producerExit;
  await stopServices(server);
  const seconds = (end - start) / 1_000;
  console.log(
    `  maximum: ${ARCHIVE_POSTS.toLocaleString('en')} archived posts replayed in ${seconds.toFixed(1)} s = ` +
      `${Math.round(ARCHIVE_POSTS / seconds).toLocaleString('en')} posts/s end to end (producer done after ${((published - start) / 1_000).toFixed(1)} s)`,
  );
  console.log(
    `         map-server ${cpuPercent(serverBefore, serverAfter, end - start).toFixed(0)}% CPU, peak ${peak.server.toFixed(0)} MB; producer peak ${peak.producer.toFixed(0)} MB`,
  );
  return ARCHIVE_POSTS / seconds;
}

export async function benchKafka(): Promise<void> {
  // The services run built, as `npm run producer` and `npm run map-server` do.
  spawnSync(process.execPath, ['scripts/ensure-build.mjs'], { stdio: 'inherit' });
  const external = process.env.KAFKA_BROKERS?.trim();
  const broker = external ? null : await startTestBroker();
  const brokers = external || broker!.brokers;
  console.log(`kafka: producer -> Kafka (${external ? brokers : 'throwaway broker, Kafka 4.1.2'}) -> map-server -> SSE, separate processes`);
  try {
    const max = await maximum(brokers);
    for (const rate of [1_000, 6_000]) await atRate(brokers, rate);
    // Latency at the maximum sustained rate: offer what the replay sustained.
    await atRate(brokers, Math.floor(max / 1_000) * 1_000);
  } finally {
    await broker?.stop();
  }
}
