/**
 * kafkajs 2.2.4 sorts a send's messages by partition with `[...current, message]` for every message
 * (`src/producer/groupMessagesPerPartition.js`): a partition's list is copied once per message added, so a
 * send of n messages to few partitions allocates about n²/(2 × partitions) slots. Our sends hold up to
 * `MAX_HELD` (2,048) posts and more, mostly of a few countries: profiling the producer replaying an archive
 * into Kafka, that function was 10 % of its CPU, and its garbage a good part of the collector's 20 %. The fix
 * is upstream (tulios/kafkajs#1576, linear) but unreleased: kafkajs has had no release since 2.2.4.
 *
 * `installGrouping` puts the linear function below in Node's module cache under the path of kafkajs's own,
 * so that kafkajs's `sendMessages.js` gets it when it loads; `kafkajs.ts` calls it before it loads kafkajs.
 * Same contract, same result (tested against kafkajs's own function): one list of messages a partition, in
 * the order given, under the partition the partitioner names.
 */
import Module, { createRequire } from 'node:module';
import type { Message, PartitionerArgs } from 'kafkajs';

interface Grouping {
  topic: string;
  partitionMetadata: PartitionerArgs['partitionMetadata'];
  messages: readonly Message[];
  partitioner: (args: PartitionerArgs) => number;
}

/** kafkajs's `groupMessagesPerPartition`, in linear time. */
export function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: Grouping): Record<number, Message[]> {
  if (partitionMetadata.length === 0) return {};
  const result: Record<number, Message[]> = {};
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (result[partition] ??= []).push(message);
  }
  return result;
}

const require = createRequire(import.meta.url);
/** Where kafkajs's own function lives, and the module that takes it when it loads. */
export const KAFKAJS_GROUPING_PATH = require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js');
const SEND_MESSAGES_PATH = require.resolve('kafkajs/src/producer/sendMessages.js');

/**
 * Puts the linear grouping in kafkajs's place, unless kafkajs is already loaded (then says so, once: its
 * producers keep the quadratic one, correct but slower). Whether kafkajs's producers of this process group
 * with the linear function.
 */
export function installGrouping(): boolean {
  const cache = require.cache;
  if (cache[KAFKAJS_GROUPING_PATH]?.exports === groupMessagesPerPartition) return true;
  if (cache[SEND_MESSAGES_PATH] !== undefined) {
    process.emitWarning('kafkajs was loaded before trendmap could replace its quadratic message grouping', { code: 'TRENDMAP_KAFKAJS_GROUPING' });
    return false;
  }
  const module = new Module(KAFKAJS_GROUPING_PATH);
  module.filename = KAFKAJS_GROUPING_PATH;
  module.loaded = true;
  module.exports = groupMessagesPerPartition;
  cache[KAFKAJS_GROUPING_PATH] = module;
  return true;
}
