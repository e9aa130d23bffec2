import { describe, expect, it } from 'vitest';
import { WORLD } from '../../../common/browser/api';
import { PostCounts } from './post-counts';
import { HORIZON_MINUTES } from './tile-counts';
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
});
