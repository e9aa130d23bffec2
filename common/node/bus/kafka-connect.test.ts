import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { connectWithBackoff, failureLine, isUnreachable, type ConnectOptions } from './kafka-connect';
import { brokerProbe } from './kafka-client';
import type { BackoffPolicy } from '../../browser/backoff';

/** A log that keeps its lines. */
function capture() {
  const lines: string[] = [];
  return { lines, log: { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) } };
}

/** Back-off of a millisecond or two: the tests count attempts and lines, not time. */
const FAST: BackoffPolicy = { initialMs: 1, maxMs: 2, jitter: [1, 1] };

function options(log: ConnectOptions['log'], signal = new AbortController().signal): ConnectOptions {
  return { brokers: ['127.0.0.1:9'], meanwhile: 'holding posts until it answers', log, signal, backoff: FAST };
}

/** An error as kafkajs throws it when nothing listens at the broker's address. */
const refused = () => Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9'), { name: 'KafkaJSConnectionError' });

describe('connectWithBackoff', () => {
  it('says once what is wrong, not at every retry, again for another reason, and once when connected', async () => {
    const { lines, log } = capture();
    const failures = [refused(), refused(), refused(), new Error('not the leader'), new Error('not the leader')];
    const reasons: string[] = [];
    const value = await connectWithBackoff(
      async () => {
        const failure = failures.shift();
        if (failure) throw failure;
        return 'producer';
      },
      { ...options(log), onFailure: (reason) => reasons.push(reason) },
    );
    expect(value).toBe('producer');
    expect(reasons).toHaveLength(5);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^kafka: cannot reach a broker at 127\.0\.0\.1:9 .*ECONNREFUSED.*holding posts until it answers.*npm run kafka:local/);
    expect(lines[1]).toMatch(/^kafka: cannot start on 127\.0\.0\.1:9 \(not the leader\)/);
    expect(lines[2]).toBe('kafka: connected to 127.0.0.1:9 after 6 attempts');
  });

  it('makes no attempt until the probe finds a broker', async () => {
    const { log } = capture();
    let probes = 0;
    let attempts = 0;
    const probe = async () => {
      probes += 1;
      if (probes < 4) throw refused();
    };
    await connectWithBackoff(async () => (attempts += 1), options(log), probe);
    expect({ probes, attempts }).toEqual({ probes: 4, attempts: 1 });
  });

  it('ends with null at once when stopped during a probe that never answers', async () => {
    const { log } = capture();
    const stop = new AbortController();
    let probing!: () => void;
    const probeStarted = new Promise<void>((resolve) => (probing = resolve));
    const connecting = connectWithBackoff(
      async () => 'never',
      options(log, stop.signal),
      () => {
        probing();
        return new Promise<void>(() => {}); // a broker that takes the connection and never answers
      },
    );
    await probeStarted;
    stop.abort();
    expect(await connecting).toBeNull();
  });

  it('ends with null when stopped while waiting to retry', async () => {
    const { log } = capture();
    const stop = new AbortController();
    const connecting = connectWithBackoff(
      async () => {
        throw refused();
      },
      { ...options(log, stop.signal), backoff: { initialMs: 3_600_000, maxMs: 3_600_000, jitter: [1, 1] } },
    );
    await new Promise((resolve) => setImmediate(resolve));
    stop.abort();
    expect(await connecting).toBeNull();
  });

  it('tells a broker that cannot be reached, or never answers, from one that refuses', () => {
    expect(isUnreachable(refused())).toBe(true);
    expect(
      isUnreachable(Object.assign(new Error('Request ApiVersions(key: 18, version: 2) timed out'), { name: 'KafkaJSRequestTimeoutError' })),
    ).toBe(true);
    expect(isUnreachable(new Error('This server is not the leader for that topic-partition'))).toBe(false);
    expect(failureLine(['b:9092'], 'x', false, 'meanwhile')).not.toContain('kafka:local');
  });
});

describe('brokerProbe', () => {
  const servers: Server[] = [];
  const accepted: Socket[] = [];
  afterEach(async () => {
    for (const socket of accepted.splice(0)) socket.destroy();
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  });

  it('fails on a broker that takes the connection and never answers, and leaves no connection open', async () => {
    // A black hole: accepts, reads, never answers, never closes its side. What the probe leaves open stays open.
    const server = createServer({ allowHalfOpen: true }, (socket) => {
      accepted.push(socket);
      socket.on('error', () => undefined); // the reset that the test waits for
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const { log } = capture();
    const probe = brokerProbe({ brokers: [`127.0.0.1:${port}`], topic: 't', clientId: 'probe-test', partitions: 1, retentionHours: 48 }, log);

    for (let i = 0; i < 2; i += 1) {
      const failure = await probe().then(
        () => null,
        (error: Error) => error,
      );
      expect(isUnreachable(failure)).toBe(true); // a request timeout, within kafkajs's retries error
    }
    expect(accepted).toHaveLength(2);
    // Each probe destroyed its socket, so the black hole's late answers are refused (a reset) and its side
    // closes; a socket that was only ended would keep taking them and stay open (the test would time out).
    await Promise.all(
      accepted.map(
        (socket) =>
          new Promise<void>((resolve) => {
            const answer = setInterval(() => socket.write('late'), 20);
            socket.once('close', () => {
              clearInterval(answer);
              resolve();
            });
          }),
      ),
    );
  });
});
