/**
 * Imported first by `kafka-alone.ts`: with `KAFKA_ALONE_GROUPING=stock`, loads kafkajs before trendmap's
 * module can replace its quadratic message grouping (common/node/bus/kafkajs-grouping.ts), so that kafkajs
 * alone runs as the package comes from npm. The warning that says so is expected there and dropped.
 */
import { createRequire } from 'node:module';

if (process.env.KAFKA_ALONE_GROUPING === 'stock') {
  createRequire(import.meta.url)('kafkajs');
  const emit = process.emitWarning.bind(process);
  process.emitWarning = (warning: string | Error, ...rest: unknown[]): void => {
    if (typeof warning === 'string' && warning.startsWith('kafkajs was loaded before trendmap')) return;
    (emit as (...args: unknown[]) => void)(warning, ...rest);
  };
}
