/**
 * Gives the Kafka suites a real broker: the one in KAFKA_BROKERS when set, else a throwaway broker started
 * with the project's own `scripts/kafka-local.sh` and stopped after. Without Java or Maven the suites are
 * skipped with the reason, unless REQUIRE_KAFKA=1 (CI), where that fails the run. SKIP_KAFKA=1 skips them on
 * purpose (CI's second run, on another Node, runs only the suites without Kafka and the browser).
 */
import type { TestProject } from 'vitest/node';
import { execFileSync } from 'node:child_process';
import { javaAvailable, startTestBroker } from '../../scripts/kafka-test-broker';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string | null;
    kafkaSkipReason: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  // The suites run the built services, as `npm run producer` / `npm run map-server` do.
  execFileSync(process.execPath, ['scripts/ensure-build.mjs'], { cwd: new URL('../..', import.meta.url), stdio: 'inherit' });
  const external = process.env.SKIP_KAFKA === '1' ? undefined : process.env.KAFKA_BROKERS?.trim();
  if (external) {
    project.provide('kafkaBrokers', external);
    project.provide('kafkaSkipReason', '');
    return;
  }
  const java = process.env.SKIP_KAFKA === '1' ? { ok: false as const, why: 'SKIP_KAFKA=1' } : javaAvailable();
  if (!java.ok) {
    if (process.env.REQUIRE_KAFKA === '1') throw new Error(`REQUIRE_KAFKA=1 but no broker can be started: ${java.why}`);
    project.provide('kafkaBrokers', null);
    project.provide('kafkaSkipReason', java.why);
    console.warn(`Kafka suites skipped: ${java.why}`);
    return;
  }
  const broker = await startTestBroker();
  project.provide('kafkaBrokers', broker.brokers);
  project.provide('kafkaSkipReason', '');
  return () => broker.stop();
}
