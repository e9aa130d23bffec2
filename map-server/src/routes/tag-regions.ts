/** `GET /api/tags/:tag/regions`: the countries where one tag is strongest (tag mode). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponseSchema, TagPathSchema, TagRegionsQuerySchema, TagRegionsResponseSchema } from '../../../common/browser/api';
import type { TrendEngine } from '../trend-engine';
import { isLiveWindow } from '../../../common/browser/windows';
import { BadParameter, tagKeyOf } from './query-params';

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
    async ({ params, query }) => {
      const { window } = query;
      if (!isLiveWindow(window)) throw new BadParameter(`window ${window} is answered from history, which this server does not keep yet`);
      return engine.tagRegions({ tag: tagKeyOf(params.tag), window, limit: query.limit });
    },
  );
};
