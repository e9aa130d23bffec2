/**
 * `npm run bench -- kafka`: producer -> Kafka -> map-server -> SSE, as separate processes against a real
 * broker (KAFKA_BROKERS, or a throwaway one started with scripts/kafka-local.sh).
 *
 * - Maximum throughput, for each `KAFKA_COMPRESSION` (`KAFKA_BENCH_COMPRESSIONS`, default all this Node can
 *   write): an archive replayed as fast as possible, counted by the map-server; and beside it, on the same
 *   broker, kafkajs alone (`kafka-alone.ts`) sending the same events with the same settings from one process
 *   and consuming them in another: once with the linear message grouping trendmap gives kafkajs, once as
 *   kafkajs comes from npm. Both rates are taken over the same span: from the first post counted (or
 *   consumed) to the last, so that neither side's start-up counts.
 * - Latency at a fixed rate, with the default compression: a synthetic producer creates each post at "now"
 *   and publishes it at once; a browser-like SSE client on the map-server notes when each marker arrives, and a
 *   kafkajs consumer in this process (the tap) notes when each post could first be read from the broker.
 *   Creation -> browser splits into: the producer (creation -> the message's timestamp, set as the post is
 *   normalised), the broker hop (-> readable by a consumer: the send, the broker, a fetch) and the map-server
 *   (-> the browser: its fetch, counting, the SSE batch). Same machine, same clock.
 * CPU and resident memory of each service come from /proc. Prints figures; asserts nothing.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventSource } from 'eventsource';
import { COMPRESSIONS, DEFAULT_COMPRESSION, zstdWritable, type Compression } from '../common/node/bus/compressions';
import { createKafka, ensureTopics } from '../common/node/bus/kafka-client';
import { DEFAULTS } from '../common/node/config';
import { SyntheticWorld } from '../producer/src/sources/synthetic-world';
import { startTestBroker } from '../scripts/kafka-test-broker';
import { freePort, health, runService, stopServices, uniqueTopic, until, type Service } from '../test/kafka/services';
import type { Marker } from '../common/browser/api';
import { percentile } from './percentile';
import { cpuPercent, reapedChildrenTicks, sample as sampleProcess, TICKS_PER_SECOND, type ProcessSample } from './process-sample';

const WARMUP_MS = 5_000;
const MEASURE_MS = 20_000;
const ARCHIVE_POSTS = 200_000;
/** How often the map-server's count is read while it takes the archive, in ms. */
const POLL_MS = 50;
/** The compressions to run (`KAFKA_BENCH_COMPRESSIONS`, default all this Node writes); read when the bench runs. */
function compressionsToRun(): Compression[] {
  const names = process.env.KAFKA_BENCH_COMPRESSIONS ?? COMPRESSIONS.filter((c) => c !== 'zstd' || zstdWritable()).join(',');
  return names.split(',').map((c) => {
    const name = c.trim() as Compression;
    if (!COMPRESSIONS.includes(name) || (name === 'zstd' && !zstdWritable())) {
      throw new Error(`KAFKA_BENCH_COMPRESSIONS: "${c}" is not one of ${COMPRESSIONS.join(', ')} that this Node writes`);
    }
    return name;
  });
}
/** A quiet client of the bench's own (the tap, the admin), made as trendmap's clients are. */
const benchKafkaClient = (brokers: string, clientId: string) =>
  createKafka({ brokers: brokers.split(','), topic: '', clientId, partitions: 1, retentionHours: 48 }, SILENT, { quiet: true });
const SILENT = { info: () => {}, warn: () => {}, error: () => {} };

/** Creates `topic` as the producer would (trendmap's partitions and retention), before anyone uses it. */
async function createTopic(brokers: string, topic: string): Promise<void> {
  const admin = benchKafkaClient(brokers, 'bench-admin').admin();
  await admin.connect();
  try {
    await ensureTopics(admin, {
      brokers: brokers.split(','),
      topic,
      clientId: 'bench-admin',
      partitions: DEFAULTS.kafkaPartitions,
      retentionHours: DEFAULTS.kafkaRetentionHours,
    });
  } finally {
    await admin.disconnect();
  }
}
/** How long a kafka-alone process may take to say what it is asked, in ms. */
const ALONE_WAIT_MS = 300_000;

const sample = (service: Service) => sampleProcess(service.process.pid!);

