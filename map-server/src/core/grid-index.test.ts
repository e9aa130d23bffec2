import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boxOf, unwrappedBox } from '../../../test/bbox-arbitraries';
import type { Bbox } from '../../../common/browser/api';
import { bboxSpans, spansContain } from '../../../common/browser/bbox';
import { FINE_DEGREES, GridIndex, HORIZON_MINUTES, fineCol, fineRow, type BoxCounts } from './grid-index';

interface Post {
  minute: number;
  lat: number;
  lon: number;
  tags: number[];
}

/** The grid's promise: a post counts when its fine cell lies in the box's fine cells. */
function inSnappedBox(box: Bbox, post: Post): boolean {
  const { lons, south, north } = bboxSpans(box);
  const row = fineRow(post.lat);
  if (row < fineRow(south) || row > fineRow(north)) return false;
  const col = fineCol(post.lon);
  return lons.some(([west, east]) => col >= fineCol(west) && col <= fineCol(east));
}

/** The box grown by one fine cell on every side (the whole world when that closes it up). */
function grown([west, south, east, north]: Bbox): Bbox {
  const pad = FINE_DEGREES + 1e-9;
  const closes = west > east ? west - east <= 2 * pad : east - west >= 360 - 2 * pad;
  const lats: [number, number] = [Math.max(-90, south - pad), Math.min(90, north + pad)];
  return closes ? [-180, lats[0], 180, lats[1]] : [west - pad, lats[0], east + pad, lats[1]];
}

/** What the grid should hold: posts within the horizon of the newest minute seen when each arrived. */
function accepted(posts: Post[]): Post[] {
  let newest = Number.NEGATIVE_INFINITY;
  return posts.filter((post) => {
    newest = Math.max(newest, post.minute);
    return post.minute > newest - HORIZON_MINUTES;
  });
}

function byTag(counts: BoxCounts): Map<number, [number, number]> {
  return new Map(Array.from(counts.ids, (id, i) => [id, [counts.recent[i], counts.reference[i]]]));
}

function oracle(posts: Post[], box: Bbox, from: number, split: number, to: number) {
  const tags = new Map<number, [number, number]>();
  let total = 0;
  let recentPosts = 0;
  for (const post of posts) {
    if (post.minute < from || post.minute > to || !inSnappedBox(box, post)) continue;
    total += 1;
    const recent = post.minute >= split;
    if (recent) recentPosts += 1;
    for (const tag of post.tags) {
      const pair = tags.get(tag) ?? [0, 0];
      pair[recent ? 0 : 1] += 1;
      tags.set(tag, pair);
    }
  }
  return { posts: total, recentPosts, tags };
}

/**
 * Within two fine cells of a coarse cell's edge (every 4 degrees), where partial and full cells meet: a few
 * edges near 0 and the map's rim, so that boxes and posts often share them.
 */
const nearCoarseEdge = (limit: number) =>
  fc
    .tuple(fc.constantFrom(-limit, -8, -4, 0, 4, 8, limit), fc.integer({ min: -2, max: 1 }))
    .map(([edge, d]) => Math.min(limit, Math.max(-limit, edge + (d + 0.5) * FINE_DEGREES)));
const lon = fc.oneof(
  fc.double({ min: -180, max: 180, noNaN: true }),
  fc.integer({ min: -1800, max: 1800 }).map((i) => i / 10),
  nearCoarseEdge(180),
  fc.constantFrom(-180, 180, 179.99, -179.99, 0),
);
const lat = fc.oneof(
  fc.double({ min: -90, max: 90, noNaN: true }),
  fc.integer({ min: -900, max: 900 }).map((i) => i / 10),
  nearCoarseEdge(90),
  fc.constantFrom(-90, 90, 0),
);
/** A small patch around 0,0 spanning a few coarse cells, so that boxes and posts often meet at edges. */
const nearLon = fc.oneof(fc.double({ min: -12, max: 12, noNaN: true }), nearCoarseEdge(12));
const nearLat = nearLon;
const postAt = (lons: fc.Arbitrary<number>, lats: fc.Arbitrary<number>) =>
  fc.record({
    minute: fc.integer({ min: 0, max: 4 * HORIZON_MINUTES }),
    lat: lats,
    lon: lons,
    tags: fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 4 }),
  });
