import { describe, expect, it } from 'vitest';
import { PartitionProgress } from './partition-progress';

const start = (...offsets: number[]) => offsets.map((offset, partition) => ({ partition, offset: String(offset) }));
const ends = (...highs: number[]) => highs.map((high, partition) => ({ partition, high: String(high) }));

describe('PartitionProgress: the rebuild', () => {
  it('is rebuilding before it knows where to start, with no lag to report', () => {
    const progress = new PartitionProgress();
    expect(progress.rebuilding()).toBe(true);
    expect(progress.lag()).toEqual({});
  });

  it('counts the messages to rebuild from, between the start offsets and the end offsets now', () => {
    expect(new PartitionProgress().startRebuild(start(10, 5, 0), ends(20, 5, 7))).toBe(10 + 0 + 7);
    // A partition with no start offset (kafkajs gives one for each) has nothing counted.
    expect(new PartitionProgress().startRebuild(start(10), ends(20, 5))).toBe(10);
  });

  it('is over when every partition has read up to its end offset at start, not before', () => {
    const progress = new PartitionProgress();
    progress.startRebuild(start(10, 3), ends(20, 5));
    progress.consumed(0, '19'); // the next read on 0 is 20: caught up
    expect(progress.rebuilding()).toBe(true); // 1 is still at 3 of 5
    progress.consumed(1, '3');
    expect(progress.rebuilding()).toBe(true);
    progress.consumed(1, '4');
    expect(progress.rebuilding()).toBe(false);
  });

  it('stays over once over, though new messages arrive faster than they are read', () => {
    const progress = new PartitionProgress();
    progress.startRebuild(start(0), ends(2));
    progress.consumed(0, '1');
    expect(progress.rebuilding()).toBe(false);
    progress.endOffset(0, '500');
    expect(progress.rebuilding()).toBe(false);
  });

  it('is over at once for a topic with nothing in the window', () => {
    const progress = new PartitionProgress();
    expect(progress.startRebuild(start(7, 0), ends(7, 0))).toBe(0);
    expect(progress.rebuilding()).toBe(false);
  });

  it('starts over on the next connection attempt, to the end offsets seen then', () => {
    const progress = new PartitionProgress();
    progress.startRebuild(start(0), ends(4));
    progress.consumed(0, '1');
    expect(progress.startRebuild(start(0), ends(6))).toBe(6);
    progress.consumed(0, '3');
    expect(progress.rebuilding()).toBe(true);
    progress.consumed(0, '5');
    expect(progress.rebuilding()).toBe(false);
  });
});

describe('PartitionProgress: lag', () => {
  it('is, per partition, the messages written and not read yet', () => {
    const progress = new PartitionProgress();
    progress.startRebuild(start(10, 0), ends(20, 5));
    expect(progress.lag()).toEqual({ 0: 10, 1: 5 });
    progress.consumed(0, '14');
    progress.endOffset(1, '9'); // a fetch or a poll saw more written
    expect(progress.lag()).toEqual({ 0: 5, 1: 9 });
  });

  it('is never negative, and zero for a partition not read yet', () => {
    const progress = new PartitionProgress();
    progress.endOffset(0, '3'); // an end-offsets poll before the rebuild knew where to start
    progress.startRebuild(start(), ends());
    progress.consumed(1, '9'); // read past an end offset that is stale
    progress.endOffset(1, '8');
    expect(progress.lag()).toEqual({ 0: 0, 1: 0 });
  });
});

describe('PartitionProgress: positions', () => {
  it('are null before the start offsets are known', () => {
    expect(new PartitionProgress().positions()).toBeNull();
  });

  it('are the start offsets, then after each batch handed on the offset after its last message', () => {
    const progress = new PartitionProgress();
    progress.startRebuild(start(10, 0), ends(20, 5));
    expect(progress.positions()).toEqual({ 0: '10', 1: '0' });
    progress.consumed(0, '14');
    progress.endOffset(1, '9'); // the end of the log moving is no reading
    expect(progress.positions()).toEqual({ 0: '15', 1: '0' });
  });
});
