/**
 * Where the map-server's Kafka subscriber starts reading each partition of the events topic: from the offsets
 * a save recorded (`BusPositions`), or, with no save, from the first message at or after (now - rebuildMs).
 * Pure: the subscriber (kafka-subscriber.ts) hands it what kafkajs reported, and logs what it decided.
 *
 * The rules, per partition (offsets are Kafka's: the n-th message of a partition has offset n - 1):
 * - Saved offset `r`, first offset by time `t`, first offset kept `low`, end of the log `high`: start at
 *   max(r, t, low). A save older than the rebuild window reads no post older than it; one within it reads
 *   exactly what came after it.
 * - r < low: retention deleted messages the save had not read yet. When t > low, the first message kept is
 *   already older than the window, so whatever was deleted was older still: nothing counted is missing.
 *   Otherwise up to (low - r) posts of the window are gone for good: `lost` says so, for a warning.
 * - A saved offset past the end of its partition (r > high), a saved partition the topic does not have, or a
 *   saved offset that is no offset: the save does not belong to this log (the topic was deleted and made
 *   again, or the save is another topic's). Then no saved offset is used, on any partition: a recreated
 *   topic numbers every partition afresh, and a saved offset that happens to be below the new end would
 *   skip the new topic's messages before it. Every partition starts from the time, as with no save.
 * - A partition the save does not have (added since) starts from the time.
 */
import type { BusPositions } from './bus';
import type { PartitionEnd, PartitionStart } from './partition-progress';

/** A partition's bounds, as kafkajs's `fetchTopicOffsets` gives them: the end (`high`), the first kept (`low`). */
export interface PartitionBounds extends PartitionEnd {
  low: string;
}

export interface StartPlan {
  /** Where to read each partition from. */
  starts: PartitionStart[];
  /** Partitions read from the save's offsets (empty: a rebuild from the time, as with no save). */
  resumed: number[];
  /** Partitions the save does not know (added since the save): read from the time. */
  added: number[];
  /** Partitions where retention deleted up to `messages` posts of the window after the save, before they were read. */
  lost: { partition: number; messages: number }[];
  /** Why the save's offsets were not used, naming the first partition at fault; null when used or absent. */
  mismatch: string | null;
}

/** A saved offset: a non-negative integer, as a string (kafkajs's shape). */
const OFFSET = /^(0|[1-9][0-9]*)$/;

/**
 * Plans the start of every partition in `bounds` (the topic's partitions now) from `byTime` (kafkajs's
 * `fetchTopicOffsetsByTimestamp`: the end of the log where no message is that recent, never -1) and the
 * save's `resume`. No save, or an empty one, is a rebuild from the time.
 */
export function startOffsets(
  byTime: readonly PartitionStart[],
  bounds: readonly PartitionBounds[],
  resume: BusPositions | null | undefined,
): StartPlan {
  const timeOf = new Map(byTime.map((p) => [p.partition, Number(p.offset)]));
  const fromTime = (p: PartitionBounds): PartitionStart => {
    const low = Number(p.low);
    // By time is never before the first offset kept, unless retention ran between the two requests.
    return { partition: p.partition, offset: String(Math.max(timeOf.get(p.partition) ?? Number(p.high), low)) };
  };
  const rebuild: StartPlan = { starts: bounds.map(fromTime), resumed: [], added: [], lost: [], mismatch: null };
  if (!resume || Object.keys(resume).length === 0) return rebuild;
  const mismatch = mismatchOf(bounds, resume);
  if (mismatch !== null) return { ...rebuild, mismatch };

  const plan: StartPlan = { starts: [], resumed: [], added: [], lost: [], mismatch: null };
  for (const p of bounds) {
    const saved = resume[String(p.partition)];
    if (saved === undefined) {
      plan.starts.push(fromTime(p));
      plan.added.push(p.partition);
      continue;
    }
    const r = Number(saved);
    const low = Number(p.low);
    const t = Number(fromTime(p).offset);
    if (r < low && t <= low) plan.lost.push({ partition: p.partition, messages: low - r });
    plan.starts.push({ partition: p.partition, offset: String(Math.max(r, t, low)) });
    plan.resumed.push(p.partition);
  }
  return plan;
}

/** Why `resume` cannot be this topic's: the first partition at fault, described; null when it can be. */
function mismatchOf(bounds: readonly PartitionBounds[], resume: BusPositions): string | null {
  const highOf = new Map(bounds.map((p) => [String(p.partition), Number(p.high)]));
  for (const [partition, saved] of Object.entries(resume)) {
    const high = highOf.get(partition);
    if (high === undefined)
      return `partition ${partition} is in the save, not in the topic (${bounds.length} partition${bounds.length === 1 ? '' : 's'})`;
    if (!OFFSET.test(saved)) return `partition ${partition}'s saved offset "${saved}" is not an offset`;
    if (Number(saved) > high) return `partition ${partition} was saved at offset ${saved}, past the end of its log (${high})`;
  }
  return null;
}
