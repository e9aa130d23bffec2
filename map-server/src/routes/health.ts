/** `GET /api/health`: what was accepted and skipped, by reason. */
import type { FastifyPluginAsync } from 'fastify';
import { HealthResponseSchema, type HealthResponse } from '../../../common/browser/api';
import type { SkipCounts, TagDropCounts } from '../../../common/browser/skip-reasons';
import type { SubscriberHealth } from '../../../common/node/bus/bus';
import type { TrendEngine } from '../trend-engine';
import type { MarkerHub } from '../sse/marker-hub';

export interface HealthOptions {
  engine: TrendEngine;
  hub: MarkerHub;
  /** Skips counted upstream of the bus (the producer's, in the embedded mode). */
  upstreamSkips?: () => SkipCounts;
  /** Hashtags the producer left out of posts (embedded mode). */
  upstreamDroppedTags?: () => TagDropCounts;
  /** The bus connection's state (Kafka); absent for the in-process bus. */
  busHealth?: () => SubscriberHealth;
  /** The source's connection (embedded mode, sources that hold one). */
  sourceHealth?: () => SourceHealth | undefined;
}

/** The source's connection as `/api/health` reports it (`source`). */
export type SourceHealth = NonNullable<HealthResponse['source']>;

/** Skipped inputs by reason: the engine's, plus those counted upstream of the bus (the producer's, in one process). */
export function allSkips(engine: TrendEngine, upstreamSkips?: () => SkipCounts): SkipCounts {
  const skipped: SkipCounts = { ...upstreamSkips?.() };
  for (const [reason, n] of Object.entries(engine.skips()) as [keyof SkipCounts, number][]) {
    skipped[reason] = (skipped[reason] ?? 0) + n;
  }
  return skipped;
}

export const healthRoute: FastifyPluginAsync<HealthOptions> = async (
  app,
  { engine, hub, upstreamSkips, upstreamDroppedTags, busHealth, sourceHealth },
) => {
  app.get('/api/health', { schema: { response: { 200: HealthResponseSchema } } }, async (): Promise<HealthResponse> => {
    const skipped = allSkips(engine, upstreamSkips);
    const bus = busHealth?.();
    const source = sourceHealth?.();
    return {
      status: bus === undefined ? 'ok' : bus.connection === 'disconnected' ? 'degraded' : bus.rebuilding ? 'rebuilding' : 'ok',
      ingested: engine.acceptedCount,
      skipped,
      ...(upstreamDroppedTags && { droppedTags: upstreamDroppedTags() }),
      clients: hub.clients,
      newestEventTs: engine.windowsEndMs,
      ...(source && { source }),
      ...(bus && { kafka: { connection: bus.connection, lag: bus.lag, lastError: bus.lastError, brokers: bus.brokers } }),
    };
  });
};
