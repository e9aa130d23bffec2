import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * On a coverage run (`npm test -- --coverage`, which is what `npm run test:coverage` and CI run): where the
 * services the end-to-end suites start write their V8 coverage, emptied first. Handed to the test workers'
 * environment, not to vitest's own processes, so only the children they spawn (`dist/server/*.mjs`) write
 * it; scripts/coverage.mjs reads it back. Writable by all: test/startup-errors.test.ts runs a service as
 * `nobody` when the tests run as root.
 */
const childCoverageDir = process.argv.includes('--coverage') ? emptyDir('coverage/children-v8') : undefined;

function emptyDir(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o777);
  return dir;
}

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
    // The default summary, then one line per suite skipped (Kafka, browser) with the reason and how to run it.
    reporters: ['default', './test/skipped-suites-reporter.ts'],
    env: childCoverageDir ? { NODE_V8_COVERAGE: childCoverageDir } : {},
    // A coverage run: the product's code (not tests, benches or scripts), as JSON for the merge with
    // the children's coverage that scripts/coverage.mjs does and reports.
    coverage: {
      provider: 'v8',
      include: ['{producer,map-server,frontend}/src/**/*.ts', 'common/**/*.ts', 'app/**/*.ts'],
      exclude: ['**/*.test.ts', '**/*.d.ts'],
      reporter: ['json'],
      reportsDirectory: 'coverage/tests',
      // Figures for a failed run too: the script reports them and still exits with the run's failure.
      reportOnFailure: true,
    },
  },
});
