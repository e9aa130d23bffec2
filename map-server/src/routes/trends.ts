/** `GET /api/trends`: the top or rising tags of a region, or of a box on the map, over a window. */
import type { FastifyPluginAsync } from 'fastify';
import { ErrorResponseSchema, TrendsResponseSchema } from '../../../common/browser/api';
import type { TrendEngine } from '../trend-engine';
import { readTrendsQuery } from './query-params';

export const trendsRoute: FastifyPluginAsync<{ engine: TrendEngine }> = async (app, { engine }) => {
  app.get('/api/trends', { schema: { response: { 200: TrendsResponseSchema, 400: ErrorResponseSchema } } }, async (request) =>
    engine.trends(readTrendsQuery(request.query as Record<string, unknown>)),
  );
};
