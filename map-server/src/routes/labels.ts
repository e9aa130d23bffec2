/** `GET /api/labels`: the top hashtag of each map tile in a box, at the map's zoom, over a window. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponseSchema, LabelsQuerySchema, LabelsResponseSchema } from '../../../common/browser/api';
import type { TrendEngine } from '../trend-engine';
import { readLabelsQuery } from './query-params';

export const labelsRoute: FastifyPluginAsyncTypebox<{ engine: TrendEngine }> = async (app, { engine }) => {
  app.get(
    '/api/labels',
    { schema: { querystring: LabelsQuerySchema, response: { 200: LabelsResponseSchema, 400: ErrorResponseSchema } } },
    async ({ query }) => engine.labels(readLabelsQuery(query)),
  );
};
