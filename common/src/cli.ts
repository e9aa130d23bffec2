/**
 * What every trendmap entry point does the same way: read the configuration (printing help or a clear
 * error), wait for SIGINT/SIGTERM, and exit with a code that says how it went.
 */
import { setFlagsFromString } from 'node:v8';
import { ConfigError, HELP, parseConfig, type Config } from './config';

/** Exit code for a configuration mistake, as with a command-line usage error. */
export const EXIT_USAGE = 2;

/** The configuration, or an exit code when there is nothing to run (help was printed, or a mistake). */
export function readConfig(argv: string[], env: Record<string, string | undefined>): Config | number {
  try {
    const command = parseConfig(argv, env);
    if (command.help) {
      process.stdout.write(HELP);
      return 0;
    }
    return command.config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`trendmap: ${error.message}\n`);
    return EXIT_USAGE;
  }
}

/** The brokers of a service that only runs over Kafka, or EXIT_USAGE (after saying why) when none is set. */
export function requireKafka(config: Config, what: string): string[] | number {
  if (config.kafkaBrokers !== null) return config.kafkaBrokers;
  process.stderr.write(`trendmap: ${what}: set KAFKA_BROKERS (or run \`npm start\` for the embedded mode)\n`);
  return EXIT_USAGE;
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

/** Runs `main` and exits with its code; an unexpected failure exits 1 with its stack. */
export function runMain(main: () => Promise<number>): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`trendmap: ${error.stack ?? error.message}\n`);
      process.exit(1);
    },
  );
}
