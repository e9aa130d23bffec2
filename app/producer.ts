/**
 * The producer as a service of its own (`npm run producer`): reads posts from the configured source and
 * publishes them to Kafka. An archive ends the process (exit 0) once everything is published and flushed;
 * SIGINT/SIGTERM stop reading, flush and exit 0. A replay shows a progress bar on a terminal (plain lines
 * otherwise) and ends with a summary; other sources log a progress line every 5 s. A broker that is not
 * there yet is waited for: posts are held (the source waits) until it answers.
 */
import { readConfig, requireKafka, runMain, untilSignal } from '../common/node/cli';
import { kafkaSettings } from '../common/node/bus/kafka-client';
import { KafkaPublisher } from '../common/node/bus/kafka-publisher';
import { EXIT_FAILURE } from '../common/node/errors';
import { busLog, createLogger } from '../common/node/log';
import { showReplayProgress } from '../producer/src/archive/replay-display';
import { HELD_POSTS_GRACE_MS, startProducer, stopAndFlush } from '../producer/src/producer';
import { progressLine } from '../producer/src/progress';
import { NORMALISE_THREADS } from '../producer/src/normalise-thread';
import { isReplaySource } from '../producer/src/sources/replay';
import { preflight } from '../producer/src/preflight';

/** How often the progress line is logged, in ms. */
const PROGRESS_MS = 5_000;

runMain(async () => {
  const config = readConfig(process.argv.slice(2), process.env, { holdsState: false });
  if (typeof config === 'number') return config;
  const ready = await preflight(config);
  if (typeof ready === 'number') return ready;
  const brokers = requireKafka(config, 'the producer service publishes to Kafka');
  const logger = createLogger(config);
  const log = busLog(logger);
  const publisher = KafkaPublisher.start(kafkaSettings(config, 'trendmap-producer'), log);
  // Alone in its process, the producer's main thread only normalises and sends: a normalising thread gained
  // nothing over Kafka (`npm run bench -- kafka`, 33,497 posts/s with it, 33,894 without) for 15–17 % more CPU
  // a post and 72–73 MB more memory. It pays where the map-server counts on the same thread (`npm start`).
  NORMALISE_THREADS.enabled = false;
  const producer = await startProducer(config, publisher, ready.archive, log);
  logger.info(`producer: ${producer.source.name} -> Kafka ${brokers.join(',')}, topic ${config.kafkaTopic}`);

  const source = producer.source;
  const display = isReplaySource(source) ? showReplayProgress(source.progress, producer.stats, (line) => logger.info(line)) : null;
  let last = { at: Date.now(), accepted: 0 };
  const progress = display
    ? null
    : setInterval(() => {
        const now = Date.now();
        logger.info(progressLine(producer.stats, (producer.stats.accepted - last.accepted) / ((now - last.at) / 1_000)));
        last = { at: now, accepted: producer.stats.accepted };
      }, PROGRESS_MS);

  const outcome = await Promise.race([
    producer.done.then(
      () => 'done' as const,
      () => 'failed' as const,
    ),
    untilSignal(),
  ]);
  if (progress) clearInterval(progress);
  let flushed = true;
  if (outcome !== 'done' && outcome !== 'failed') {
    // A second signal finds no handler and ends the process at once, without what is still held.
    logger.info(`producer: ${outcome}: stopping, publishing what was read (for at most ${HELD_POSTS_GRACE_MS / 1_000} s if Kafka is away)`);
    flushed = await stopAndFlush(producer, publisher, log);
  } else {
    await publisher.close();
  }
  display?.finish();
  logger.info(`producer: finished. ${progressLine(producer.stats, null)}`);
  if (!flushed) return EXIT_FAILURE; // what was read but not published is said above
  await producer.done; // rethrows a source failure: exit 1
  return 0;
});
