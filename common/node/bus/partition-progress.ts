/**
 * How far the map-server's Kafka subscriber has read, per partition: the next offset it will read, the end of
 * the log (the high watermark), and while it rebuilds the windows, the end offsets it saw at start. Pure: the
 * subscriber (kafka-subscriber.ts) feeds it what kafkajs reports; it answers the health's `lag` and
 * `rebuilding`, and the positions a save records. Offsets are Kafka's, strings from kafkajs, numbers here (a
 * partition of this product never nears 2^53 messages).
 */

/** Where reading starts on a partition: the first offset at or after (now - rebuildMs), or a save's (start-offsets.ts). */
export interface PartitionStart {
  partition: number;
  offset: string;
}

/** The end of a partition's log: the offset the next message written will get. */
export interface PartitionEnd {
  partition: number;
  high: string;
}

export class PartitionProgress {
  /** Next offset to read, per partition. */
  private readonly position = new Map<number, number>();
  /** End of the log, per partition, as last seen. */
  private readonly high = new Map<number, number>();
  /** End offsets at start: the rebuild is over when every partition has reached its own. Null: not started. */
  private rebuildTarget: Map<number, number> | null = null;

  /**
   * A rebuild reads from `from` up to the `ends` seen now (again on each connection attempt). Returns how
   * many messages that is, for the log.
   */
  startRebuild(from: readonly PartitionStart[], ends: readonly PartitionEnd[]): number {
    this.rebuildTarget = new Map(ends.map((p) => [p.partition, Number(p.high)]));
    for (const p of ends) this.high.set(p.partition, Number(p.high));
    for (const p of from) this.position.set(p.partition, Number(p.offset));
    return [...this.rebuildTarget].reduce((n, [p, end]) => n + end - (this.position.get(p) ?? end), 0);
  }

  /**
   * The next offset to read, per partition (as a string key and a kafkajs offset string): what a save records
   * to resume from. Null before the start offsets are known.
   */
  positions(): Record<string, string> | null {
    if (this.rebuildTarget === null) return null;
    const positions: Record<string, string> = {};
    for (const [partition, offset] of this.position) positions[partition] = String(offset);
    return positions;
  }

  /** A batch up to `lastOffset` was handed on: the next read on `partition` is the offset after it. */
  consumed(partition: number, lastOffset: string): void {
    this.position.set(partition, Number(lastOffset) + 1);
  }

  /** The end of `partition`'s log as a fetch or an end-offsets poll reported it. */
  endOffset(partition: number, high: string): void {
    this.high.set(partition, Number(high));
  }

  /** Messages written but not read yet, per partition (a partition not read yet counts as caught up). */
  lag(): Record<string, number> {
    const lag: Record<string, number> = {};
    for (const [partition, high] of this.high) lag[partition] = Math.max(0, high - (this.position.get(partition) ?? high));
    return lag;
  }

  /** True until the rebuild started and every partition has reached its end offset at start; then false for good. */
  rebuilding(): boolean {
    if (this.rebuildTarget === null) return true;
    for (const [partition, end] of this.rebuildTarget) {
      if ((this.position.get(partition) ?? 0) < end) return true;
    }
    this.rebuildTarget = new Map(); // done for good
    return false;
  }
}