async function startMapServer(env: Record<string, string>): Promise<{ service: Service; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = runService('map-server', [], { ...env, PORT: String(port), LOG_LEVEL: 'error' });
  await until(async () => ((await health(url)).status === 'ok' ? true : undefined), `the map-server\n${service.output()}`);
  return { service, url };
}

/** A kafkajs consumer in this process noting when each post of `topic` could first be read (epoch ms, by id). */
async function tap(
  brokers: string,
  topic: string,
): Promise<{ readable: Map<string, number>; published: Map<string, number>; close(): Promise<void> }> {
  const readable = new Map<string, number>();
  const published = new Map<string, number>();
  const consumer = benchKafkaClient(brokers, 'bench-tap').consumer({ groupId: `tap-${topic}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const message of batch.messages) {
        const id = /"id":"(\d+)"/.exec(message.value?.toString() ?? '')?.[1];
        if (id === undefined) continue;
        readable.set(id, now);
        published.set(id, Number(message.timestamp));
      }
    },
  });
  return { readable, published, close: () => consumer.disconnect() };
}

async function atRate(brokers: string, rate: number): Promise<void> {
  const env = { KAFKA_BROKERS: brokers, KAFKA_TOPIC: uniqueTopic(`bench-${rate}`), KAFKA_COMPRESSION: DEFAULT_COMPRESSION };
  // Made here, as the producer would make it: the tap subscribes before the producer has started.
  await createTopic(brokers, env.KAFKA_TOPIC);
  const { service: server, url } = await startMapServer(env);
  const producer = runService('producer', ['--source', 'synthetic', '--rate', String(rate), '--seed', '3'], env);
  const tapped = await tap(brokers, env.KAFKA_TOPIC);
  const hops = { total: [] as number[], producer: [] as number[], broker: [] as number[], server: [] as number[] };
  let measuring = false;
  const stream = new EventSource(`${url}/api/stream`);
  stream.addEventListener('tweets', (e) => {
    if (!measuring) return;
    const now = Date.now();
    for (const m of JSON.parse(e.data as string) as Marker[]) {
      hops.total.push(now - m.ts);
      const readable = tapped.readable.get(m.id);
      const published = tapped.published.get(m.id);
      if (readable === undefined || published === undefined) continue;
      hops.producer.push(published - m.ts);
      hops.broker.push(readable - published);
      hops.server.push(now - readable);
    }
  });
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const before = { server: sample(server), producer: sample(producer), ingested: (await health(url)).ingested, at: Date.now() };
  measuring = true;
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  measuring = false;
  const after = { server: sample(server), producer: sample(producer), ingested: (await health(url)).ingested, at: Date.now() };
  stream.close();
  await tapped.close();
  await stopServices(producer, server);

  const ms = after.at - before.at;
  for (const list of Object.values(hops)) list.sort((a, b) => a - b);
  const pair = (list: number[]) => (list.length === 0 ? 'none' : `p50 ${percentile(list, 50)} / p99 ${percentile(list, 99)} ms`);
  const delivered = (after.ingested - before.ingested) / (ms / 1_000);
  console.log(
    `  ${String(rate).padStart(6)} posts/s offered: ${delivered.toFixed(0)} posts/s counted; creation -> browser ` +
      `p50 ${percentile(hops.total, 50)} ms, p95 ${percentile(hops.total, 95)} ms, p99 ${percentile(hops.total, 99)} ms ` +
      `(${hops.total.length.toLocaleString('en')} markers)`,
  );
  console.log(
    `         producer (-> normalised) ${pair(hops.producer)}; broker hop (-> readable) ${pair(hops.broker)}; ` +
      `map-server (-> browser) ${pair(hops.server)} (${hops.server.length.toLocaleString('en')} tapped)`,
  );
  console.log(
    `         producer ${cpuPercent(before.producer, after.producer, ms).toFixed(0)}% CPU, ${after.producer.rssMb.toFixed(0)} MB; ` +
      `map-server ${cpuPercent(before.server, after.server, ms).toFixed(0)}% CPU, ${after.server.rssMb.toFixed(0)} MB`,
  );
}

/** The benchmark's archive: ARCHIVE_POSTS synthetic v2 posts, a minute apart every 60 posts; returns its path. */
function writeArchive(dir: string): string {
  const world = new SyntheticWorld({ seed: 5 });
  const t0 = Date.now() - 3_600_000;
  const lines: string[] = [];
  for (let i = 0; i < ARCHIVE_POSTS; i += 1) lines.push(JSON.stringify(world.next(t0 + Math.floor(i / 60))));
  const file = join(dir, 'posts.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** A rate over the span from the first count seen to the last, in posts/s. */
const spanRate = (posts: number, ms: number) => Math.round(posts / (ms / 1_000));

/** What one process used, in µs of CPU a post. */
interface CpuPerPost {
  producerUs: number;
  serverUs: number;
}

/**
 * Replays the archive as fast as possible; returns the end-to-end posts per second, and the producer's and the
 * map-server's CPU in µs a post, over the same span as the rate: from the first post counted (start-up left
 * out) to the last (the producer's until it exits).
 */
async function maximum(brokers: string, file: string, compression: Compression): Promise<{ rate: number } & CpuPerPost> {
  const env = { KAFKA_BROKERS: brokers, KAFKA_TOPIC: uniqueTopic(`bench-max-${compression}`), KAFKA_COMPRESSION: compression };
  const { service: server, url } = await startMapServer(env);
  const start = Date.now();
  // The producer's CPU is read once it has exited, as this process's reaped children's; no other child exits meanwhile.
  const reapedBefore = reapedChildrenTicks();
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
  let first: { at: number; ingested: number; producer: ProcessSample; server: ProcessSample } | null = null;
  await until(
    async () => {
      const { ingested } = await health(url);
      if (first === null && ingested > 0) first = { at: Date.now(), ingested, producer: sample(producer), server: sample(server) };
      return ingested >= ARCHIVE_POSTS ? true : undefined;
    },
    'every post counted',
    600_000,
    POLL_MS,
  );
  const end = Date.now();
  clearInterval(watch);
  const serverAfter = sample(server);
  const published = await producerExit;
  // Read before the map-server is stopped: once it is waited for, its CPU joins the reaped children's too.
  const producerTicks = reapedChildrenTicks() - reapedBefore;
  await stopServices(server);
  const seconds = (end - start) / 1_000;
  const steady = spanRate(ARCHIVE_POSTS - first!.ingested, end - first!.at);
  console.log(
    `  ${compression.padEnd(6)} trendmap: ${steady.toLocaleString('en')} posts/s counted from the first to the last ` +
      `(${ARCHIVE_POSTS.toLocaleString('en')} in ${seconds.toFixed(1)} s from the producer's start, producer done after ${((published - start) / 1_000).toFixed(1)} s); ` +
      `map-server ${cpuPercent(serverBefore, serverAfter, end - start).toFixed(0)}% CPU, peak ${peak.server.toFixed(0)} MB; producer peak ${peak.producer.toFixed(0)} MB`,
  );
  // Posts counted after the first sample: the producer had already handled a few more (on their way), so its
  // figure is a little low, never high.
  const perPost = (ticks: number) => (ticks / TICKS_PER_SECOND / (ARCHIVE_POSTS - first!.ingested)) * 1e6;
  return {
    rate: steady,
    producerUs: perPost(producerTicks - first!.producer.cpuTicks),
    serverUs: perPost(serverAfter.cpuTicks - first!.server.cpuTicks),
  };
}

/**
 * One of kafka-alone.ts's processes, and its next IPC message with `key`: rejected when it exits first or
 * takes `ALONE_WAIT_MS`. Each promise is handled at once (a rejection waits for its `await`, never unhandled).
 */
function alone(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; next: <T>(key: string) => Promise<T> } {
  const child = fork(join(import.meta.dirname, 'kafka-alone.ts'), args, {
    env,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>(key: string) => {
    const message = new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`kafka-alone ${args[0]} did not say ${key} in ${ALONE_WAIT_MS} ms`)), ALONE_WAIT_MS);
      const onMessage = (m: Record<string, unknown>) => (key in m ? finish(null, m as T) : undefined);
      const onExit = (code: number | null) => finish(new Error(`kafka-alone ${args[0]} exited (${code}) before it said ${key}`));
      const finish = (error: Error | null, value?: T) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (error === null) resolve(value!);
        else reject(error);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
    message.catch(() => undefined);
    return message;
  };
  return { child, next };
}

/**
 * kafkajs alone, sending and consuming the archive's events; returns its posts per second. `grouping`:
 * kafkajs with trendmap's linear message grouping, as the producer runs it, or as it comes from npm.
 */
async function kafkajsAlone(
  brokers: string,
  file: string,
  compression: Compression,
  grouping: 'linear' | 'stock',
): Promise<{ rate: number; sendUs: number; consumeUs: number }> {
  const topic = uniqueTopic(`bench-alone-${compression}`);
  await createTopic(brokers, topic);
  const env = { ...process.env, KAFKA_ALONE_GROUPING: grouping };
  const sender = alone(['send', brokers, topic, compression, file], env);
  const children = [sender.child];
  try {
    // The sender says how many events it made of the archive; the consumer waits for that many.
    const { ready: count } = await sender.next<{ ready: number }>('ready');
    const consumer = alone(['consume', brokers, topic, String(count)], env);
    children.push(consumer.child);
    await consumer.next('subscribed');
    const done = consumer.next<{ first: number; firstBatch: number; last: number; cpuPercent: number; cpuUs: number }>('last');
    const sent = sender.next<{ cpuPercent: number; cpuUs: number }>('sent');
    const start = Date.now();
    sender.child.send({ go: true });
    const { first, firstBatch, last, cpuPercent: consumerCpu, cpuUs: consumeUs } = await done;
    const { cpuPercent: senderCpu, cpuUs: sendUs } = await sent;
    const rate = spanRate(count - firstBatch, last - first);
    console.log(
      `         kafkajs alone${grouping === 'stock' ? ' (as from npm)' : ''}: ${rate.toLocaleString('en')} posts/s consumed from the first to the last ` +
        `(${count.toLocaleString('en')} in ${((last - start) / 1_000).toFixed(1)} s from the first send); sender ${senderCpu.toFixed(0)}% CPU, consumer ${consumerCpu.toFixed(0)}% CPU`,
    );
    return { rate, sendUs, consumeUs };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
  }
}

/**
 * Where the CPU goes, a post, in trendmap's two processes and in kafkajs alone's two, and what trendmap's costs
 * allow: all the machine's cores given to its producer and map-server, the broker using none, carry at most
 * the cores' CPU seconds a second over their CPU a post.
 */
function printCosts({ producerUs, serverUs }: CpuPerPost, alone: { rate: number; sendUs: number; consumeUs: number }): void {
  const cores = availableParallelism();
  const most = (cores * 1e6) / (producerUs + serverUs);
  const us = (n: number) => `${n.toFixed(1)} µs`;
  console.log(
    `         CPU a post: trendmap's producer ${us(producerUs)}, map-server ${us(serverUs)}; kafkajs alone's sender ${us(alone.sendUs)}, consumer ${us(alone.consumeUs)}. ` +
      `At trendmap's, ${cores} cores carry at most ${Math.round(most).toLocaleString('en')} posts/s with the broker using none (${(most / alone.rate).toFixed(2)}x kafkajs alone)`,
  );
}

export async function benchKafka(): Promise<void> {
  // The services run built, as `npm run producer` and `npm run map-server` do.
  spawnSync(process.execPath, ['scripts/ensure-build.mjs'], { stdio: 'inherit' });
  const compressions = compressionsToRun();
  const external = process.env.KAFKA_BROKERS?.trim();
  const broker = external ? null : await startTestBroker();
  const brokers = external || broker!.brokers;
  const dir = mkdtempSync(join(tmpdir(), 'trendmap-bench-'));
  console.log(`kafka: producer -> Kafka (${external ? brokers : 'throwaway broker, Kafka 4.1.2'}) -> map-server -> SSE, separate processes`);
  try {
    const file = writeArchive(dir);
    console.log(
      `  maximum, ${ARCHIVE_POSTS.toLocaleString('en')} archived posts, by KAFKA_COMPRESSION (default ${DEFAULT_COMPRESSION}), beside kafkajs alone:`,
    );
    const rates: Partial<Record<Compression, number>> = {};
    const ratios: string[] = [];
    for (const compression of compressions) {
      const { rate, ...costs } = await maximum(brokers, file, compression);
      rates[compression] = rate;
      const alone = await kafkajsAlone(brokers, file, compression, 'linear');
      printCosts(costs, alone);
      const { rate: stock } = await kafkajsAlone(brokers, file, compression, 'stock');
      ratios.push(`${compression} ${(rate / alone.rate).toFixed(2)}x (${(rate / stock).toFixed(2)}x as from npm)`);
    }
    console.log(`  trendmap / kafkajs alone (with the linear grouping trendmap runs it with): ${ratios.join(', ')}`);
    for (const rate of [1_000, 6_000]) await atRate(brokers, rate);
    // Latency near the maximum sustained rate: offer what the replay sustained with the default compression.
    const max = rates[DEFAULT_COMPRESSION] ?? Math.max(...Object.values(rates));
    await atRate(brokers, Math.floor(max / 1_000) * 1_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await broker?.stop();
  }
}
