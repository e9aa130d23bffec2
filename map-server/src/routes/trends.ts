/** `GET /api/trends`: the top tags of a region over a window. */
import type { FastifyPluginAsync } from 'fastify';
import { ErrorResponseSchema, TrendsResponseSchema } from '../../../common/src/api';
import type { TrendEngine } from '../trend-engine';
import { readLimit, readRegion, readWindow } from './query-params';

export const trendsRoute: FastifyPluginAsync<{ engine: TrendEngine }> = async (app, { engine }) => {
  app.get(
    '/api/trends',
    { schema: { response: { 200: TrendsResponseSchema, 400: ErrorResponseSchema } } },
    async (request) => {
      const query = request.query as Record<string, unknown>;
      return engine.trends(readRegion(query), readWindow(query), readLimit(query));
    },
  );
};