const post = postAt(lon, lat);
const posts = (maxLength: number) => fc.oneof(fc.array(post, { maxLength }), fc.array(postAt(nearLon, nearLat), { maxLength }));
/**
 * Any box the API accepts, antimeridian crossings (west > east) included, plus unwrapped and too-wide ones
 * (as a map zoomed far out reports them), and boxes in the small patch.
 */
const box = fc.oneof(boxOf(lon, lat), boxOf(nearLon, nearLat), unwrappedBox(lat));

describe('GridIndex', () => {
  it('counts what a brute-force scan of the same posts counts, for any box and minutes', () => {
    fc.assert(
      fc.property(posts(200), box, fc.nat(), fc.nat(), fc.nat(), (posts, bbox, a, b, c) => {
        const grid = new GridIndex();
        const kept = accepted(posts);
        for (const p of posts) grid.add(p.minute, p.lat, p.lon, p.tags);
        const end = grid.newestMinute;
        if (!Number.isFinite(end)) return;
        // from <= split <= to + 1, all within the horizon.
        const [from, split, to] = [a % HORIZON_MINUTES, b % HORIZON_MINUTES, c % HORIZON_MINUTES].map((back) => end - back).sort((x, y) => x - y);
        const counts = grid.countTags({ bbox, fromMinute: from, splitMinute: split, toMinute: to });
        const expected = oracle(kept, bbox, from, split, to);
        expect({ posts: counts.posts, recentPosts: counts.recentPosts, tags: byTag(counts) }).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('counts exactly where boxes cut coarse cells, one fine cell either side of their edges', () => {
    const edge = nearCoarseEdge(12);
    fc.assert(
      fc.property(fc.array(postAt(edge, edge), { minLength: 1, maxLength: 100 }), boxOf(edge, edge), (all, bbox) => {
        const grid = new GridIndex();
        for (const p of all) grid.add(0, p.lat, p.lon, p.tags);
        const counts = grid.countTags({ bbox, fromMinute: 0, splitMinute: 0, toMinute: 0 });
        const flat = all.map((p) => ({ ...p, minute: 0 }));
        expect({ posts: counts.posts, recentPosts: counts.recentPosts, tags: byTag(counts) }).toEqual(oracle(flat, bbox, 0, 0, 0));
      }),
      { numRuns: 300 },
    );
  });

  it('never misses a post inside the box, and counts none further than one fine cell outside it', () => {
    fc.assert(
      fc.property(posts(100), box, (posts, bbox) => {
        const grid = new GridIndex();
        posts.forEach((p, i) => grid.add(0, p.lat, p.lon, [i]));
        const counted = new Set(grid.countTags({ bbox, fromMinute: 0, splitMinute: 0, toMinute: 0 }).ids);
        const inside = bboxSpans(bbox);
        const outer = bboxSpans(grown(bbox));
        posts.forEach((p, i) => {
          if (spansContain(inside, p.lat, p.lon)) expect(counted.has(i), `post ${i} inside`).toBe(true);
          if (counted.has(i)) expect(spansContain(outer, p.lat, p.lon), `post ${i} counted`).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('builds sparklines that match a brute-force scan', () => {
    fc.assert(
      fc.property(posts(150), box, fc.constantFrom(1, 2, 10, 30), (posts, bbox, slotMinutes) => {
        const grid = new GridIndex();
        const kept = accepted(posts);
        for (const p of posts) grid.add(p.minute, p.lat, p.lon, p.tags);
        const end = grid.newestMinute;
        if (!Number.isFinite(end)) return;
        const slots = Math.floor(HORIZON_MINUTES / slotMinutes);
        const from = end - slots * slotMinutes + 1;
        const tags = [0, 3, 7, 40, 99];
        const series = grid.sparks(bbox, from, slotMinutes, slots, tags);
        const expected = tags.map(() => new Array<number>(slots).fill(0));
        for (const p of kept) {
          if (p.minute < from || p.minute > end || !inSnappedBox(bbox, p)) continue;
          tags.forEach((tag, i) => {
            if (p.tags.includes(tag)) expected[i][Math.floor((p.minute - from) / slotMinutes)] += 1;
          });
        }
        expect(series.map((s) => Array.from(s))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('drops whole blocks as the horizon moves past them, and refuses posts already out of it', () => {
    const grid = new GridIndex();
    const world: Bbox = [-180, -90, 180, 90];
    for (let minute = 0; minute < 120; minute += 1) grid.add(minute, 48.85, 2.35, [1]);
    expect(grid.size).toBe(120);
    grid.advanceTo(HORIZON_MINUTES + 59); // the horizon now starts at minute 60: block 0 is out
    expect(grid.size).toBe(60);
    expect(grid.add(59, 48.85, 2.35, [1])).toBe(false);
    const all = grid.countTags({ bbox: world, fromMinute: 60, splitMinute: 60, toMinute: HORIZON_MINUTES + 59 });
    expect(all.posts).toBe(60);
    grid.advanceTo(10 * HORIZON_MINUTES); // a jump past the whole horizon empties it
    expect(grid.size).toBe(0);
    expect(grid.stats().arrays).toBe(0);
  });

  it('grows a crowded cell and large tag ids without losing a post', () => {
    const grid = new GridIndex();
    for (let i = 0; i < 10_000; i += 1) grid.add(5, 35.68, 139.69, [i, 2_000_000 + (i % 3)]);
    const counts = grid.countTags({ bbox: [139, 35, 140, 36], fromMinute: 0, splitMinute: 0, toMinute: 5 });
    expect(counts.posts).toBe(10_000);
    expect(byTag(counts).get(2_000_001)).toEqual([3_333, 0]);
    const stats = grid.stats();
    expect(stats.wordsUsed).toBe(1 + 10_000 * 3);
    expect(stats.wordsAllocated).toBeLessThan(2 * stats.wordsUsed);
  });

  it('restores from a snapshot a grid that counts as the saved one, before and after more posts', () => {
    const answers = (grid: GridIndex, bbox: Bbox) => {
      const end = grid.newestMinute;
      const scan = { bbox, fromMinute: end - HORIZON_MINUTES + 1, splitMinute: end - 60, toMinute: end };
      return { end, size: grid.size, counts: byTag(grid.countTags(scan)), sparks: grid.sparks(bbox, scan.fromMinute, 30, 48, [0, 3, 40]) };
    };
    fc.assert(
      fc.property(posts(150), posts(50), box, (before, after, bbox) => {
        const saved = new GridIndex();
        for (const p of before) saved.add(p.minute, p.lat, p.lon, p.tags);
        const restored = GridIndex.restore(structuredClone(saved.snapshot()), 41);
        expect(answers(restored, bbox)).toEqual(answers(saved, bbox));
        for (const grid of [saved, restored]) for (const p of after) grid.add(p.minute + HORIZON_MINUTES, p.lat, p.lon, p.tags);
        expect(answers(restored, bbox)).toEqual(answers(saved, bbox));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a snapshot whose arrays overrun, or hold posts their block does not count', () => {
    const grid = new GridIndex();
    grid.add(5, 35.68, 139.69, [1, 2]);
    const restore = (change: Partial<ReturnType<GridIndex['snapshot']>>) => () => GridIndex.restore({ ...grid.snapshot(), ...change }, 3);
    expect(restore({ words: Uint32Array.of(4, 5 | (2 << 17), 1, 2) })).not.toThrow();
    expect(restore({ words: Uint32Array.of(4, 5 | (3 << 17), 1, 2) })).toThrow(
      /^grid\.words \(array \d+\): the post at word 1 is cut off or out of its block$/,
    );
    expect(restore({ words: Uint32Array.of(4, 5 | (2 << 17), 1, 7) })).toThrow(/^grid\.words \(array \d+\): tag id 7 is over maxTagId 2$/);
    expect(restore({ slotPosts: new Float64Array(grid.snapshot().slotPosts.length) })).toThrow(
      /^grid\.slotPosts\[0\]: says 0 posts, the arrays hold 1$/,
    );
    expect(() => GridIndex.restore(grid.snapshot(), 2)).toThrow(/^grid\.maxTagId: tag id 2 is not in the dictionary \(2 tags\)$/);
  });
});
