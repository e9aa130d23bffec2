import { afterEach, describe, expect, it } from 'vitest';
import { SliceQueue } from './slice-queue';

/** The next turn of the event loop, after the queue's own `setImmediate`. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

const queues: SliceQueue[] = [];
afterEach(() => queues.splice(0).forEach((queue) => queue.clear()));

/** A queue of 10 ms slices on a clock that each item moves by `itemMs`. */
function queueOn(itemMs: number) {
  const clock = { ms: 0 };
  const queue = new SliceQueue(10, () => clock.ms);
  queues.push(queue);
  const ran: string[] = [];
  const each = (item: string) => {
    ran.push(item);
    clock.ms += itemMs;
  };
  return { queue, ran, each };
}

describe('SliceQueue', () => {
  it('runs the first slice at once and the rest a turn later, sliceMs at a time, and tells the job its busy time', async () => {
    const { queue, ran, each } = queueOn(4);
    const busy: number[] = [];
    queue.run(['a', 'b', 'c', 'd', 'e', 'f', 'g'], each, (ms) => busy.push(ms));
    expect(ran).toEqual(['a', 'b', 'c']); // 12 ms: past the slice after the third
    expect(queue.backlog).toBe(4);
    await turn();
    expect(ran).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(busy).toEqual([]);
    await turn();
    expect(ran.join('')).toBe('abcdefg');
    expect(busy).toEqual([28]); // 7 items of 4 ms, without the turns waited
    expect(queue.backlog).toBe(0);
  });

  it('gives all the jobs queued in one turn one slice between them, not one each', async () => {
    const { queue, ran, each } = queueOn(4);
    // A trends round queues a job a group; 20 groups of one session each, queued in one go.
    for (let group = 0; group < 20; group += 1) queue.run([`g${group}`], each);
    expect(ran).toEqual(['g0', 'g1', 'g2']); // 12 ms: the turn's slice is spent
    await turn();
    expect(ran).toHaveLength(6);
    // A job queued in a later turn, once the queue is idle, gets a slice of that turn at once.
    for (let i = 0; i < 6; i += 1) await turn();
    expect(ran).toHaveLength(20);
    await turn();
    queue.run(['late'], each);
    expect(ran.at(-1)).toBe('late');
  });

  it("counts an item's time in its job's busy time even when the item throws", async () => {
    const clock = { ms: 0 };
    const queue = new SliceQueue(10, () => clock.ms);
    queues.push(queue);
    const busy: number[] = [];
    const each = (item: string) => {
      clock.ms += 3;
      if (item === 'bad') throw new Error('a session that throws');
    };
    expect(() => queue.run(['a', 'bad', 'b'], each, (ms) => busy.push(ms))).toThrow('a session that throws');
    await turn();
    expect(busy).toEqual([9]);
  });

  it('keeps the order of jobs: one queued while another is unfinished runs after it', async () => {
    const { queue, ran, each } = queueOn(6);
    queue.run(['1a', '1b', '1c'], each);
    queue.run(['2a', '2b'], each);
    expect(ran).toEqual(['1a', '1b']);
    await turn();
    expect(ran).toEqual(['1a', '1b', '1c', '2a']);
    await turn();
    expect(ran).toEqual(['1a', '1b', '1c', '2a', '2b']);
  });

  it('runs a job queued from within a job after it, and forgets what is queued when cleared', async () => {
    const { queue, ran, each } = queueOn(6);
    queue.run(['a'], (item) => {
      each(item);
      queue.run(['inner'], each);
    });
    expect(ran).toEqual(['a', 'inner']);
    // This turn's slice is spent (12 ms): the next job waits for a turn, and a clear forgets it.
    queue.run(['b', 'c', 'd'], each);
    expect(queue.backlog).toBe(3);
    queue.clear();
    await turn();
    await turn();
    expect(ran).toEqual(['a', 'inner']);
  });
});
