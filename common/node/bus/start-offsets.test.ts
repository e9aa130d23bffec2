import { describe, expect, it } from 'vitest';
import { startOffsets, type PartitionBounds } from './start-offsets';

/** kafkajs's `fetchTopicOffsetsByTimestamp`: per partition, the first offset at or after the time. */
const byTime = (...offsets: number[]) => offsets.map((offset, partition) => ({ partition, offset: String(offset) }));
/** kafkajs's `fetchTopicOffsets`: per partition, [first offset kept, end of the log]. */
const bounds = (...lowHigh: [number, number][]): PartitionBounds[] =>
  lowHigh.map(([low, high], partition) => ({ partition, low: String(low), high: String(high) }));
const offsets = (plan: { starts: { offset: string }[] }) => plan.starts.map((s) => Number(s.offset));

describe('startOffsets: with no save', () => {
  it('reads every partition from the first offset at or after the time', () => {
    for (const resume of [null, undefined, {}]) {
      const plan = startOffsets(byTime(40, 7), bounds([0, 100], [0, 7]), resume);
      expect(plan).toEqual({ starts: byTime(40, 7), resumed: [], added: [], lost: [], mismatch: null });
    }
  });

  it('never before the first offset kept, nor past the end where the time finds no partition', () => {
    // Retention ran between the two requests (by time 3, first kept now 5); partition 1 missing from by-time.
    expect(offsets(startOffsets(byTime(3), bounds([5, 9], [2, 6]), null))).toEqual([5, 6]);
  });
});

describe('startOffsets: from a save', () => {
  it('reads each partition from its saved offset when the save is within the window', () => {
    const plan = startOffsets(byTime(40, 7), bounds([0, 100], [0, 60]), { 0: '90', 1: '55' });
    expect(offsets(plan)).toEqual([90, 55]);
    expect(plan).toMatchObject({ resumed: [0, 1], added: [], lost: [], mismatch: null });
  });

  it('reads from the saved offset at the very end: nothing to catch up on', () => {
    expect(offsets(startOffsets(byTime(40), bounds([0, 100]), { 0: '100' }))).toEqual([100]);
  });

  it('reads no post older than the window from a save older than it', () => {
    // The save read up to 10 and 20; the window now starts at 40 and 25.
    const plan = startOffsets(byTime(40, 25), bounds([0, 100], [0, 60]), { 0: '10', 1: '20' });
    expect(offsets(plan)).toEqual([40, 25]);
    expect(plan).toMatchObject({ resumed: [0, 1], lost: [], mismatch: null });
  });

  it('reads from the first offset kept where retention deleted messages the save had not read, saying up to how many', () => {
    // Partition 0: deleted up to 30 and the first kept is already in the window (by time 30): up to 30 - 12 lost.
    // Partition 1: deleted up to 30, but the first kept is older than the window (by time 45): nothing counted is lost.
    const plan = startOffsets(byTime(30, 45), bounds([30, 100], [30, 100]), { 0: '12', 1: '12' });
    expect(offsets(plan)).toEqual([30, 45]);
    expect(plan).toMatchObject({ resumed: [0, 1], lost: [{ partition: 0, messages: 18 }], mismatch: null });
  });

  it('says what was lost on a partition retention emptied', () => {
    const plan = startOffsets(byTime(50), bounds([50, 50]), { 0: '20' });
    expect(offsets(plan)).toEqual([50]);
    expect(plan.lost).toEqual([{ partition: 0, messages: 30 }]);
  });

  it('reads a partition added since the save from the time', () => {
    const plan = startOffsets(byTime(40, 7, 3), bounds([0, 100], [0, 60], [0, 9]), { 0: '90', 1: '55' });
    expect(offsets(plan)).toEqual([90, 55, 3]);
    expect(plan).toMatchObject({ resumed: [0, 1], added: [2], lost: [], mismatch: null });
  });
});

describe('startOffsets: a save that does not belong to this log', () => {
  it('uses no saved offset, on any partition, when one is past the end of its partition', () => {
    // Partition 1's saved 55 is below its new end: a recreated topic, read from there, would skip 7..55.
    const plan = startOffsets(byTime(0, 7), bounds([0, 12], [0, 60]), { 0: '90', 1: '55' });
    expect(offsets(plan)).toEqual([0, 7]);
    expect(plan).toMatchObject({ resumed: [], added: [], lost: [] });
    expect(plan.mismatch).toBe('partition 0 was saved at offset 90, past the end of its log (12)');
  });

  it('uses none when the save has a partition the topic does not have', () => {
    const plan = startOffsets(byTime(4), bounds([0, 12]), { 0: '5', 1: '5' });
    expect(offsets(plan)).toEqual([4]);
    expect(plan.resumed).toEqual([]);
    expect(plan.mismatch).toBe('partition 1 is in the save, not in the topic (1 partition)');
  });

  it('uses none when a saved offset is no offset', () => {
    for (const bad of ['-1', 'x', '1.5', '']) {
      const plan = startOffsets(byTime(4), bounds([0, 12]), { 0: bad });
      expect(offsets(plan)).toEqual([4]);
      expect(plan.mismatch).toMatch(/is not an offset/);
    }
  });
});
