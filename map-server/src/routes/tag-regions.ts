/** `GET /api/tags/:tag/regions`: the countries where one tag is strongest (tag mode). */
import type { FastifyPluginAsync } from 'fastify';
import { ErrorResponseSchema, TAG_REGIONS_LIMIT, TagRegionsResponseSchema } from '../../../common/browser/api';
import type { TrendEngine } from '../trend-engine';
import { readLimit, readWindow, tagKeyOf } from './query-params';

export const tagRegionsRoute: FastifyPluginAsync<{ engine: TrendEngine }> = async (app, { engine }) => {
  app.get<{ Params: { tag: string } }>(
    '/api/tags/:tag/regions',
    { schema: { response: { 200: TagRegionsResponseSchema, 400: ErrorResponseSchema } } },
    async (request) => {
      const query = request.query as Record<string, unknown>;
      return engine.tagRegions({
        tag: tagKeyOf(request.params.tag),
        window: readWindow(query),
        limit: readLimit(query, TAG_REGIONS_LIMIT),
      });
    },
  );
};
