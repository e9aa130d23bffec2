/**
 * Vite config for the frontend. Run from the repo root: `vite build --config frontend/vite.config.ts`
 * writes frontend/dist, which the map-server serves at `/`; `vite --config frontend/vite.config.ts` serves
 * the app with hot reload and forwards `/api` (JSON and the SSE stream) to a map-server on port 3000.
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { tsImport } from 'tsx/esm/api';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Text assets worth compressing: anything smaller fits in a packet anyway. */
const COMPRESSIBLE = /\.(js|css|html|svg|json)$/;
const MIN_BYTES = 1_024;

/**
 * Writes a `.br` and a `.gz` beside every text asset, once, at build time; the map-server sends them to
 * browsers that accept them (`@fastify/static` with `preCompressed`), so no request pays for compression.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'trendmap-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const path = join(dir, name);
          return statSync(path).isDirectory() ? walk(path) : [path];
        });
      for (const path of walk(outDir)) {
        if (!COMPRESSIBLE.test(path) || statSync(path).size < MIN_BYTES) continue;
        const bytes = readFileSync(path);
        writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
        writeFileSync(`${path}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

/**
 * Bundles the contract (common/browser/api.ts) as the JSON its schemas are, built once here in Node: the page
 * checks answers with the schemas (src/api/answer-check.ts) but never builds one, so TypeBox's type builder
 * (about 60 KB minified) stays out of the bundle. Build only: `vite` dev serves api.ts as it is. A function
 * exported by api.ts has no JSON form: the page cannot import one (the build fails, naming it).
 */
function contractAsJson(): Plugin {
  const api = fileURLToPath(new URL('../common/browser/api.ts', import.meta.url));
  return {
    name: 'trendmap-contract-as-json',
    apply: 'build',
    async load(id) {
      if (id !== api) return null;
      const contract = (await tsImport(api, import.meta.url)) as Record<string, unknown>;
      return Object.entries(contract)
        .filter(([, value]) => typeof value !== 'function')
        .map(([name, value]) => `export const ${name} = ${JSON.stringify(value)};`)
        .join('\n');
    },
  };
}

export default defineConfig({
  root,
  plugins: [contractAsJson(), precompress()],
  // A big JSON import (the borders, src/map/load-countries.ts) as `JSON.parse('…')`, which the browser parses
  // faster than the same data as an object literal (Vite's default, written out because the borders rely on it).
  json: { stringify: 'auto' },
  // Served at the site root by the map-server; asset URLs are absolute from there.
  base: '/',
  // No static folder: everything the page needs is imported, hashed and bundled.
  publicDir: false,
  build: {
    // Relative to root, i.e. frontend/dist.
    outDir: 'dist',
    emptyOutDir: true,
    // Evergreen browsers only (EventSource, Path2D, ES2022): no legacy transforms.
    target: 'es2022',
    sourcemap: false,
    // In kB: the largest chunk is the 1:50m borders (about 740 kB), loaded only at zoom 4 and deeper; the
    // first load is measured by `npm run bench -- frontend`.
    chunkSizeWarningLimit: 800,
    // Never inline assets as data: URIs: the server's Content-Security-Policy allows images from 'self' only.
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
});
