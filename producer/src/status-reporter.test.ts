import { describe, expect, it } from 'vitest';
import type { ProducerStatus } from '../../common/browser/api';
import type { EventPublisher } from '../../common/node/bus/bus';
import { ProducerStats } from './pipeline';
import { StatusReporter } from './status-reporter';
import type { Source, SourceState } from './sources/source';

function source(state?: SourceState): Source {
  return { name: 'x', live: true, read: async function* () {}, ...(state && { state: () => state }) };
}

function publisherInto(sent: ProducerStatus[], fail = false): EventPublisher {
  return {
    publish: async () => {},
    publishStatus: async (status) => {
      sent.push(status);
      if (fail) throw new Error('a test publisher that fails');
    },
    statusEveryMs: 60_000,
    close: async () => {},
  };
}

describe('StatusReporter', () => {
  it("publishes a snapshot of the producer's counts at the start and a final one at the end", async () => {
    const stats = new ProducerStats();
    const sent: ProducerStatus[] = [];
    const connection: SourceState = { state: 'connected', lastError: null, reconnects: 1 };
    const reporter = new StatusReporter({ id: 'p', source: source(connection), stats, publisher: publisherInto(sent), now: () => 7 });
    reporter.start();
    stats.read = 3;
    stats.accepted = 1;
    stats.published = 1;
    stats.skipped.add('not_json', 2);
    stats.droppedTags.add('tag_too_long');
    stats.apiErrors.add('resource-not-found', 2);
    await reporter.finish('finished');
    expect(sent).toEqual([
      expect.objectContaining({ producer: 'p', state: 'running', read: 0, skipped: {} }),
      {
        v: 1,
        producer: 'p',
        at: 7,
        state: 'finished',
        sourceName: 'x',
        source: { name: 'x', state: 'connected', lastError: null, reconnects: 1 },
        read: 3,
        accepted: 1,
        published: 1,
        skipped: { not_json: 2 },
        droppedTags: { tag_too_long: 1 },
        apiErrors: { 'resource-not-found': 2 },
      },
    ]);
    // Snapshots: the first one did not move with the counters.
    expect(sent[0].read).toBe(0);
  });

  it('leaves `source` out for a source without a connection, and survives a publisher that fails', async () => {
    const sent: ProducerStatus[] = [];
    const reporter = new StatusReporter({ id: 'p', source: source(), stats: new ProducerStats(), publisher: publisherInto(sent, true) });
    await expect(reporter.finish('stopped')).resolves.toBeUndefined();
    expect(sent[0]).not.toHaveProperty('source');
  });
});
