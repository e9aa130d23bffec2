/**
 * `GET /api/trends`: the top or rising tags of a region, or of a box on the map, over a window: from the
 * live counts, or from history with `at=` or a window longer than a day.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponseSchema, TrendsQuerySchema, TrendsResponseSchema } from '../../../common/browser/api';
import type { TrendEngine } from '../trend-engine';
import type { History } from '../history/history-service';
import { readTrendsQuery } from './query-params';

export const trendsRoute: FastifyPluginAsyncTypebox<{ engine: TrendEngine; history: History }> = async (app, { engine, history }) => {
  app.get(
    '/api/trends',
    { schema: { querystring: TrendsQuerySchema, response: { 200: TrendsResponseSchema, 400: ErrorResponseSchema } } },
    async ({ query }) => {
      const asked = readTrendsQuery(query);
      return 'live' in asked ? engine.trends(asked.live) : history.trends(asked.history);
    },
  );
};
