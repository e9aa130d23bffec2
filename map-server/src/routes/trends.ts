/** `GET /api/trends`: the top or rising tags of a region, or of a box on the map, over a window. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponseSchema, TrendsQuerySchema, TrendsResponseSchema } from '../../../common/browser/api';
import type { TrendEngine } from '../trend-engine';
import { readTrendsQuery } from './query-params';

export const trendsRoute: FastifyPluginAsyncTypebox<{ engine: TrendEngine }> = async (app, { engine }) => {
  app.get(
    '/api/trends',
    { schema: { querystring: TrendsQuerySchema, response: { 200: TrendsResponseSchema, 400: ErrorResponseSchema } } },
    async ({ query }) => engine.trends(readTrendsQuery(query)),
  );
};
