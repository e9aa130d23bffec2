/**
 * Junk on the topic (bytes from another process, as the Kafka subscriber delivers them) is counted, and
 * logged once, not once per message: a flood of one condition must not flood the log. (The count of the rest is logged by the clock tick after INVALID_LOG_MS; that timing is
 * LogThrottle's, tested with an injected clock in common/node/log-throttle.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/node/log';
import { startMapServer, type RunningMapServer } from '../src/map-server';
import { configFor } from '../../test/helpers';
import { event } from './helpers';
import { WireSubscriber } from './wire-subscriber';

describe('messages that break the event contract', () => {
  const bus = new WireSubscriber();
  const lines: string[] = [];
  let server: RunningMapServer;

  beforeAll(async () => {
    const config = configFor([]);
    const logger = createLogger({ logLevel: 'warn', logFormat: 'json' }, { write: (line: string) => void lines.push(line) });
    server = await startMapServer({ config, subscriber: bus, logger, staticDir: null });
  });
  afterAll(async () => server?.close());

  it('are all counted, and logged as one line', async () => {
    bus.deliver(Array.from({ length: 500 }, (_, i) => `not json ${i}`));
    bus.deliver([JSON.stringify(event({ tags: ['fine'] }))]);
    expect(server.engine.skips()).toEqual({ invalid_event: 500 });
    expect(server.engine.acceptedCount).toBe(1);
    const warnings = lines.map((line) => JSON.parse(line) as { msg: string; error?: string });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ msg: 'skipped a message that breaks the event contract', error: 'message is not JSON' });
  });

  it('count an event of another schema version (its `v`) as invalid_event, saying which version it was', async () => {
    const before = server.engine.skips().invalid_event ?? 0;
    const newer = Buffer.from(JSON.stringify({ ...event({ tags: ['fine'] }), v: 2 }));
    bus.deliver([newer]);
    expect(server.engine.skips().invalid_event).toBe(before + 1);
    expect(server.engine.ingest(newer, Date.now())).toEqual({
      ok: false,
      reason: 'invalid_event',
      error: '/v is schema version 2; this build reads version 1',
    });
  });
});
