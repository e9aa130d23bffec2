import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{common,producer,map-server,frontend}/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'frontend/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // Starts a real Kafka broker for the Kafka suites (or explains why they are skipped); finds the Chromium
    // the browser suites drive (or explains why they are skipped).
    globalSetup: ['test/kafka/global-setup.ts', 'test/browser/global-setup.ts'],
  },
});
