/**
 * What every trendmap entry point does the same way: read the configuration (printing help), wait for
 * SIGINT/SIGTERM, and exit with a code that says how it went. An expected condition (a `TrendmapError`: a
 * configuration mistake, a port in use, ...) ends the run with its one-line message and its exit code; only
 * a bug prints a stack.
 */
import { setFlagsFromString } from 'node:v8';
import { HELP, parseConfig, type Config, type ParseContext } from './config';
import { ConfigError, EXIT_USAGE, TrendmapError } from './errors';

export { EXIT_USAGE };

/**
 * The configuration, or 0 when help was printed and there is nothing to run. Throws `ConfigError` for a
 * mistake. LOG_FORMAT defaults by whether stdout is a terminal.
 */
export function readConfig(
  argv: string[],
  env: Record<string, string | undefined>,
  context: Omit<ParseContext, 'stdoutIsTerminal'> = {},
): Config | number {
  const command = parseConfig(argv, env, { ...context, stdoutIsTerminal: process.stdout.isTTY === true });
  if (command.help) {
    process.stdout.write(HELP);
    return 0;
  }
  return command.config;
}

/** The brokers of a service that only runs over Kafka; throws `ConfigError` when none is set. */
export function requireKafka(config: Config, what: string): string[] {
  if (config.kafkaBrokers !== null) return config.kafkaBrokers;
  throw new ConfigError(`${what}: set KAFKA_BROKERS (or run \`npm start\` for the embedded mode)`, 'KAFKA_REQUIRED');
}

/** Resolves with the signal's name on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/**
 * How far V8 lets the heap grow past what survived the last full collection before it collects again, in
 * percent. Left to itself V8 grows it up to fourfold, and a fast replay, whose posts live just long enough
 * to reach the old generation, then swells to 250-300 MB with a live heap of about 60 MB. At 50 % the same
 * replay peaks under 200 MB at the same speed (see the README's benchmarks).
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Runs `main` and exits with its code. An expected condition exits with its own code after one line on
 * stderr (whatever LOG_FORMAT, since it may be the reason no logger exists); anything else is a bug and
 * exits 1 with its stack.
 */
export function runMain(main: () => Promise<number>): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      if (error instanceof TrendmapError) {
        process.stderr.write(`trendmap: ${error.message}\n`);
        process.exit(error.exitCode);
      }
      process.stderr.write(`trendmap: ${error.stack ?? error.message}\n`);
      process.exit(1);
    },
  );
}
