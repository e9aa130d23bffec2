/**
 * `npm start`: reads the configuration, then runs the embedded product (producer + map-server in one
 * process) and shuts it down in order on SIGINT/SIGTERM.
 */
import { ConfigError, HELP, parseConfig } from '../common/src/config';
import { startEmbedded } from '../map-server/src/embedded';

async function main(): Promise<number> {
  let command;
  try {
    command = parseConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`trendmap: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (command.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const { config } = command;
  if (config.kafkaBrokers !== null) {
    process.stderr.write('trendmap: KAFKA_BROKERS is set, but this build runs the embedded mode only; unset it.\n');
    return 2;
  }

  const embedded = await startEmbedded(config);
  const log = embedded.server.app.log;
  const shownUrl = embedded.server.url.replace('127.0.0.1', 'localhost');
  log.info(`trendmap is live at ${shownUrl} (source: ${config.source}${config.source === 'synthetic' ? `, ${config.rate} posts/s, seed ${config.seed}` : `, ${config.file}`})`);

  embedded.producer.done.then(
    (stats) => {
      if (stats.finished) {
        log.info({ read: stats.read, accepted: stats.accepted, skipped: stats.skipped.toJSON() }, 'the source is exhausted; the map keeps serving what it counted');
      }
    },
    (error: Error) => log.error(`the source failed: ${error.message}; the map keeps serving what it counted`),
  );

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info(`${signal}: shutting down`);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await embedded.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`trendmap: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
