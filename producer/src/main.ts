/**
 * The producer as a service of its own (`npm run producer`): reads posts from the configured source and
 * publishes them to Kafka. An archive ends the process (exit 0) once everything is published and flushed;
 * SIGINT/SIGTERM stop reading, flush and exit 0. A replay shows a progress bar on a terminal (plain lines
 * otherwise) and ends with a summary; other sources print a progress line every 5 s.
 */
import { readConfig, requireKafka, runMain, untilSignal } from '../../common/src/cli';
import { consoleLog, kafkaSettings } from '../../common/src/bus/kafka-client';
import { KafkaPublisher } from '../../common/src/bus/kafka-publisher';
import { showReplayProgress } from './archive/replay-display';
import { startProducer } from './producer';
import { progressLine } from './progress';
import { isReplaySource } from './sources/replay';
import { preflight } from './preflight';

/** How often the progress line is printed, in ms. */
const PROGRESS_MS = 5_000;

runMain(async () => {
  const config = readConfig(process.argv.slice(2), process.env);
  if (typeof config === 'number') return config;
  const ready = await preflight(config);
  if (typeof ready === 'number') return ready;
  const brokers = requireKafka(config, 'the producer service publishes to Kafka');
  if (typeof brokers === 'number') return brokers;
  const publisher = await KafkaPublisher.connect(kafkaSettings(config, 'trendmap-producer'), consoleLog);
  const producer = await startProducer(config, publisher, ready.archive);
  console.log(`producer: ${producer.source.name} -> Kafka ${brokers.join(',')}, topic ${config.kafkaTopic}`);

  const source = producer.source;
  const display = isReplaySource(source) ? showReplayProgress(source.progress, producer.stats) : null;
  let last = { at: Date.now(), accepted: 0 };
  const progress = display
    ? null
    : setInterval(() => {
        const now = Date.now();
        console.log(progressLine(producer.stats, (producer.stats.accepted - last.accepted) / ((now - last.at) / 1_000)));
        last = { at: now, accepted: producer.stats.accepted };
      }, PROGRESS_MS);

  const outcome = await Promise.race([
    producer.done.then(() => 'done' as const, () => 'failed' as const),
    untilSignal(),
  ]);
  if (progress) clearInterval(progress);
  if (outcome !== 'done' && outcome !== 'failed') {
    console.log(`producer: ${outcome}: stopping, flushing what was read`);
    await producer.stop();
  }
  await publisher.close();
  display?.finish();
  console.log(`producer: finished. ${progressLine(producer.stats, null)}`);
  await producer.done; // rethrows a source failure: exit 1
  return 0;
});
