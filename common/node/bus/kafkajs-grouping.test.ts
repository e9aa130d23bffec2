import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { compileFunction } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { groupMessagesPerPartition, KAFKAJS_GROUPING_PATH } from './kafkajs-grouping';
import { Partitioners } from './kafkajs';
import type { Message, PartitionerArgs } from 'kafkajs';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../../..', import.meta.url));

/** kafkajs's own function, read from its file (the module cache may hold ours under its path). */
function kafkajsOwn(): typeof groupMessagesPerPartition {
  const module = { exports: {} as unknown };
  compileFunction(readFileSync(KAFKAJS_GROUPING_PATH, 'utf8'), ['module', 'exports', 'require'])(module, module.exports, require);
  return module.exports as typeof groupMessagesPerPartition;
}

/** Runs `code` (an ES module) in a fresh Node with tsx, from the repository's root: what it printed. */
function inFreshNode(code: string): string {
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
}

describe("kafkajs's message grouping, in linear time", () => {
  it("gives kafkajs's own answer: the same partitions, each with its messages in the order given", () => {
    const own = kafkajsOwn();
    // kafkajs's default partitioner for keyed messages (murmur2 of the key), a message's own partition when it
    // names one, and one from its value otherwise: deterministic, so that both functions can be given the same.
    const keyed = Partitioners.DefaultPartitioner();
    const partitioner = (args: PartitionerArgs) =>
      args.message.partition ?? (args.message.key ? keyed(args) : Number(args.message.value) % args.partitionMetadata.length);
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round += 1) {
      const partitions = Math.floor(random() * 8);
      const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
        partitionId,
        leader: 1,
        replicas: [1],
        isr: [1],
        partitionErrorCode: 0,
      }));
      const messages: Message[] = Array.from({ length: Math.floor(random() * 300) }, (_, i) => ({
        // Keyed by country as trendmap's are, or not keyed, or pinned to a partition.
        key: random() < 0.8 ? ['US', 'GB', 'FR', 'JP', 'BR'][Math.floor(random() * 5)] : null,
        partition: random() < 0.1 && partitions > 0 ? Math.floor(random() * partitions) : undefined,
        value: String(i),
      }));
      const args = { topic: 'geo-hashtags', partitionMetadata, messages, partitioner };
      const expected = own(args);
      if (partitions > 0 && messages.length > 0) expect(Object.keys(expected).length).toBeGreaterThan(0);
      expect(groupMessagesPerPartition(args)).toEqual(expected);
    }
  });

  it("is what kafkajs's producers use once kafkajs is loaded through our module", () => {
    const out = inFreshNode(`
      import { createRequire } from 'node:module';
      const { kafkajsGroupingFixed } = await import('./common/node/bus/kafkajs.ts');
      const { groupMessagesPerPartition } = await import('./common/node/bus/kafkajs-grouping.ts');
      const require = createRequire(process.cwd() + '/');
      const sendMessages = require.cache[require.resolve('kafkajs/src/producer/sendMessages.js')];
      const took = sendMessages.children.find((child) => child.filename.endsWith('groupMessagesPerPartition.js'));
      console.log(JSON.stringify({ fixed: kafkajsGroupingFixed, took: took.exports === groupMessagesPerPartition }));
    `);
    expect(JSON.parse(out)).toEqual({ fixed: true, took: true });
  });

  it('says so, and changes nothing, when kafkajs was loaded before', () => {
    const out = inFreshNode(`
      import { createRequire } from 'node:module';
      const warnings = [];
      process.on('warning', (warning) => warnings.push(warning.code));
      createRequire(process.cwd() + '/')('kafkajs');
      const { kafkajsGroupingFixed } = await import('./common/node/bus/kafkajs.ts');
      await new Promise((resolve) => setImmediate(resolve));
      console.log(JSON.stringify({ fixed: kafkajsGroupingFixed, warnings }));
    `);
    expect(JSON.parse(out)).toEqual({ fixed: false, warnings: ['TRENDMAP_KAFKAJS_GROUPING'] });
  });
});
