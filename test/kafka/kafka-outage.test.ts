/**
 * The broker stopped for 30 s and restarted while the producer publishes 1,000 posts/s: no acknowledged
 * post is lost, and the final counts equal a fault-free run of the same posts. Runs its own broker, since
 * it stops it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyntheticWorld } from '../../producer/src/sources/synthetic-world';
import { startEmbedded } from '../../map-server/src/embedded';
import { startTestBroker, type TestBroker } from '../../scripts/kafka-test-broker';
import { freePort, health, runService, trends, uniqueTopic, until, type Service } from './services';
import { configFor } from '../helpers';

const POSTS = 45_000;
const RATE = 1_000; // posts per second of event time, replayed at 1x
const OUTAGE_MS = 30_000;

/** Writes an archive of POSTS synthetic posts spaced 1 ms apart: 1,000 posts/s at original pace. */
function writeArchive(): string {
  const world = new SyntheticWorld({ seed: 11 });
  const t0 = Date.UTC(2026, 0, 1, 12);
  const lines: string[] = [];
  for (let i = 0; i < POSTS; i += 1) lines.push(JSON.stringify(world.next(t0 + Math.floor((i * 1_000) / RATE))));
  const file = join(mkdtempSync(join(tmpdir(), 'trendmap-outage-')), 'posts.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const QUERIES = ['region=world&window=24h&limit=50', 'region=US&window=24h&limit=50', 'region=JP&window=1h&limit=50', 'region=BR&window=15m&limit=50'];

describe.skipIf(inject('kafkaBrokers') === null)('a broker outage while publishing', () => {
  let broker: TestBroker;
  let archive: string;
  let baseline: unknown[];
  let mapServer: Service | undefined;

  beforeAll(async () => {
    archive = writeArchive();
    // The fault-free run: the same archive through the embedded path.
    const embedded = await startEmbedded(configFor(['--source', 'replay', '--file', archive, '--speed', 'max']), { staticDir: null });
    await embedded.producer.done;
    baseline = await Promise.all(QUERIES.map((q) => trends(embedded.server.url, q)));
    await embedded.close();
    broker = await startTestBroker();
  });
  afterAll(async () => {
    mapServer?.process.kill('SIGTERM');
    await mapServer?.exited;
    await broker?.stop();
  });

  it('loses no acknowledged post and ends with the fault-free counts', async () => {
    const env = { KAFKA_BROKERS: broker.brokers, KAFKA_TOPIC: uniqueTopic('outage'), KAFKA_PARTITIONS: '3' };
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    mapServer = runService('map-server', [], { ...env, PORT: String(port) });
    await until(async () => ((await health(url)).status === 'ok' ? true : undefined), 'the map-server');

    const producer = runService('producer', ['--source', 'replay', '--file', archive, '--speed', '1x'], env);
    await until(async () => ((await health(url)).ingested > 3 * RATE ? true : undefined), 'the first posts');
    await broker.stop();
    await until(async () => ((await health(url)).status === 'degraded' ? true : undefined), 'the map-server to notice', 20_000);
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await broker.restart();

    expect(await producer.exited, producer.output()).toBe(0);
    const sent = Number(/finished\. ([0-9]+) sent of ([0-9]+) read/.exec(producer.output())?.[1]);
    expect(sent).toBe(POSTS);
    const final = await until(async () => {
      const h = await health(url);
      return h.ingested === POSTS && h.status === 'ok' ? h : undefined;
    }, 'every acknowledged post at the map-server', 120_000);
    expect(final.skipped.invalid_event ?? 0).toBe(0);
    expect(await Promise.all(QUERIES.map((q) => trends(url, q)))).toEqual(baseline);
  }, 240_000);
});
