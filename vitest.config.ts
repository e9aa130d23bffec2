import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{common,producer,map-server,frontend}/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'frontend/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
