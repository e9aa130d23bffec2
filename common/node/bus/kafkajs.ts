/**
 * kafkajs, as every module of ours takes it: loaded only after its producers' message grouping is replaced
 * by a linear one (`kafkajs-grouping.ts`). A static `import … from 'kafkajs'` would not do: the server bundle
 * hoists imports of packages above our own code, so kafkajs would load first. Types may still come from
 * 'kafkajs' itself (`import type`); values come from here (a lint rule says so).
 */
import { createRequire } from 'node:module';
import type * as KafkaJs from 'kafkajs';
import { installGrouping } from './kafkajs-grouping';

/** Whether this process's kafkajs producers group messages with the linear function. */
export const kafkajsGroupingFixed = installGrouping();

const kafkajs = createRequire(import.meta.url)('kafkajs') as typeof KafkaJs;

export const { Kafka, Partitioners, CompressionTypes, CompressionCodecs, logLevel } = kafkajs;
export type Kafka = KafkaJs.Kafka;
export type CompressionTypes = KafkaJs.CompressionTypes;
export type logLevel = KafkaJs.logLevel;
