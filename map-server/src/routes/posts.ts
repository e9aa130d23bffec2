/**
 * `GET /api/posts`: the newest accepted posts in a region or box, optionally with a tag. Post text is data:
 * it leaves as JSON strings, never as markup.
 */
import type { FastifyPluginAsync } from 'fastify';
import { ErrorResponseSchema, POSTS_LIMIT, PostsResponseSchema, type PostsResponse } from '../../../common/browser/api';
import type { TrendEngine } from '../trend-engine';
import { readArea, readLimit, readTag } from './query-params';

export const postsRoute: FastifyPluginAsync<{ engine: TrendEngine }> = async (app, { engine }) => {
  app.get('/api/posts', { schema: { response: { 200: PostsResponseSchema, 400: ErrorResponseSchema } } }, async (request): Promise<PostsResponse> => {
    const query = request.query as Record<string, unknown>;
    return { posts: engine.posts(readArea(query), readTag(query), readLimit(query, POSTS_LIMIT)) };
  });
};
