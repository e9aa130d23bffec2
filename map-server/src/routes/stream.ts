/**
 * `GET /api/stream?tag=&region=&bbox=&window=&sort=&limit=`: live markers, trends, tag regions and posts
 * over Server-Sent Events. Parameters are checked like the REST routes' (400 before the stream opens).
 * Not rate-limited per request: the hub caps open streams in all and per address.
 *
 * `HEAD` answers what `GET` would (400, 429, 503, or 200 with the stream's headers) and opens nothing: a
 * stream opened for it would hold a slot until the client left.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { StreamQuerySchema } from '../../../common/browser/api';
import type { MarkerHub } from '../sse/marker-hub';
import type { TrendsFeed } from '../sse/trends-feed';
import { SseSession } from '../sse/sse-session';
import { SSE_HEADERS } from '../sse/sse-wire';
import { readStreamSubscription } from './query-params';

/** The stream's headers, less `connection: keep-alive`: a HEAD ends at once, and a client may close after it. */
const { connection: _keepAlive, ...HEAD_HEADERS } = SSE_HEADERS;

export const streamRoute: FastifyPluginAsyncTypebox<{ hub: MarkerHub; feed: TrendsFeed }> = async (app, { hub, feed }) => {
  // HEAD is declared here rather than left to Fastify's automatic HEAD route, which would answer with
  // `content-length: 0`: a length a HEAD may only send when it is what the GET would send.
  app.route({
    method: ['GET', 'HEAD'],
    url: '/api/stream',
    config: { rateLimit: false },
    schema: { querystring: StreamQuerySchema },
    handler: async (request, reply) => {
      const subscription = readStreamSubscription(request.query);
      const admitted = hub.admit(request.ip);
      if (!admitted.ok) return reply.code(admitted.status).send({ error: admitted.error });
      if (request.method === 'HEAD') return reply.headers(HEAD_HEADERS).send();
      // From here on the response is ours: Fastify neither serialises nor ends it.
      reply.hijack();
      const session = new SseSession(reply.raw, subscription, request.ip, hub.options, (closed) => {
        hub.detach(closed);
        feed.detach(closed);
      });
      hub.attach(session);
      feed.attach(session);
    },
  });
};
