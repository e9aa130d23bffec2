/**
 * A fresh map-server taking the others' history (its share: Kafka's in production, test/kafka/kafka-history.test.ts)
 * counts the live windows meanwhile: it starts, counts and answers while the read goes on; a past hour is
 * answered from the bucket taken, not from its own partial count of the log; after the read it keeps its own
 * counts only after the newest hour taken; and a close during the read lets what it took go and saves nothing.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { HealthResponse, HistoryResponse, TrendsResponse } from '../../common/browser/api';
import { MemoryBus } from '../../common/node/bus/memory-bus';
import { checkedEvent } from '../../common/node/event';
import { startMapServer, type HistoryShare, type RunningMapServer } from '../src/map-server';
import { summaryOf } from '../src/core/history/hour-summary';
import { HOUR_MS } from '../src/core/history/open-hours';
import type { SharedBucket } from '../src/history/shared-bucket';
import { STATE_FILE } from '../src/state/state-file';
import { configFor, getJson, tempDirs } from '../../test/helpers';
import { until } from '../../test/kafka/services';
import { event, metricValue } from './helpers';
import { closeAfterTest } from './test-app';

const tempDir = tempDirs('history-import');

/** An hour of 2025 (hours since the epoch): the archive's first. */
const H = Date.UTC(2025, 10, 20, 6) / HOUR_MS;

/** The bucket another map-server wrote for hour H: 100 posts of #old in France. */
const TAKEN: SharedBucket = {
  key: `hours/${new Date(H * HOUR_MS).toISOString().slice(0, 13)}`,
  summary: summaryOf(H, 1, new Map(['world', 'FR'].map((region) => [region, { posts: 100, tags: new Map([[0, 100]]) }]))),
  tags: [{ key: 'old', display: 'Old' }],
};

/** A share whose read gives its buckets, then waits until `release` (or until it is aborted). */
class GatedShare implements HistoryShare {
  readonly published: string[] = [];
  reading = false;
  stopped = false;
  private open: () => void = () => {};
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));

  async read(take: (key: string, bucket: SharedBucket | null) => void, signal?: AbortSignal): Promise<void> {
    this.reading = true;
    take(TAKEN.key, TAKEN);
    await new Promise<void>((resolve, reject) => {
      signal?.addEventListener('abort', () => {
        this.stopped = true;
        reject(new Error('stopped'));
      });
      void this.gate.then(resolve);
    });
  }

  release(): void {
    this.open();
  }

  publish(key: string): void {
    this.published.push(key);
  }

  async close(): Promise<void> {}
}

async function serverOn(dataDir: string, share: HistoryShare): Promise<{ server: RunningMapServer; bus: MemoryBus }> {
  const bus = new MemoryBus();
  const server = await startMapServer({
    config: configFor([], { DATA_DIR: dataDir }),
    subscriber: bus.subscriber,
    staticDir: null,
    historyShare: share,
  });
  return { server, bus };
}

/** `count` posts of `tag` in Paris at `tsMs`. */
async function publish(bus: MemoryBus, tag: string, tsMs: number, count: number): Promise<void> {
  const messages = Array.from({ length: count }, () => ({ key: 'FR', event: checkedEvent(event({ tags: [tag], ts: tsMs })), timestamp: tsMs }));
  await bus.publisher.publish(messages);
}

/** The world's total and tags over the hour before `toHour`, as of its end. */
async function hourBefore(server: RunningMapServer, toHour: number, window = '1h'): Promise<{ total: number; tags: Record<string, number> }> {
  const answer = await getJson<TrendsResponse>(`${server.url}/api/trends?window=${window}&at=${toHour * HOUR_MS}&limit=10`);
  return { total: answer.total, tags: Object.fromEntries(answer.trends.map(({ tag, count }) => [tag, count])) };
}

async function loading(server: RunningMapServer): Promise<{ api: boolean | undefined; metric: number }> {
  const { loading: api } = await getJson<HistoryResponse>(`${server.url}/api/history`);
  return { api, metric: metricValue(await (await fetch(`${server.url}/metrics`)).text(), 'trendmap_history_loading') };
}

describe('a fresh map-server taking history from the others', () => {
  it('counts and answers while it reads, a past hour from what it took, and its own counts only after it', async () => {
    const share = new GatedShare();
    const { server, bus } = await serverOn(tempDir(), share);
    closeAfterTest(server);
    await until(async () => (share.reading ? true : undefined), 'the read to start');
    // The log meanwhile: part of hour H (the rest was before the log's start), then hours H+2 and H+3.
    await publish(bus, 'partial', H * HOUR_MS + 60_000, 3);
    await publish(bus, 'fresh', (H + 2) * HOUR_MS + 60_000, 4);
    await publish(bus, 'fresh', (H + 3) * HOUR_MS + 1_800_000, 1);
    expect((await getJson<HealthResponse>(`${server.url}/api/health`)).ingested).toBe(8);
    expect(await loading(server)).toEqual({ api: true, metric: 1 });
    // Hour H was taken before its posts came: they are not held open (memory stays a few hours).
    expect(metricValue(await (await fetch(`${server.url}/metrics`)).text(), 'trendmap_history_open_hours')).toBe(2);
    // Live: every post of the log. History: hour H is the bucket taken, not the log's three posts of it.
    expect((await getJson<TrendsResponse>(`${server.url}/api/trends?window=24h`)).total).toBe(8);
    expect(await hourBefore(server, H + 1)).toEqual({ total: 100, tags: { old: 100 } });
    expect(await hourBefore(server, H + 3)).toEqual({ total: 4, tags: { fresh: 4 } });

    share.release();
    await until(async () => ((await loading(server)).api === false ? true : undefined), 'the read to end');
    expect(await loading(server)).toEqual({ api: false, metric: 0 });
    expect(await hourBefore(server, H + 1)).toEqual({ total: 100, tags: { old: 100 } });
    // Hour H's own count is let go (counting starts after the newest hour taken); H+2 and H+3 are its own.
    expect(await hourBefore(server, H + 4, '24h')).toEqual({ total: 105, tags: { old: 100, fresh: 5 } });
    expect((await getJson<TrendsResponse>(`${server.url}/api/trends?window=24h`)).total).toBe(8);
  });

  it('lets what it took go when closed during the read, writes and saves nothing, and takes it all again at the next start', async () => {
    const dir = tempDir();
    const share = new GatedShare();
    const { server, bus } = await serverOn(dir, share);
    await until(async () => (share.reading ? true : undefined), 'the read to start');
    await publish(bus, 'fresh', (H + 2) * HOUR_MS, 2);
    await publish(bus, 'fresh', (H + 5) * HOUR_MS, 1);
    expect(readdirSync(join(dir, 'history', 'hours'))).toHaveLength(1);
    // A minute on (the clock alone, for the hours' idle rule): hour H+2 is over and idle, and a close that
    // wrote the hours it holds would write it, and the next start would then take nothing.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 60_000 });
    try {
      await server.close();
    } finally {
      vi.useRealTimers();
    }
    expect(share.stopped).toBe(true);
    expect(readdirSync(join(dir, 'history', 'hours'))).toEqual([]);
    expect(existsSync(join(dir, STATE_FILE))).toBe(false);

    const again = new GatedShare();
    again.release();
    const next = closeAfterTest((await serverOn(dir, again)).server);
    await until(async () => ((await loading(next)).api === false ? true : undefined), 'the second read to end');
    expect(await hourBefore(next, H + 1)).toEqual({ total: 100, tags: { old: 100 } });
  });
});
