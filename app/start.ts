/**
 * `npm start`: the producer and the map-server in one process, joined by the in-process bus, or through
 * Kafka when KAFKA_BROKERS is set. Shuts down in order on SIGINT/SIGTERM. A replay shows its progress
 * (a bar on a terminal's stderr, plain lines otherwise) and a summary once the archive is read. Every line
 * goes through the one logger (LOG_FORMAT).
 */
import { readConfig, runMain, untilSignal } from '../common/node/cli';
import { createLogger } from '../common/node/log';
import { startEmbedded } from './embedded';
import { showReplayProgress } from '../producer/src/archive/replay-display';
import { isReplaySource } from '../producer/src/sources/replay';
import { preflight } from '../producer/src/preflight';

runMain(async () => {
  const config = readConfig(process.argv.slice(2), process.env);
  if (typeof config === 'number') return config;
  const ready = await preflight(config);
  if (typeof ready === 'number') return ready;

  const log = createLogger(config);
  const embedded = await startEmbedded(config, { logger: log, archive: ready.archive, warmPlaces: true });
  const source =
    config.source === 'synthetic'
      ? `synthetic, ${config.rate} posts/s, seed ${config.seed}`
      : config.source === 'replay'
        ? `replay of ${config.file}`
        : `the X API stream at ${config.x.baseUrl}`;
  const bus = config.kafkaBrokers === null ? 'in-process bus' : `Kafka ${config.kafkaBrokers.join(',')}, topic ${config.kafkaTopic}`;
  log.info(`trendmap is live at ${embedded.server.url.replace('127.0.0.1', 'localhost')} (${source}; ${bus})`);

  const running = embedded.producer.source;
  // On the in-process bus every post the producer sent has been counted or refused by the time it is done
  // (delivery is synchronous), so the summary can say what the map made of them. Over Kafka it cannot.
  const { engine } = embedded.server;
  const mapCounts = config.kafkaBrokers === null ? () => ({ counted: engine.acceptedCount, skipped: engine.skips() }) : undefined;
  const display = isReplaySource(running) ? showReplayProgress(running.progress, embedded.producer.stats, (line) => log.info(line), mapCounts) : null;
  embedded.producer.done.then(
    (stats) => {
      display?.finish();
      if (!stats.finished) return;
      log.info(
        { read: stats.read, accepted: stats.accepted, skipped: stats.skipped.toJSON() },
        'the source is exhausted; the map keeps serving what it counted',
      );
    },
    (error: Error) => {
      display?.finish();
      log.error(`the source failed: ${error.message}; the map keeps serving what it counted`);
    },
  );

  log.info(`${await untilSignal()}: shutting down`);
  await embedded.close();
  display?.finish();
  return 0;
});
