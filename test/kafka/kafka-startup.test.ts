/**
 * Kafka not there yet when the services start: the map-server listens anyway and says `degraded`, naming
 * the broker and the last error; both services say once (not every retry) what is wrong and how to start
 * a local broker; the producer holds its posts. Then a broker starts on that address: the map-server
 * connects, rebuilds and serves, and every post the producer read is counted. Runs its own broker, since
 * it starts it late.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../scripts/kafka-test-broker';
import type { HealthResponse } from '../../common/browser/api';
import { freePort, killLeftovers, runService, stopServices, uniqueTopic, until, type Service } from './services';
import { expectSampleCounts, fixture, getJson, replaySample } from '../helpers';

/** What both services print, once, when no broker answers. */
const HINT = '`npm run kafka:local` starts a local one';

const occurrences = (text: string, part: string): number => text.split(part).length - 1;

const health = (url: string) => getJson<HealthResponse>(`${url}/api/health`);

describe.skipIf(inject('kafkaBrokers') === null)('services started before the broker', () => {
  let broker: TestBroker | undefined;
  const services: Service[] = [];

  afterAll(async () => {
    await stopServices(...services);
    await killLeftovers();
    await broker?.stop();
  });

  it('serve degraded, hold the posts, then count every one once the broker starts', async () => {
    const kafkaPort = await freePort(); // nothing listens here until the broker starts below
    const brokers = `127.0.0.1:${kafkaPort}`;
    const env = { KAFKA_BROKERS: brokers, KAFKA_TOPIC: uniqueTopic('startup'), KAFKA_PARTITIONS: '3', LOG_FORMAT: 'json' };
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const mapServer = runService('map-server', [], { ...env, PORT: String(port) });
    const producer = runService('producer', ['--source', 'replay', '--file', fixture('replay-sample.jsonl'), '--speed', 'max'], env);
    services.push(mapServer, producer);

    const degraded = await until(
      async () => {
        const h = await health(url);
        return h.status === 'degraded' && h.kafka?.lastError ? h : undefined;
      },
      () => `the map-server to answer degraded\n${mapServer.output()}`,
    );
    expect(degraded.kafka).toMatchObject({ connection: 'disconnected', brokers: [brokers] });
    expect(degraded.kafka?.lastError).toMatch(/ECONNREFUSED/);
    for (const service of [mapServer, producer]) {
      await until(
        async () => (service.output().includes(HINT) ? true : undefined),
        () => `the hint\n${service.output()}`,
      );
    }
    expect(producer.output()).toContain(`cannot reach a broker at ${brokers}`);
    expect(producer.process.exitCode).toBeNull(); // holding, not failed

    broker = await startTestBroker({ port: kafkaPort });

    expect(await producer.exited, producer.output()).toBe(0);
    expect(producer.output()).toMatch(/finished\. 34 sent of 40 read; skipped 6 \(/);
    const { expected } = replaySample();
    const ok = await until(
      async () => {
        const h = await health(url);
        return h.status === 'ok' && h.ingested === expected.accepted ? h : undefined;
      },
      () => `every post at the map-server\n${mapServer.output()}`,
      120_000,
    );
    expect(ok.kafka?.connection).toBe('connected');
    expect(ok.skipped).toEqual({ duplicate: 2 });
    await expectSampleCounts(url);

    // Said once while retrying, and the retries were real: the connection came after several attempts.
    for (const service of [mapServer, producer]) {
      expect(occurrences(service.output(), HINT), service.output()).toBe(1);
      const attempts = Number(/kafka: connected to 127\.0\.0\.1:[0-9]+ after ([0-9]+) attempts/.exec(service.output())?.[1]);
      expect(attempts, service.output()).toBeGreaterThan(1);
    }
  }, 300_000);
});
