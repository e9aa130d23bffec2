/**
 * Vite config for the frontend. Run from the repo root: `vite build --config frontend/vite.config.ts`
 * writes frontend/dist, which the map-server serves at `/`; `vite --config frontend/vite.config.ts` serves
 * the app with hot reload and forwards `/api` (JSON and the SSE stream) to a map-server on port 3000.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
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
