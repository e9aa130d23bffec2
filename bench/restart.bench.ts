/**
 * `npm run bench -- restart`: how long a map-server over Kafka takes to serve again after a restart, with
 * its save (DATA_DIR: load it, then read the log after its offsets) and without one (rebuild the last 24 h
 * from the log), at RESTART_BENCH_POSTS posts (default 1,000,000) spread over 23 h of event time. Real
 * broker (KAFKA_BROKERS, or a throwaway one), built services as `npm run producer` / `npm run map-server`
 * run them. "Ready" is `/api/health` saying `ok`: connected and caught up with the log's end at start.
 * Prints figures; asserts nothing (it does check that both ways count the same).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { SyntheticWorld } from '../producer/src/sources/synthetic-world';
import { startTestBroker } from '../scripts/kafka-test-broker';
import { health, runService, startMapServer, stopServices, trends, uniqueTopic, until, type Service } from '../test/kafka/services';
import { STATE_FILE } from '../map-server/src/state/state-file';
import { sample } from './process-sample';

const POSTS = Number(process.env.RESTART_BENCH_POSTS ?? 1_000_000);
/** Event time the posts span, ending now: inside the 24 h a map-server rebuilds. */
const SPAN_MS = 23 * 3_600_000;
const WAIT_MS = 1_800_000;

async function writeArchive(): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'trendmap-bench-')), 'posts.jsonl');
  const out = createWriteStream(file);
  const world = new SyntheticWorld({ seed: 11 });
  const t0 = Date.now() - SPAN_MS;
  for (let i = 0; i < POSTS; i += 1) {
    if (!out.write(`${JSON.stringify(world.next(t0 + Math.floor((i * SPAN_MS) / POSTS)))}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return file;
}

/** Starts a map-server and returns once it says `ok`, with how long that took. */
async function ready(env: Record<string, string>): Promise<{ service: Service; url: string; seconds: number }> {
  const started = Date.now();
  const { service, url } = await startMapServer(env, undefined, WAIT_MS);
  return { service, url, seconds: (Date.now() - started) / 1_000 };
}

export async function benchRestart(): Promise<void> {
  spawnSync(process.execPath, ['scripts/ensure-build.mjs'], { stdio: 'inherit' });
  const external = process.env.KAFKA_BROKERS?.trim();
  const broker = external ? null : await startTestBroker();
  const brokers = external || broker!.brokers;
  const temporary: string[] = [];
  try {
    console.log(
      `restart: a map-server over Kafka (${external ? brokers : 'throwaway broker, Kafka 4.1.2'}), ${POSTS.toLocaleString('en')} posts over 23 h`,
    );
    const file = await writeArchive();
    const dataDir = mkdtempSync(join(tmpdir(), 'trendmap-bench-state-'));
    temporary.push(dirname(file), dataDir);
    const env = { KAFKA_BROKERS: brokers, KAFKA_TOPIC: uniqueTopic('bench-restart') };

    // Count the archive once with a data directory, then stop: SIGTERM saves.
    const first = await ready({ ...env, DATA_DIR: dataDir });
    const producer = runService('producer', ['--source', 'replay', '--file', file, '--speed', 'max'], env);
    if ((await producer.exited) !== 0) throw new Error(`the producer failed:\n${producer.output()}`);
    // The producer's last status (sent as it stops) says how many it published; the map-server counts them all.
    const published = await until(async () => {
      const status = (await health(first.url)).producers?.[0];
      return status?.state === 'finished' ? status.published : undefined;
    }, "the producer's final status");
    await until(async () => ((await health(first.url)).ingested >= published ? true : undefined), 'every post counted', WAIT_MS);
    await stopServices(first.service);
    const saveLine = /saved the state to .*\(([0-9.]+) MB in ([0-9]+) ms\)/.exec(first.service.output());
    console.log(
      `  save on SIGTERM: ${saveLine ? `${saveLine[1]} MB in ${saveLine[2]} ms` : 'not logged'}` +
        ` (state.bin ${(statSync(join(dataDir, STATE_FILE)).size / 1e6).toFixed(1)} MB) for ${published.toLocaleString('en')} posts`,
    );

    const cold = await ready({ ...env, DATA_DIR: 'none' });
    const coldRss = sample(cold.service.process.pid!).rssMb;
    const coldTotal = (await trends(cold.url, 'window=24h')).total;
    await stopServices(cold.service);
    console.log(
      `  without a save (24 h of log): ready in ${cold.seconds.toFixed(1)} s, ${coldRss.toFixed(0)} MB, ${coldTotal.toLocaleString('en')} posts in 24h`,
    );

    const warm = await ready({ ...env, DATA_DIR: dataDir });
    const warmRss = sample(warm.service.process.pid!).rssMb;
    const warmTotal = (await trends(warm.url, 'window=24h')).total;
    await stopServices(warm.service);
    console.log(
      `  from the save (log after its offsets): ready in ${warm.seconds.toFixed(1)} s, ${warmRss.toFixed(0)} MB, ${warmTotal.toLocaleString('en')} posts in 24h`,
    );
    console.log(
      `  ${warmTotal === coldTotal ? 'same counts both ways' : `COUNTS DIFFER: ${coldTotal} vs ${warmTotal}`}; ${(cold.seconds / warm.seconds).toFixed(1)}x faster from the save`,
    );
  } finally {
    await broker?.stop();
    for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  }
}
