/**
 * `GET /api/health`: what was accepted and skipped, by reason, and the latest status of every producer
 * heard on the bus. The producer of this process (the embedded product) adds its skips to `skipped` and
 * gives `droppedTags` and `source`, as it always did; every producer is listed under `producers`.
 */
import type { FastifyPluginAsync } from 'fastify';
import { HealthResponseSchema, type HealthResponse } from '../../../common/browser/api';
import type { SkipCounts } from '../../../common/browser/skip-reasons';
import type { SubscriberHealth } from '../../../common/node/bus/bus';
import type { TrendEngine } from '../trend-engine';
import type { MarkerHub } from '../sse/marker-hub';
import type { ProducerStatuses } from '../producer-statuses';

export interface HealthOptions {
  engine: TrendEngine;
  hub: MarkerHub;
  /** The producers' statuses heard on the bus; none by default. */
  producers?: ProducerStatuses;
  /** The bus connection's state (Kafka); absent for the in-process bus. */
  busHealth?: () => SubscriberHealth;
  /** The clock for the statuses' ages, in ms; `Date.now` by default. */
  now?: () => number;
}

/** Skipped inputs by reason: the engine's, plus those counted upstream of the bus (this process's producer's). */
export function allSkips(engine: TrendEngine, upstream: SkipCounts = {}): SkipCounts {
  const skipped: SkipCounts = { ...upstream };
  for (const [reason, n] of Object.entries(engine.skips()) as [keyof SkipCounts, number][]) {
    skipped[reason] = (skipped[reason] ?? 0) + n;
  }
  return skipped;
}

export const healthRoute: FastifyPluginAsync<HealthOptions> = async (app, { engine, hub, producers, busHealth, now = Date.now }) => {
  app.get('/api/health', { schema: { response: { 200: HealthResponseSchema } } }, async (): Promise<HealthResponse> => {
    const skipped = allSkips(engine, producers?.ownSkips());
    const bus = busHealth?.();
    const droppedTags = producers?.ownDroppedTags();
    const apiErrors = producers?.ownApiErrors();
    const source = producers?.own()?.source;
    const heard = producers?.list(now()) ?? [];
    return {
      status: bus === undefined ? 'ok' : bus.connection === 'disconnected' ? 'degraded' : bus.rebuilding ? 'rebuilding' : 'ok',
      ingested: engine.acceptedCount,
      skipped,
      ...(droppedTags && { droppedTags }),
      ...(apiErrors && { apiErrors }),
      clients: hub.clients,
      newestEventTs: engine.windowsEndMs,
      memory: { budgetBytes: engine.memoryBudgetBytes, countedBytes: engine.countedBytes },
      ...(source && { source }),
      ...(heard.length > 0 && { producers: heard }),
      ...(bus && { kafka: { connection: bus.connection, lag: bus.lag, lastError: bus.lastError, brokers: bus.brokers } }),
    };
  });
};
