import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HOUR_MS, IDLE_MS, LATE_MINUTES, OpenHours, type ClosedHour } from './open-hours';

const H = 400_000;
const LATE_MS = LATE_MINUTES * 60_000;
/** The first ms after hour H + `n`. */
const endOf = (n: number) => (H + n + 1) * HOUR_MS;

/** Closed hours as plain data: part, hour, and per region its posts and tags. */
function plain(closed: ClosedHour[]) {
  return closed.map(({ seq, hour, regions }) => ({
    seq,
    hour,
    regions: Object.fromEntries([...regions].map(([region, tally]) => [region, { posts: tally.posts, tags: Object.fromEntries(tally.tags) }])),
  }));
}

/** Open hours with one post in hour H, arrived at `arrivalMs`. */
function oneHour(arrivalMs = 0): OpenHours {
  const open = new OpenHours();
  open.add(H * HOUR_MS + 5, ['world', 'FR'], ['a', 'b'], ['a', 'b'], arrivalMs);
  return open;
}

describe('open hours', () => {
  it('counts posts per hour, region and tag key', () => {
    const open = oneHour();
    open.add(H * HOUR_MS + 9, ['world'], ['a'], ['a'], 1);
    open.add((H + 1) * HOUR_MS, ['world'], ['c'], ['c'], 2);
    expect(plain(open.close(endOf(5), 1e12, true))).toEqual([
      { seq: 0, hour: H, regions: { world: { posts: 2, tags: { a: 2, b: 1 } }, FR: { posts: 1, tags: { a: 1, b: 1 } } } },
      { seq: 1, hour: H + 1, regions: { world: { posts: 1, tags: { c: 1 } } } },
    ]);
  });

  it('closes an hour once the windows end LATE_MINUTES past it, not a ms before', () => {
    const idle = 1_000_000;
    expect(oneHour().close(endOf(0) + LATE_MS - 1, idle)).toEqual([]);
    expect(
      oneHour()
        .close(endOf(0) + LATE_MS, idle)
        .map((c) => c.hour),
    ).toEqual([H]);
  });

  it('closes an hour once no post landed in it for IDLE_MS of arrival time, not a ms before', () => {
    const end = endOf(3);
    expect(oneHour(50_000).close(end, 50_000 + IDLE_MS - 1)).toEqual([]);
    expect(
      oneHour(50_000)
        .close(end, 50_000 + IDLE_MS)
        .map((c) => c.hour),
    ).toEqual([H]);
    // A later post into the hour restarts its idle time.
    const open = oneHour(50_000);
    open.add(H * HOUR_MS, ['world'], ['a'], ['a'], 60_000);
    expect(open.close(end, 50_000 + IDLE_MS)).toEqual([]);
    expect(open.close(end, 60_000 + IDLE_MS)).toHaveLength(1);
  });

  it('closes every hour but the current one when forced, idle or not', () => {
    const open = new OpenHours();
    for (const n of [0, 1, 2]) open.add((H + n) * HOUR_MS, ['world'], ['a'], ['a'], 9);
    expect(open.close((H + 2) * HOUR_MS + 1, 9, true).map((c) => [c.seq, c.hour])).toEqual([
      [0, H],
      [1, H + 1],
    ]);
    expect(open.oldestHour).toBe(H + 2);
  });

  it('opens a closed hour again for a late post, as a new part with the next number', () => {
    const open = oneHour();
    const versionBefore = open.version;
    expect(open.close(endOf(1), 1e9).map((c) => c.seq)).toEqual([0]);
    expect(open.version).toBeGreaterThan(versionBefore);
    expect(open.oldestHour).toBeNull();
    open.add(H * HOUR_MS + 7, ['world'], ['z'], ['z'], 2e9);
    expect(open.nextSeq).toBe(1);
    expect(plain(open.close(endOf(1), 3e9))).toEqual([{ seq: 1, hour: H, regions: { world: { posts: 1, tags: { z: 1 } } } }]);
    expect(open.nextSeq).toBe(2);
  });

  it('closes alike after a snapshot and restore', () => {
    const posts = fc.array(
      fc.record({
        hour: fc.integer({ min: 0, max: 4 }),
        regions: fc.subarray(['world', 'FR', 'c6/1/2'], { minLength: 1 }),
        keys: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 3 }),
        arrival: fc.integer({ min: 0, max: 20_000 }),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(posts, fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 30_000 }), fc.boolean(), (list, endHour, now, force) => {
        const open = new OpenHours();
        open.resume(7, null);
        for (const p of list) open.add((H + p.hour) * HOUR_MS + 1, p.regions, p.keys, p.keys, p.arrival);
        const copy = OpenHours.restore(structuredClone(open.snapshot()));
        expect(copy.nextSeq).toBe(open.nextSeq);
        const endMs = (H + endHour) * HOUR_MS + LATE_MS;
        expect(plain(copy.close(endMs, now, force))).toEqual(plain(open.close(endMs, now, force)));
        expect(plain(copy.close(endMs + 10 * HOUR_MS, 1e9, true))).toEqual(plain(open.close(endMs + 10 * HOUR_MS, 1e9, true)));
      }),
    );
  });

  it('reads as if every post had gone straight into its Maps, in the order first counted, whenever it is read', () => {
    // A post, or a read between posts: the Maps are brought up to date at each read (issue 14's pending counts).
    const step = fc.oneof(
      fc.record({
        hour: fc.integer({ min: 0, max: 2 }),
        regions: fc.subarray(['world', 'FR', 'DE', 'c6/1/2', 'c6/3/4']),
        keys: fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 3 }),
        spelling: fc.constantFrom('', '!'),
      }),
      fc.constantFrom('forEachOpen' as const, 'snapshot' as const, 'giveBack' as const),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const open = new OpenHours();
        // The model: per hour, regions and displays as Maps, every post counted into them at once.
        const model = new Map<number, { regions: Map<string, { posts: number; tags: Map<string, number> }>; displays: Map<string, string> }>();
        const read = (hours: OpenHours) => {
          const seen: unknown[] = [];
          hours.forEachOpen((hour, regions, displays) =>
            seen.push([hour, [...regions].map(([region, tally]) => [region, tally.posts, [...tally.tags]]), [...displays]]),
          );
          return seen;
        };
        const modelRead = () =>
          [...model.keys()]
            .sort((a, b) => a - b)
            .map((hour) => {
              const { regions, displays } = model.get(hour)!;
              return [hour, [...regions].map(([region, tally]) => [region, tally.posts, [...tally.tags]]), [...displays]];
            });
        for (const s of steps) {
          if (s === 'forEachOpen') expect(read(open)).toEqual(modelRead());
          else if (s === 'snapshot') expect(read(OpenHours.restore(open.snapshot()))).toEqual(modelRead());
          else if (s === 'giveBack') {
            // Closed and handed back at once: the same counts, held open again.
            open.giveBack(open.close((H + 9) * HOUR_MS, 1e12, true));
            expect(read(open)).toEqual(modelRead());
          } else {
            const displays = s.keys.map((key) => key.toUpperCase() + s.spelling);
            open.add((H + s.hour) * HOUR_MS + 1, s.regions, s.keys, displays, 0);
            let hour = model.get(H + s.hour);
            if (hour === undefined) model.set(H + s.hour, (hour = { regions: new Map(), displays: new Map() }));
            s.keys.forEach((key, i) => {
              if (!hour.displays.has(key)) hour.displays.set(key, displays[i]);
            });
            for (const region of s.regions) {
              let tally = hour.regions.get(region);
              if (tally === undefined) hour.regions.set(region, (tally = { posts: 0, tags: new Map() }));
              tally.posts += 1;
              for (const key of s.keys) tally.tags.set(key, (tally.tags.get(key) ?? 0) + 1);
            }
          }
        }
        expect(read(open)).toEqual(modelRead());
      }),
    );
  });

  it('keeps its floor through a snapshot', () => {
    const open = new OpenHours();
    open.resume(3, H + 1);
    const copy = OpenHours.restore(open.snapshot());
    copy.add(H * HOUR_MS, ['world'], ['a'], ['a'], 0);
    expect(copy.oldestHour).toBeNull();
    copy.add((H + 1) * HOUR_MS, ['world'], ['a'], ['a'], 0);
    expect(copy.close(endOf(5), 1e9).map((c) => [c.seq, c.hour])).toEqual([[3, H + 1]]);
  });

  it('refuses a damaged snapshot with a RangeError naming the field', () => {
    const open = oneHour();
    open.add((H + 1) * HOUR_MS, ['world'], ['c'], ['c'], 0);
    const good = open.snapshot();
    const refused = (change: Record<string, unknown>) => () => OpenHours.restore({ ...good, ...change });
    expect(() => OpenHours.restore(null)).toThrow(new RangeError('history: expected an object, got null'));
    expect(refused({ hours: [H, H + 1] })).toThrow(new RangeError('history.hours: expected a Float64Array, got Array'));
    expect(refused({ touchedMs: new Float64Array(1) })).toThrow(new RangeError('history.touchedMs: expected 2 entries, got 1'));
    expect(refused({ regionCounts: Uint32Array.of(2, 2) })).toThrow(/^history\.regionCounts: add up to 4 entries/);
    expect(refused({ regions: ['world', 'FR', 3] })).toThrow(new RangeError('history.regions[2]: expected a string, got number'));
    expect(refused({ posts: new Float64Array(2) })).toThrow(new RangeError('history.posts: expected 3 entries, got 2'));
    expect(refused({ tagCounts: Uint32Array.of(1, 1, 1) })).toThrow(/^history\.tagCounts: add up to 3 entries/);
    expect(refused({ keys: 'a' })).toThrow(/^history\.keys: expected an array of strings/);
    expect(refused({ counts: new Float64Array(1) })).toThrow(new RangeError('history.counts: expected 5 entries, got 1'));
    expect(refused({ seq: 1.5 })).toThrow(new RangeError('history.seq: expected an integer, got 1.5'));
    expect(refused({ floorHour: 'x' })).toThrow(new RangeError('history.floorHour: expected an integer, got string'));
    expect(refused({ hours: Float64Array.of(H, H) })).toThrow(new RangeError(`history.hours: holds ${H} twice or not as a whole hour`));
    expect(refused({ hours: Float64Array.of(H, H + 0.5) })).toThrow(/^history\.hours: holds/);
  });

  it('numbers parts from the seq it resumes at and counts nothing before countFrom', () => {
    const open = new OpenHours();
    open.resume(41, H + 2);
    open.add((H + 1) * HOUR_MS + HOUR_MS - 1, ['world'], ['old'], ['old'], 0);
    expect(open.oldestHour).toBeNull();
    const version = open.version;
    open.add((H + 2) * HOUR_MS, ['world'], ['new'], ['new'], 0);
    open.add((H + 3) * HOUR_MS, ['world'], ['new'], ['new'], 0);
    expect(open.version).toBe(version + 2);
    expect(plain(open.close(endOf(3) + LATE_MS, 1e9))).toEqual([
      { seq: 41, hour: H + 2, regions: { world: { posts: 1, tags: { new: 1 } } } },
      { seq: 42, hour: H + 3, regions: { world: { posts: 1, tags: { new: 1 } } } },
    ]);
    open.resume(50, null);
    open.add(0, ['world'], ['any'], ['any'], 0);
    expect(open.close(endOf(9), 1e9).map((c) => [c.seq, c.hour])).toEqual([[50, 0]]);
  });

  it('lets go of the open hours before countFrom when it resumes (history the others shared while it counted)', () => {
    const open = new OpenHours();
    for (const hour of [H, H + 1, H + 2]) open.add(hour * HOUR_MS, ['world'], ['a'], ['a'], 0);
    const version = open.version;
    open.resume(9, H + 2);
    expect(open.version).toBeGreaterThan(version);
    expect([open.oldestHour, open.openCount]).toEqual([H + 2, 1]);
    const kept = open.version;
    open.resume(9, H + 2);
    expect(open.version).toBe(kept);
    // A floor raised only rises: a lower one is ignored, a higher one lets go of what is below it.
    open.add((H + 3) * HOUR_MS, ['world'], ['b'], ['b'], 0);
    open.raiseFloor(H);
    open.add((H + 1) * HOUR_MS, ['world'], ['a'], ['a'], 0);
    expect([open.oldestHour, open.openCount]).toEqual([H + 2, 2]);
    open.raiseFloor(H + 3);
    expect([open.oldestHour, open.openCount]).toEqual([H + 3, 1]);
    open.resume(9, H + 2);
    expect(plain(open.close(endOf(5), 1e9))).toEqual([{ seq: 9, hour: H + 3, regions: { world: { posts: 1, tags: { b: 1 } } } }]);
  });
  it('holds hours handed back open again, counts added to a post that came meanwhile, closed under a new number', () => {
    const open = new OpenHours();
    open.add(H * HOUR_MS, ['world', 'FR'], ['a'], ['A'], 0);
    const closed = open.close(endOf(5), 1e9);
    expect(closed.map((c) => c.seq)).toEqual([0]);
    open.add(H * HOUR_MS + 1, ['world'], ['b'], ['B'], 1e9);
    open.giveBack(closed);
    const copy = OpenHours.restore(structuredClone(open.snapshot()));
    for (const hours of [open, copy]) {
      const [again] = hours.close(endOf(5), 2e9);
      expect(again.seq).toBe(1);
      expect(plain([again])).toEqual([{ seq: 1, hour: H, regions: { world: { posts: 2, tags: { a: 1, b: 1 } }, FR: { posts: 1, tags: { a: 1 } } } }]);
      expect(Object.fromEntries(again.displays)).toEqual({ a: 'A', b: 'B' });
    }
  });
});
