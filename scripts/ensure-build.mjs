// Builds what `npm start` and the services run when no build exists or its sources are newer than the
// build: the frontend (Vite, into frontend/dist) and the server bundle (esbuild, into dist/server). So a
// fresh clone works with exactly `npm install && npm start`. Plain JS: it runs before anything is built.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildServer } from './build-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'dist' || entry === 'node_modules' || entry.endsWith('.test.ts')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function stale(output, sources) {
  const built = join(root, output);
  return !existsSync(built) || sources.some((source) => newestMtime(join(root, source)) > statSync(built).mtimeMs);
}

if (stale('frontend/dist/index.html', ['frontend', 'common/browser'])) {
  console.log('trendmap: building the frontend (once, or after its sources change)...');
  const result = spawnSync('npx', ['vite', 'build', '--config', 'frontend/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error('trendmap: the frontend build failed; see above');
    process.exit(result.status ?? 1);
  }
}

if (stale('dist/server/start.mjs', ['common', 'producer/src', 'map-server/src', 'app', 'package-lock.json'])) {
  console.log('trendmap: building the server (once, or after its sources change)...');
  await buildServer();
}
