import { describe, expect, it } from 'vitest';
import { MAX_PRODUCERS, ProducerStatuses } from './producer-statuses';
import { producerStatus } from '../test/helpers';

describe('ProducerStatuses', () => {
  it('keeps the newest status per producer and lists them newest first, with their age', () => {
    const statuses = new ProducerStatuses('a');
    statuses.record(producerStatus({ producer: 'a', at: 1_000, read: 1 }));
    statuses.record(producerStatus({ producer: 'b', at: 2_000 }));
    statuses.record(producerStatus({ producer: 'a', at: 3_000, read: 2 }));
    statuses.record(producerStatus({ producer: 'a', at: 500, read: 0 })); // late: ignored
    expect(statuses.list(4_000).map((s) => [s.producer, s.read, s.ageMs])).toEqual([
      ['a', 2, 1_000],
      ['b', 0, 2_000],
    ]);
    // A producer's clock ahead of this one's is no negative age.
    expect(statuses.list(0).map((s) => s.ageMs)).toEqual([0, 0]);
    expect(statuses.own()?.read).toBe(2);
  });

  it("gives the own producer's counts, {} before it is heard, and none without one", () => {
    const own = new ProducerStatuses('a');
    expect([own.ownSkips(), own.ownDroppedTags()]).toEqual([{}, {}]);
    own.record(producerStatus({ producer: 'a', skipped: { not_json: 1 }, droppedTags: { tag_too_long: 2 } }));
    expect([own.ownSkips(), own.ownDroppedTags()]).toEqual([{ not_json: 1 }, { tag_too_long: 2 }]);
    const none = new ProducerStatuses(null);
    none.record(producerStatus({ producer: 'a', skipped: { not_json: 1 } }));
    expect([none.ownSkips(), none.ownDroppedTags(), none.own()]).toEqual([{}, undefined, undefined]);
  });

  it(`remembers at most ${MAX_PRODUCERS} producers, forgetting the one heard from least recently`, () => {
    const statuses = new ProducerStatuses(null);
    for (let i = 0; i <= MAX_PRODUCERS; i += 1) statuses.record(producerStatus({ producer: `p${i}`, at: i }));
    const listed = statuses.list(1_000).map((s) => s.producer);
    expect(listed).toHaveLength(MAX_PRODUCERS);
    expect(listed).not.toContain('p0');
  });
});
