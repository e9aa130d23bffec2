/**
 * Every `KAFKA_COMPRESSION` against the real broker: the publisher writes its batches with the codec, the
 * broker takes them (it reads every record of a compressed batch with Kafka's own Java codecs to check it,
 * so a frame it cannot read is refused), and a subscriber reads each post back once, through the same codec.
 * The codecs are counted where kafkajs calls them, so a compression that silently fell back to none fails.
 * snappy and lz4 go through the broker twice: with the native codecs, and with the JavaScript ones that
 * stand in where a native module does not load.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { CompressionCodecs, CompressionTypes } from '../../common/node/bus/kafkajs';
import type { DeliveredMessage } from '../../common/node/bus/bus';
import type { BusLog } from '../../common/node/bus/bus-log';
import { zstdWritable, type Compression } from '../../common/node/bus/compressions';
import { createRequire } from 'node:module';
import { COMPRESSION_TYPES, installCodecs, lz4Codec, registerCodecs, snappyCodec, zstdCodec, type Load } from '../../common/node/bus/kafka-codecs';
import { within } from '../../common/node/bus/kafka-client';
import { KafkaPublisher } from '../../common/node/bus/kafka-publisher';
import { KafkaSubscriber } from '../../common/node/bus/kafka-subscriber';
import { checkedEvent, decodeEvent } from '../../common/node/event';
import { event } from '../../map-server/test/helpers';
import { KAFKA_TEST_MS, uniqueTopic, until } from './services';

const brokers = inject('kafkaBrokers');
const POSTS = 600;

const closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of closing.splice(0).reverse()) await thing.close();
});

const lines: string[] = [];
const log: BusLog = { info: (m) => lines.push(m), warn: (m) => lines.push(`warn: ${m}`), error: (m) => lines.push(`error: ${m}`) };

type CodecFactory = () => { compress(encoder: unknown): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> };

/** Counts the calls kafkajs makes to the codec of `type` from now on. */
function countCalls(type: CompressionTypes): { compressed: number; decompressed: number } {
  installCodecs();
  const codecs = CompressionCodecs as Record<number, CodecFactory>;
  const counts = { compressed: 0, decompressed: 0 };
  const inner = codecs[type];
  codecs[type] = () => {
    const codec = inner();
    return {
      compress: (encoder) => ((counts.compressed += 1), codec.compress(encoder)),
      decompress: (buffer) => ((counts.decompressed += 1), codec.decompress(buffer)),
    };
  };
  return counts;
}

const written: Compression[] = ['gzip', 'snappy', 'lz4', ...(zstdWritable() ? (['zstd'] as const) : [])];
const require = createRequire(import.meta.url);
/** Loads packages as `require` does, except the native codecs, as where they have no binary. */
const withoutNative: Load = (name) => {
  if (name === 'snappy' || name === 'lz4-napi') throw new Error(`no native ${name} here`);
  return require(name);
};

async function roundTrip(compression: Compression): Promise<void> {
  const counts = countCalls(COMPRESSION_TYPES[compression]);
  const settings = {
    brokers: brokers!.split(','),
    topic: uniqueTopic(`compression-${compression}`),
    clientId: 'test-compression',
    partitions: 3,
    retentionHours: 48,
  };
  const publisher = KafkaPublisher.start({ ...settings, compression }, log);
  closing.push(publisher);
  const now = Date.now();
  const sent = Array.from({ length: POSTS }, (_, i) => ({
    key: `C${i % 9}`,
    event: checkedEvent(event({ tags: ['squeeze', `t${i % 13}`], ts: now })),
    timestamp: now,
  }));
  // Several sends, as the pipeline makes them: more than one batch per partition. A batch the broker refuses
  // would be retried for ever: a minute each is plenty.
  for (let i = 0; i < POSTS; i += 200) {
    await within(publisher.publish(sent.slice(i, i + 200)), 60_000, `publishing (log ${JSON.stringify(lines)})`);
  }
  expect(counts.compressed).toBeGreaterThan(0);

  const received: string[] = [];
  const idOf = (message: DeliveredMessage) => {
    const decoded = 'value' in message ? decodeEvent(message.value) : { ok: true as const, event: message.event };
    if (!decoded.ok) throw new Error(decoded.error);
    return decoded.event.id;
  };
  const subscriber = new KafkaSubscriber({ ...settings, rebuildMs: 86_400_000 }, log);
  closing.push(subscriber);
  await subscriber.start({ events: (messages) => received.push(...messages.map(idOf)), status: () => {} });
  await until(
    async () => (received.length >= POSTS ? true : undefined),
    () => `${POSTS} posts read back; ${received.length} so far; log ${JSON.stringify(lines)}`,
  );
  expect(received.sort()).toEqual(sent.map((m) => m.event.id).sort());
  expect(counts.decompressed).toBeGreaterThan(0);
}

describe.skipIf(brokers === null)('KAFKA_COMPRESSION on a real broker', { timeout: KAFKA_TEST_MS }, () => {
  it.each(written)('%s: written, taken by the broker, read back once each', roundTrip);

  it.each(['snappy', 'lz4'] as const)('%s with the JavaScript codecs: written, taken by the broker, read back once each', async (compression) => {
    const native = installCodecs();
    const javascript = { snappy: snappyCodec(withoutNative), lz4: lz4Codec(withoutNative), zstd: zstdCodec(withoutNative) };
    expect(javascript[compression].codec.name).toContain('(JavaScript)');
    registerCodecs(javascript);
    try {
      await roundTrip(compression);
    } finally {
      registerCodecs(native);
    }
  });

  it('none: written as it is, and no codec is called', async () => {
    const counted = written.map((compression) => countCalls(COMPRESSION_TYPES[compression]));
    const settings = {
      brokers: brokers!.split(','),
      topic: uniqueTopic('compression-none'),
      clientId: 'test-compression',
      partitions: 1,
      retentionHours: 48,
    };
    const publisher = KafkaPublisher.start({ ...settings, compression: 'none' }, log);
    closing.push(publisher);
    await publisher.publish([{ key: 'FR', event: checkedEvent(event({ tags: ['plain'] })), timestamp: Date.now() }]);
    expect(counted.every((c) => c.compressed === 0)).toBe(true);
  });
});
