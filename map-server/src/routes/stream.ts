/**
 * `GET /api/stream?tag=&region=&bbox=&window=&sort=&limit=`: live markers, trends, tag regions and posts
 * over Server-Sent Events. Parameters are checked like the REST routes' (400 before the stream opens).
 * Not rate-limited per request: the hub caps open streams in all and per address. The route opens a session
 * and registers it with the hub (markers, posts, stats) and the trends feed (trends, tag regions); the
 * session leaves both by itself when it closes.
 *
 * `HEAD` answers what `GET` would (400, 429, 503, or 200 with the stream's headers) and opens nothing: a
 * stream opened for it would hold a slot until the client left.
 *
 * A stream request pipelined behind another on one connection (HTTP/1.1 allows it; browsers do not do it) is
 * answered 400 in its turn: it could be answered no sooner, and a stream before it never ends by itself.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { StreamQuerySchema } from '../../../common/browser/api';
import type { MarkerHub } from '../sse/marker-hub';
import type { TrendsFeed } from '../sse/trends-feed';
import { SseSession, type SessionOptions } from '../sse/sse-session';
import { SSE_HEADERS } from '../sse/sse-wire';
import { readStreamSubscription } from './query-params';
import { ApiError } from './api-error';

const PIPELINED = 'a live stream needs a connection of its own: this request came behind another on its connection';

/** The stream's headers, less `connection: keep-alive`: a HEAD ends at once, and a client may close after it. */
const { connection: _keepAlive, ...HEAD_HEADERS } = SSE_HEADERS;

export interface StreamRouteOptions {
  hub: MarkerHub;
  feed: TrendsFeed;
  /** Each stream's socket limits and retry hint; `SESSION_DEFAULTS` where not given. */
  session?: Partial<SessionOptions>;
}

export const streamRoute: FastifyPluginAsyncTypebox<StreamRouteOptions> = async (app, { hub, feed, session: sessionOptions }) => {
  // HEAD is declared here rather than left to Fastify's automatic HEAD route, which would answer with
  // `content-length: 0`: a length a HEAD may only send when it is what the GET would send.
  app.route({
    method: ['GET', 'HEAD'],
    url: '/api/stream',
    config: { rateLimit: false },
    schema: { querystring: StreamQuerySchema },
    handler: async (request, reply) => {
      const subscription = readStreamSubscription(request.query);
      // A request pipelined behind another on its connection has no socket until the answers before it are
      // done, which a stream before it never is: its session would hold a slot and gather data for no one,
      // and outlive the connection (only the answer on the socket hears it close). Refused, in its turn.
      if (reply.raw.socket === null) throw new ApiError(400, PIPELINED);
      const admitted = hub.admit(request.ip);
      if (!admitted.ok) return reply.code(admitted.status).send({ error: admitted.error });
      if (request.method === 'HEAD') return reply.headers(HEAD_HEADERS).send();
      // From here on the response is ours: Fastify neither serialises nor ends it.
      reply.hijack();
      const session = new SseSession(reply.raw, subscription, request.ip, sessionOptions);
      hub.register(session);
      feed.register(session);
    },
  });
};
