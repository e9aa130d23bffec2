/** `GET /api/stream[?tag=]`: live markers over Server-Sent Events. */
import type { FastifyPluginAsync } from 'fastify';
import type { MarkerHub } from '../sse/marker-hub';
import { SseSession } from '../sse/sse-session';
import { readTag } from './query-params';

export const streamRoute: FastifyPluginAsync<{ hub: MarkerHub }> = async (app, { hub }) => {
  app.get('/api/stream', async (request, reply) => {
    const tag = readTag(request.query as Record<string, unknown>);
    const admitted = hub.admit(request.ip);
    if (!admitted.ok) return reply.code(admitted.status).send({ error: admitted.error });
    // From here on the response is ours: Fastify neither serialises nor ends it.
    reply.hijack();
    const session = new SseSession(reply.raw, tag, request.ip, hub.options, (s) => hub.detach(s));
    hub.attach(session);
  });
};
