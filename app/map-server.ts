/**
 * The map-server as a service of its own (`npm run map-server`): reads the topic from Kafka, rebuilds the
 * last 24 h (a fresh one first takes the other map-servers' history from `<topic>.history`), then follows live and serves the map. It listens even while the broker is away (health says
 * `degraded`) and starts reading once the broker answers. It takes no source options.
 */
import { readConfig, requireKafka, runMain, untilSignal } from '../common/node/cli';
import { kafkaSettings } from '../common/node/bus/kafka-client';
import { KafkaSubscriber } from '../common/node/bus/kafka-subscriber';
import { busLog, createLogger } from '../common/node/log';
import { REBUILD_MS, startMapServer } from '../map-server/src/map-server';
import { KafkaHistoryShare } from '../map-server/src/history/kafka-history-share';

runMain(async () => {
  const config = readConfig(process.argv.slice(2), process.env, { sourceOptions: false });
  if (typeof config === 'number') return config;
  const brokers = requireKafka(config, 'the map-server service reads from Kafka');
  const logger = createLogger(config);
  const subscriber = new KafkaSubscriber({ ...kafkaSettings(config, 'trendmap-map-server'), rebuildMs: REBUILD_MS }, busLog(logger));
  const historyShare = new KafkaHistoryShare(kafkaSettings(config, 'trendmap-map-server'), busLog(logger));
  const server = await startMapServer({ config, subscriber, logger, warmPlaces: true, historyShare });
  logger.info(`map-server is live at ${server.url} (Kafka ${brokers.join(',')}, topic ${config.kafkaTopic})`);
  logger.info(`${await untilSignal()}: shutting down`);
  await server.close();
  return 0;
});
