/**
 * The map-server as a service of its own (`npm run map-server`): reads the topic from Kafka, rebuilds the
 * last 24 h, then follows live and serves the map.
 */
import { readConfig, requireKafka, runMain, untilSignal } from '../../common/src/cli';
import { consoleLog, kafkaSettings } from '../../common/src/bus/kafka-client';
import { KafkaSubscriber } from '../../common/src/bus/kafka-subscriber';
import { REBUILD_MS, startMapServer } from './map-server';

runMain(async () => {
  const config = readConfig(process.argv.slice(2), process.env);
  if (typeof config === 'number') return config;
  const brokers = requireKafka(config, 'the map-server service reads from Kafka');
  if (typeof brokers === 'number') return brokers;
  const subscriber = new KafkaSubscriber({ ...kafkaSettings(config, 'trendmap-map-server'), rebuildMs: REBUILD_MS }, consoleLog);
  const server = await startMapServer({ config, subscriber });
  server.app.log.info(`map-server is live at ${server.url} (Kafka ${brokers.join(',')}, topic ${config.kafkaTopic})`);
  server.app.log.info(`${await untilSignal()}: shutting down`);
  await server.close();
  return 0;
});
