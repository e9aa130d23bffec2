/** `GET /api/config`: the runtime settings the frontend needs (tile layer). */
import type { FastifyPluginAsync } from 'fastify';
import { ClientConfigSchema, type ClientConfig } from '../../../common/browser/api';

export const clientConfigRoute: FastifyPluginAsync<{ clientConfig: ClientConfig }> = async (app, { clientConfig }) => {
  app.get('/api/config', { schema: { response: { 200: ClientConfigSchema } } }, async () => clientConfig);
};
