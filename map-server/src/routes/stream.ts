/**
 * `GET /api/stream?tag=&region=&bbox=&window=&sort=&limit=`: live markers, trends, tag regions and posts
 * over Server-Sent Events. Parameters are checked like the REST routes' (400 before the stream opens).
 * Not rate-limited per request: the hub caps open streams in all and per address.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { MarkerHub } from '../sse/marker-hub';
import type { TrendsFeed } from '../sse/trends-feed';
import { SseSession } from '../sse/sse-session';
import { readStreamSubscription } from './query-params';

export const streamRoute: FastifyPluginAsync<{ hub: MarkerHub; feed: TrendsFeed }> = async (app, { hub, feed }) => {
  app.get('/api/stream', { config: { rateLimit: false } }, async (request, reply) => {
    const subscription = readStreamSubscription(request.query as Record<string, unknown>);
    const admitted = hub.admit(request.ip);
    if (!admitted.ok) return reply.code(admitted.status).send({ error: admitted.error });
    // From here on the response is ours: Fastify neither serialises nor ends it.
    reply.hijack();
    const session = new SseSession(reply.raw, subscription, request.ip, hub.options, (closed) => {
      hub.detach(closed);
      feed.detach(closed);
    });
    hub.attach(session);
    feed.attach(session);
  });
};
