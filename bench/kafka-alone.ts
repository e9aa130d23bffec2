/**
 * kafkajs alone, the ceiling `npm run bench -- kafka` compares trendmap with: run by that bench as two child
 * processes (forked, with IPC), on the same broker, the same events and the same client settings as the
 * producer and the map-server, and nothing else (no normalising, no decoding, no counting).
 *
 * - `send <brokers> <topic> <compression> <file>`: normalises and encodes the archive's posts up front (not
 *   timed), connects an idempotent producer as `KafkaPublisher` does (acks from all replicas, one request in
 *   flight), says `{ ready }`, and on `{ go }` sends them keyed by country in sends of up to `MAX_HELD`
 *   (what the producer's batch sender sends at most), one at a time; then says `{ sent, cpuPercent, cpuUs }`
 *   (its CPU while it sent: in % of a core, and in µs a post).
 * - `consume <brokers> <topic> <count>`: a consumer with the map-server's settings, from the topic's start,
 *   `eachBatch` counting messages; says `{ subscribed }`, then `{ first, firstBatch, last, cpuPercent, cpuUs }`
 *   once `count` have come: when the first batch came (epoch ms) and its size, when the last did, and its CPU
 *   in between (in % of a core, and in µs a post after the first batch).
 *
 * Both run kafkajs with trendmap's linear message grouping (common/node/bus/kafkajs-grouping.ts), as the
 * producer does, unless `KAFKA_ALONE_GROUPING=stock` (then as kafkajs 2.2.4 comes from npm).
 */
// First: kafkajs as it comes from npm when the bench asks for it (see the module).
import './kafka-alone-stock';
import { readFileSync } from 'node:fs';
import { Partitioners } from '../common/node/bus/kafkajs';
import type { Compression } from '../common/node/bus/compressions';
import { COMPRESSION_TYPES } from '../common/node/bus/kafka-codecs';
import { createKafka, RETRY } from '../common/node/bus/kafka-client';
import { checkedEvent, encodeEvent } from '../common/node/event';
import { createCountryLookup } from '../producer/src/normalise/country-lookup';
import { normaliseLine, resultsOf } from '../producer/src/normalise/normalise';
import { MAX_HELD } from '../producer/src/batch-sender';

const [mode, brokers, topic, ...rest] = process.argv.slice(2);
const send = (message: object) => process.send!(message);
// Made as trendmap's clients are (codecs, timeouts, retries, kafkajs's errors to stderr).
const kafka = createKafka({ brokers: brokers.split(','), topic, clientId: `bench-alone-${mode}`, partitions: 1, retentionHours: 48 }, console);

if (mode === 'send') {
  const [compression, file] = rest as [Compression, string];
  const lookup = createCountryLookup();
  const messages: Array<{ key: string | null; value: Buffer; timestamp: string }> = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    for (const result of resultsOf(normaliseLine(line, lookup)))
      if (result.ok) messages.push({ key: result.event.cc, value: encodeEvent(checkedEvent(result.event)), timestamp: String(Date.now()) });
  }
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { ...RETRY, retries: Number.MAX_SAFE_INTEGER },
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const sendAll = async () => {
    const cpu = process.cpuUsage();
    const start = Date.now();
    for (let i = 0; i < messages.length; i += MAX_HELD) {
      await producer.send({ topic, acks: -1, compression: COMPRESSION_TYPES[compression], messages: messages.slice(i, i + MAX_HELD) });
    }
    const used = process.cpuUsage(cpu);
    const cpuUs = used.user + used.system;
    send({ sent: messages.length, cpuPercent: (cpuUs / 1_000 / (Date.now() - start)) * 100, cpuUs: cpuUs / messages.length });
    await producer.disconnect();
    process.exit(0);
  };
  process.once('message', () => void sendAll());
  send({ ready: messages.length });
} else if (mode === 'consume') {
  const count = Number(rest[0]);
  const consumer = kafka.consumer({ groupId: `bench-alone-${topic}`, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let first = 0;
  let firstBatch = 0;
  let cpu = process.cpuUsage();
  await consumer.run({
    autoCommit: true,
    eachBatch: async ({ batch }) => {
      if (batch.messages.length === 0) return;
      if (seen === 0) [first, firstBatch, cpu] = [Date.now(), batch.messages.length, process.cpuUsage()];
      seen += batch.messages.length;
      if (seen >= count) {
        const [last, used] = [Date.now(), process.cpuUsage(cpu)];
        const cpuUs = used.user + used.system;
        send({
          first,
          firstBatch,
          last,
          cpuPercent: (cpuUs / 1_000 / Math.max(1, last - first)) * 100,
          cpuUs: cpuUs / Math.max(1, seen - firstBatch),
        });
        setImmediate(() => void consumer.disconnect().then(() => process.exit(0)));
      }
    },
  });
  send({ subscribed: true });
} else {
  throw new Error(`kafka-alone: unknown mode ${mode}`);
}
