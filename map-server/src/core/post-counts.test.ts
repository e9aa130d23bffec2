import { describe, expect, it } from 'vitest';
import { WORLD } from '../../../common/browser/api';
import { PostCounts } from './post-counts';
import { HORIZON_MINUTES } from './tiers';
import { boxCover } from './tiles';
import { event } from '../../test/helpers';

const MINUTE = 60_000;
const START = Date.UTC(2026, 2, 1, 12, 0);

function recorded(...posts: ReturnType<typeof event>[]): PostCounts {
  const counts = new PostCounts();
  for (const post of posts) expect(counts.record(post, counts.intern(post))).toBe(true);
  return counts;
}

/** The posts the tile counts hold over the day, the whole world's box. */
function inTiles(counts: PostCounts): number {
  const end = counts.tiles.newestMinute;
  return counts.tiles.boxCounts(boxCover([-180, -90, 180, 90]), end - HORIZON_MINUTES + 1, end, end).posts;
}

describe('PostCounts', () => {
  it('counts a post in its country, the world and its tiles, under one id per tag', () => {
    const counts = recorded(event({ tags: ['a', 'b'], display: ['A', 'b'], ts: START }), event({ tags: ['a'], ts: START, cc: null }));
    const a = counts.dictionary.idOf('a')!;
    expect(counts.dictionary.display(a)).toBe('A');
    expect(counts.store.tally(WORLD, '15m').get(a)).toBe(2);
    expect(counts.store.tally('FR', '15m').get(a)).toBe(1);
    expect(inTiles(counts)).toBe(2);
    expect(counts.endMs).toBe(START);
  });

  it('moves the tiles with the windows: a day on, both have let the post go', () => {
    const counts = recorded(event({ tags: ['a'], ts: START }));
    counts.advanceTo(START + HORIZON_MINUTES * MINUTE + 60 * MINUTE);
    expect(counts.store.total(WORLD, '24h')).toBe(0);
    expect(inTiles(counts)).toBe(0);
    expect(counts.isStale(START)).toBe(true);
  });

  it('moves both ends to a newer post before counting it, and neither back for an older one', () => {
    const counts = recorded(event({ tags: ['a'], ts: START + 30 * MINUTE }), event({ tags: ['a'], ts: START }));
    expect(counts.store.endMinute).toBe((START + 30 * MINUTE) / MINUTE);
    expect(counts.tiles.newestMinute).toBe(counts.store.endMinute);
  });

  it('restores counts whose sparklines read every minute the store holds: none is taken for empty', () => {
    const counts = recorded(
      event({ tags: ['a'], ts: START }),
      event({ tags: ['a'], ts: START + 5 * MINUTE }),
      event({ tags: ['a'], ts: START + 9 * MINUTE, cc: null }),
    );
    const a = counts.dictionary.idOf('a')!;
    const from = START / MINUTE;
    const read = (c: PostCounts) => ['FR', WORLD].map((region) => Array.from(c.sparks.sparks(region, [a], from, 1, 10)[0]));
    const restored = PostCounts.restore(structuredClone(counts.snapshot()));
    expect(read(restored)).toEqual([
      [1, 0, 0, 0, 0, 1, 0, 0, 0, 0],
      [1, 0, 0, 0, 0, 1, 0, 0, 0, 1],
    ]);
    expect(read(restored)).toEqual(read(counts));
  });

  it('forgets the tags no count holds once they have left the day, and gives their ids to new tags with their own counts', () => {
    const counts = recorded(event({ tags: ['old'], ts: START }), event({ tags: ['kept'], ts: START + 23 * 60 * MINUTE }));
    const old = counts.dictionary.idOf('old')!;
    // Read once, so that a sparkline series of 'old' is kept.
    expect(Array.from(counts.sparks.sparks(WORLD, [old], START / MINUTE, 1, 1)[0])).toEqual([1]);
    // Past a day and its hour, 'old' is in no bucket: the next sweep (due within the hour) forgets it.
    const later = START + (HORIZON_MINUTES + 120) * MINUTE;
    counts.record(event({ tags: ['new'], ts: later }), counts.intern(event({ tags: ['new'], ts: later })));
    expect(counts.dictionary.idOf('old')).toBeUndefined();
    expect(counts.dictionary.liveCount).toBe(2);
    // The next new tag takes the freed id: its counts and sparkline are its own.
    counts.record(event({ tags: ['newer'], ts: later }), counts.intern(event({ tags: ['newer'], ts: later })));
    const reused = counts.dictionary.idOf('newer')!;
    expect(reused).toBe(old);
    expect(counts.store.tally(WORLD, '15m').get(reused)).toBe(1);
    expect(Array.from(counts.sparks.sparks(WORLD, [reused], later / MINUTE, 1, 1)[0])).toEqual([1]);
  });

  it('never forgets the tags of the post being counted, though no count holds them yet when the sweep runs', () => {
    const counts = recorded(event({ tags: ['a'], ts: START }));
    const far = START + 3 * HORIZON_MINUTES * MINUTE;
    const post = event({ tags: ['fresh', 'a'], ts: far });
    const ids = counts.intern(post);
    expect(counts.record(post, ids)).toBe(true);
    expect(ids.map((id) => counts.dictionary.key(id))).toEqual(['fresh', 'a']);
    expect(counts.store.tally(WORLD, '15m').get(counts.dictionary.idOf('fresh')!)).toBe(1);
  });

  it('keeps the dictionary near its share of a small budget: the other counts give up their tail, and the tags they let go are forgotten', () => {
    const budgets = { tiles: 40_000, windows: 40_000, others: 40_000 };
    const counts = PostCounts.create(budgets);
    const exact = new PostCounts();
    let distinct = 0;
    // Two hours of 10 posts a minute, each with 8 tags of its own (a flood of distinct, long tags) and one common tag.
    for (let minute = 0; minute < 120; minute += 1) {
      for (let p = 0; p < 10; p += 1) {
        const tags = ['common', ...Array.from({ length: 8 }, () => `flood${String(distinct++).padStart(40, '0')}`)];
        const post = event({ tags, ts: START + minute * MINUTE });
        counts.record(post, counts.intern(post));
        exact.record(post, exact.intern(post));
      }
    }
    expect(exact.dictionary.liveCount).toBe(distinct + 1);
    // What stays is what the newest minutes and the summaries' heaviest tags hold: a small part of what came.
    expect(counts.dictionary.liveCount).toBeLessThan(distinct / 5);
    expect(counts.dictionary.bytes()).toBeLessThan(2 * budgets.others + 200 * 80);
    // The common tag stays, short of its count by at most the error the window reports.
    const got = counts.store.tally(WORLD, '1h').get(counts.dictionary.idOf('common')!)!;
    const want = exact.store.tally(WORLD, '1h').get(exact.dictionary.idOf('common')!)!;
    expect(want - got).toBeGreaterThanOrEqual(0);
    expect(want - got).toBeLessThanOrEqual(counts.store.error(WORLD, '1h'));
    expect(counts.store.total(WORLD, '1h')).toBe(exact.store.total(WORLD, '1h'));
  });
});
