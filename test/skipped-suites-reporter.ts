/**
 * Ends a test run with one line per group of suites that did not run (the Kafka suites, the browser suites),
 * saying why and how to run them, so that a green local `npm test` without Java or Chromium does not read
 * as a full pass. The global setups (test/kafka, test/browser) decide and provide the reasons; this only
 * reports them, after vitest's own summary.
 */
import type { Reporter, Vitest } from 'vitest/node';

/** How to run each group, for a reader who wants the whole suite. */
const HOW_TO_RUN = {
  kafka: 'install Java 17+ and Maven (a throwaway broker is started) or set KAFKA_BROKERS; REQUIRE_KAFKA=1 makes a skip fail',
  browser: 'apt-get install chromium or set CHROMIUM_PATH; REQUIRE_BROWSER=1 makes a skip fail',
} as const;

export default class SkippedSuitesReporter implements Reporter {
  private vitest: Vitest | null = null;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(): void {
    if (this.vitest === null) return;
    const context = this.vitest.getRootProject().getProvidedContext();
    const skipped: string[] = [];
    // A reason is provided only once a global setup ran; `undefined` means the run ended before it.
    if (context.kafkaBrokers === null) skipped.push(skippedLine('Kafka', context.kafkaSkipReason, HOW_TO_RUN.kafka));
    if (context.chromiumPath === null) skipped.push(skippedLine('browser', context.browserSkipReason, HOW_TO_RUN.browser));
    for (const line of skipped) this.vitest.logger.log(`  ${line}`);
  }
}

/** A skip asked for (SKIP_KAFKA=1, SKIP_BROWSER=1) is undone by unsetting it; any other by what HOW_TO_RUN says. */
function skippedLine(group: string, reason: string, howToRun: string): string {
  const asked = /^(SKIP_\w+)=1$/.exec(reason);
  return `${group} suites SKIPPED (${reason}): ${asked ? `unset ${asked[1]} to run them` : howToRun}`;
}
