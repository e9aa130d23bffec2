// Bundles the entry points into plain JavaScript under dist/server/, so that `npm start` and the
// services run on Node alone: no TypeScript loader at run time, which saves ~70 MB of resident memory and
// the start-up compile. Packages stay external (resolved from node_modules); our code and the packages'
// JSON data are bundled.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const SERVER_ENTRIES = {
  start: 'app/start.ts',
  producer: 'app/producer.ts',
  'map-server': 'app/map-server.ts',
  // Not run by hand: the worker thread that builds the city search's index (map-server/src/gazetteer.ts finds
  // it beside itself, as gazetteer-worker.mjs).
  'gazetteer-worker': 'map-server/src/gazetteer-worker.ts',
  // The thread that decodes bzip2 archives (producer/src/archive/bzip2-thread.ts starts it beside itself).
  'bzip2-worker': 'producer/src/archive/bzip2-worker.ts',
  // The thread that normalises an archive's lines (producer/src/normalise-thread.ts starts it beside itself).
  'normalise-worker': 'producer/src/normalise-worker.ts',
};

const require = createRequire(import.meta.url);

/** JSON data from packages (border shapes, country names) is bundled in, not imported at run time. */
const bundleJsonData = {
  name: 'bundle-json-data',
  setup(build) {
    build.onResolve({ filter: /^[^./].*\.json$/ }, (args) => ({ path: require.resolve(args.path, { paths: [args.resolveDir] }) }));
  },
};

/**
 * Bundles `entryPoints` (by default the servers') into `outdir` (relative to the root), as `npm start` runs them.
 * Then removes the bundles and maps in `outdir` that this build did not write: the chunks of earlier builds,
 * named by their content, would otherwise pile up with every change to the sources.
 */
export async function buildServer({ entryPoints = SERVER_ENTRIES, outdir = 'dist/server' } = {}) {
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [bundleJsonData],
    metafile: true,
  });
  const written = new Set(Object.keys(metafile.outputs).map((path) => resolve(root, path)));
  const dir = resolve(root, outdir);
  for (const name of readdirSync(dir)) {
    if (BUNDLE_FILE.test(name) && !written.has(join(dir, name))) rmSync(join(dir, name), { force: true });
  }
}

/** What a build writes: bundles and their source maps (anything else in the directory is left alone). */
const BUNDLE_FILE = /\.mjs(\.map)?$/;

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer();
