/**
 * Serves the built frontend, precompressed where the browser accepts it; long-lived caching for hashed assets,
 * none for the page itself.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';

export const frontendRoute: FastifyPluginAsync<{ staticDir: string }> = async (app, { staticDir }) => {
  if (!existsSync(join(staticDir, 'index.html'))) {
    app.log.warn(`no frontend build in ${staticDir}; run "npm run build"`);
    app.get('/', async (_request, reply) =>
      reply.code(503).type('text/plain').send('The frontend is not built yet: run "npm run build", then reload.'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: staticDir,
    // The build writes .br and .gz beside each text asset (frontend/vite.config.ts): sent as they are to
    // browsers that accept them.
    preCompressed: true,
    // Our own header below: the plugin's would overwrite it.
    cacheControl: false,
    setHeaders(res, path) {
      const hashed = path.includes(`${join(staticDir, 'assets')}`);
      res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
};
