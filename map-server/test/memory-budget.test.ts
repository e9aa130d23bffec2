/**
 * The memory budget from the configuration (`--memory-budget`, `MEMORY_BUDGET`) to a running map-server:
 * its engine's budgets, `/api/health`'s `memory` and the `/metrics` gauges, read over real connections, in a
 * new run and in one restored from a save.
 */
import { describe, expect, it } from 'vitest';
import type { HealthResponse } from '../../common/browser/api';
import { MemoryBus } from '../../common/node/bus/memory-bus';
import { checkedEvent } from '../../common/node/event';
import { startMapServer, type RunningMapServer } from '../src/map-server';
import { configFor, getJson, tempDirs } from '../../test/helpers';
import { event, metricValue } from './helpers';
import { closeAfterTest } from './test-app';

const MIB = 1024 * 1024;

const tempDir = tempDirs('memory-budget');

/** A map-server on its own in-process bus, with the configuration `npm start -- <argv>` would give it. */
async function serverWith(argv: string[], env: Record<string, string>): Promise<{ server: RunningMapServer; bus: MemoryBus }> {
  const bus = new MemoryBus();
  const server = await startMapServer({ config: configFor(argv, env), subscriber: bus.subscriber, staticDir: null });
  return { server, bus };
}

/** Three posts of Paris, now. */
async function publishPosts(bus: MemoryBus): Promise<void> {
  const now = Date.now();
  const messages = ['worldcup', 'ger', 'arg'].map((tag) => ({ key: 'FR', event: checkedEvent(event({ tags: [tag], ts: now })), timestamp: now }));
  await bus.publisher.publish(messages);
}

/** The value of one sample of `/metrics`, read over HTTP; NaN when absent. */
async function metric(server: RunningMapServer, name: string): Promise<number> {
  return metricValue(await (await fetch(`${server.url}/metrics`)).text(), name);
}

describe('the memory budget of a running map-server', () => {
  it('comes from --memory-budget over MEMORY_BUDGET, and /api/health and /metrics say it and what the counts take', async () => {
    const { server, bus } = await serverWith(['--memory-budget', '64MB'], { MEMORY_BUDGET: '1GB' });
    closeAfterTest(server);
    expect(server.engine.memoryBudgetBytes).toBe(64 * MIB);
    expect(server.engine.tileBudgetBytes).toBe(32 * MIB); // the tile counts' share of it
    expect((await getJson<HealthResponse>(`${server.url}/api/health`)).memory).toEqual({ budgetBytes: 64 * MIB, countedBytes: 0 });

    await publishPosts(bus);
    const { memory } = await getJson<HealthResponse>(`${server.url}/api/health`);
    expect(memory.budgetBytes).toBe(64 * MIB);
    expect(memory.countedBytes).toBeGreaterThan(0);
    expect(await metric(server, 'trendmap_memory_budget_bytes')).toBe(64 * MIB);
    expect(await metric(server, 'trendmap_counted_bytes')).toBe(memory.countedBytes);
    expect(await metric(server, 'trendmap_tile_counts_budget_bytes')).toBe(32 * MIB);
  });

  it("is this run's, not the save's, when the state is restored", async () => {
    const dir = tempDir();
    const first = await serverWith([], { DATA_DIR: dir, MEMORY_BUDGET: '64 MiB' });
    try {
      await publishPosts(first.bus);
      expect(first.server.engine.memoryBudgetBytes).toBe(64 * MIB);
    } finally {
      await first.server.close();
    }
    const { server } = await serverWith([], { DATA_DIR: dir, MEMORY_BUDGET: '1.5GB' });
    closeAfterTest(server);
    const { memory, ingested } = await getJson<HealthResponse>(`${server.url}/api/health`);
    expect(ingested).toBe(0); // this process counted nothing: what it holds came from the save
    expect(memory.budgetBytes).toBe(1.5 * 1024 * MIB);
    expect(memory.countedBytes).toBeGreaterThan(0);
    expect(server.engine.tileBudgetBytes).toBe(768 * MIB);
    expect(await metric(server, 'trendmap_memory_budget_bytes')).toBe(1.5 * 1024 * MIB);
  });
});
