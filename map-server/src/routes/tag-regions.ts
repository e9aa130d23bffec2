/** `GET /api/tags/:tag/regions`: the countries where one tag is strongest (tag mode). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponseSchema, TagPathSchema, TagRegionsQuerySchema, TagRegionsResponseSchema } from '../../../common/browser/api';
import type { TrendEngine } from '../trend-engine';
import { tagKeyOf } from './query-params';

export const tagRegionsRoute: FastifyPluginAsyncTypebox<{ engine: TrendEngine }> = async (app, { engine }) => {
  app.get(
    '/api/tags/:tag/regions',
    {
      schema: {
        params: TagPathSchema,
        querystring: TagRegionsQuerySchema,
        response: { 200: TagRegionsResponseSchema, 400: ErrorResponseSchema },
      },
    },
    async ({ params, query }) => engine.tagRegions({ tag: tagKeyOf(params.tag), window: query.window, limit: query.limit }),
  );
};
