/** `GET /api/tags?prefix=&limit=`: known hashtags by the start of their key, for a search box. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponseSchema, TagSearchQuerySchema, TagSearchResponseSchema } from '../../../common/browser/api';
import type { TrendEngine } from '../trend-engine';
import { tagPrefixOf } from '../core/tag-search';

export const tagSearchRoute: FastifyPluginAsyncTypebox<{ engine: TrendEngine }> = async (app, { engine }) => {
  app.get(
    '/api/tags',
    { schema: { querystring: TagSearchQuerySchema, response: { 200: TagSearchResponseSchema, 400: ErrorResponseSchema } } },
    async ({ query }) => engine.tagSearch({ prefix: tagPrefixOf(query.prefix), limit: query.limit }),
  );
};
