/**
 * `GET /api/posts`: the newest accepted posts in a region or box, optionally with a tag, and with `at=` those at or
 * before a moment (among the posts still held). Post text is data:
 * it leaves as JSON strings, never as markup.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponseSchema, PostsQuerySchema, PostsResponseSchema } from '../../../common/browser/api';
import type { TrendEngine } from '../trend-engine';
import { readArea, readTag, readTime } from './query-params';

export const postsRoute: FastifyPluginAsyncTypebox<{ engine: TrendEngine }> = async (app, { engine }) => {
  app.get(
    '/api/posts',
    { schema: { querystring: PostsQuerySchema, response: { 200: PostsResponseSchema, 400: ErrorResponseSchema } } },
    async ({ query }) => ({ posts: engine.posts(readArea(query), readTag(query.tag), query.limit, readTime('at', query.at)) }),
  );
};
