/** `GET /api/tags/:tag/regions`: the countries where one tag is strongest (tag mode), now or at `at=`. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponseSchema, TagPathSchema, TagRegionsQuerySchema, TagRegionsResponseSchema } from '../../../common/browser/api';
import { isLiveWindow } from '../../../common/browser/windows';
import type { TrendEngine } from '../trend-engine';
import type { History } from '../history/history-service';
import { readTime, tagKeyOf } from './query-params';

export const tagRegionsRoute: FastifyPluginAsyncTypebox<{ engine: TrendEngine; history: History }> = async (app, { engine, history }) => {
  app.get(
    '/api/tags/:tag/regions',
    {
      schema: {
        params: TagPathSchema,
        querystring: TagRegionsQuerySchema,
        response: { 200: TagRegionsResponseSchema, 400: ErrorResponseSchema },
      },
    },
    async ({ params, query }) => {
      const tag = tagKeyOf(params.tag);
      const { window, limit } = query;
      const atMs = readTime('at', query.at);
      if (atMs === null && isLiveWindow(window)) return engine.tagRegions({ tag, window, limit });
      return history.tagRegions({ tag, window, limit, atMs });
    },
  );
};
