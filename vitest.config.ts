import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{app,common,producer,map-server,frontend}/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'frontend/dist/**'],
    // Ceilings for a broken build, not measures of speed: the suite must pass on a busy 2-core machine, where
    // what takes a second idle can take ten. Tests that wait on services set their own, larger ones.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // The same for `expect.poll` (vitest's own default, 1 s, is a wait, not a ceiling).
    expect: { poll: { timeout: 30_000 } },
    // Starts a real Kafka broker for the Kafka suites (or explains why they are skipped); finds the Chromium
    // the browser suites drive (or explains why they are skipped).
    globalSetup: ['test/kafka/global-setup.ts', 'test/browser/global-setup.ts'],
  },
});
