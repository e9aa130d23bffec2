/** `GET /api/labels`: the top hashtag of each map tile in a box, at the map's zoom, over a window: now, or at `at=` from history. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponseSchema, LabelsQuerySchema, LabelsResponseSchema } from '../../../common/browser/api';
import type { TrendEngine } from '../trend-engine';
import type { History } from '../history/history-service';
import { readLabelsQuery } from './query-params';

export const labelsRoute: FastifyPluginAsyncTypebox<{ engine: TrendEngine; history: History }> = async (app, { engine, history }) => {
  app.get(
    '/api/labels',
    { schema: { querystring: LabelsQuerySchema, response: { 200: LabelsResponseSchema, 400: ErrorResponseSchema } } },
    async ({ query }) => {
      const asked = readLabelsQuery(query);
      return 'live' in asked ? engine.labels(asked.live) : history.labels(asked.history);
    },
  );
};
