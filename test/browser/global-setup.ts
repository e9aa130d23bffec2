/**
 * Finds the Chromium the browser suites drive (Debian's `/usr/bin/chromium`, or CHROMIUM_PATH). Never
 * downloads one. Without it the suites are skipped with the reason, unless REQUIRE_BROWSER=1 (CI), where
 * that fails the run, as REQUIRE_KAFKA=1 does for the Kafka suites. SKIP_BROWSER=1 skips them on purpose.
 */
import type { TestProject } from 'vitest/node';
import { chromiumPath } from './chromium';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Chromium executable, or null when the browser suites are skipped. */
    chromiumPath: string | null;
    /** Why the browser suites are skipped ('' when they run). */
    browserSkipReason: string;
  }
}

export default function setup(project: TestProject): void {
  const found = process.env.SKIP_BROWSER === '1' ? { ok: false as const, why: 'SKIP_BROWSER=1' } : chromiumPath();
  if (found.ok) {
    project.provide('chromiumPath', found.path);
    project.provide('browserSkipReason', '');
    return;
  }
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER=1 but ${found.why}`);
  project.provide('chromiumPath', null);
  project.provide('browserSkipReason', found.why);
  console.warn(`browser suites skipped: ${found.why}`);
}
