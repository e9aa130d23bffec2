/**
 * The compressions a producer may write its Kafka batches with (`KAFKA_COMPRESSION`), apart from the codecs
 * themselves (kafka-codecs.ts), so that the configuration can check a choice without loading kafkajs.
 */
import zlib from 'node:zlib';

/** The values of `KAFKA_COMPRESSION`. */
export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** `KAFKA_COMPRESSION`'s default, measured against the others with `npm run bench -- kafka` (README). */
export const DEFAULT_COMPRESSION: Compression = 'snappy';

/** Whether this Node can write zstd: its `zlib` has zstd from Node 22.15 (and 23.8). */
export const zstdWritable = (): boolean => typeof (zlib as { zstdCompress?: unknown }).zstdCompress === 'function';
