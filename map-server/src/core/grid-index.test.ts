import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BLOCK_MINUTES, FINE_DEGREES, GridIndex, HORIZON_MINUTES, MAX_TAGS_PER_POST, fineCol, fineRow } from './grid-index';

interface Post {
  minute: number;
  lat: number;
  lon: number;
  tags: number[];
}

/** Every post a grid gives back, in its order, the tags copied out of the view. */
function postsOf(grid: GridIndex): Post[] {
  const posts: Post[] = [];
  grid.forEachPost((minute, lat, lon, tags) => posts.push({ minute, lat, lon, tags: Array.from(tags) }));
  return posts;
}

/** The post as the grid keeps it: at the centre of its fine cell. */
function atCentre(post: Post): Post {
  const perDegree = 1 / FINE_DEGREES;
  return { ...post, lat: (fineRow(post.lat) + 0.5) / perDegree - 90, lon: (fineCol(post.lon) + 0.5) / perDegree - 180 };
}

/**
 * What the grid should hold once its horizon ends at `end`: the posts it took when they came (within the
 * horizon of the newest minute seen so far), less those in blocks the horizon has left since. The horizon
 * refuses by the minute but lets go by the block, so a post refused may share a block with posts held.
 */
function held(posts: Post[], end: number): Post[] {
  const oldestBlock = Math.floor((end - HORIZON_MINUTES + 1) / BLOCK_MINUTES);
  return taken(posts).filter((post) => Math.floor(post.minute / BLOCK_MINUTES) >= oldestBlock);
}

function taken(posts: Post[]): Post[] {
  let newest = Number.NEGATIVE_INFINITY;
  return posts.filter((post) => {
    newest = Math.max(newest, post.minute);
    return post.minute > newest - HORIZON_MINUTES;
  });
}

/** The same posts whatever their order (the grid gives them back by block, then by coarse cell). */
function sorted(posts: Post[]): string[] {
  return posts.map((post) => JSON.stringify(post)).sort();
}

/**
 * Within two fine cells of a coarse cell's edge (every 4 degrees): a few edges near 0 and the map's rim, so
 * that posts often sit either side of one.
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
/** Minutes over four horizons, and around the first block boundaries, where the horizon refuses and lets go. */
const minute = fc.oneof(
  fc.integer({ min: 0, max: 4 * HORIZON_MINUTES }),
  fc.integer({ min: 0, max: 3 * BLOCK_MINUTES }),
  fc.integer({ min: HORIZON_MINUTES, max: HORIZON_MINUTES + 3 * BLOCK_MINUTES }),
);
const post = fc.record({ minute, lat, lon, tags: fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 4 }) });
const posts = (maxLength: number) => fc.array(post, { maxLength });

describe('GridIndex', () => {
  it('gives back every post it holds as it was added (minute, fine cell centre, tags), oldest block first', () => {
    const check = (grid: GridIndex, all: Post[]) => {
      const expected = held(all, grid.newestMinute).map(atCentre);
      const got = postsOf(grid);
      expect(sorted(got)).toEqual(sorted(expected));
      expect(grid.size).toBe(expected.length);
      const blocks = got.map((p) => Math.floor(p.minute / BLOCK_MINUTES));
      expect(blocks).toEqual([...blocks].sort((a, b) => a - b));
    };
    fc.assert(
      fc.property(posts(200), fc.nat({ max: HORIZON_MINUTES + 2 * BLOCK_MINUTES }), (all, later) => {
        const grid = new GridIndex();
        const took = all.map((p) => grid.add(p.minute, p.lat, p.lon, p.tags));
        expect(took.filter(Boolean).length).toBe(taken(all).length);
        expect(grid.newestMinute).toBe(all.length === 0 ? Number.NEGATIVE_INFINITY : Math.max(...all.map((p) => p.minute)));
        check(grid, all);
        // Moving the horizon on without a post lets go of the blocks it leaves, and of nothing else.
        if (all.length > 0) grid.advanceTo(grid.newestMinute + later);
        check(grid, all);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a post at the centre of the fine cell it lies in, at the antimeridian, the poles and cell edges', () => {
    const at = (lat: number, lon: number) => {
      const grid = new GridIndex();
      grid.add(0, lat, lon, [0]);
      const [post] = postsOf(grid);
      return [post.lat, post.lon];
    };
    const examples: [number, number, number, number][] = [
      [90, 180, 89.95, 179.95],
      [-90, -180, -89.95, -179.95],
      [89.99, -179.99, 89.95, -179.95],
      [0, 0, 0.05, 0.05],
      [-0.01, -0.01, -0.05, -0.05],
      [4, -176, 4.05, -175.95], // on a coarse cell's first fine cell
      [3.99, -176.01, 3.95, -176.05], // and on the last one of the cell before
    ];
    for (const [lat, lon, centreLat, centreLon] of examples) {
      const [gotLat, gotLon] = at(lat, lon);
      expect(gotLat, `lat of ${lat},${lon}`).toBeCloseTo(centreLat, 9);
      expect(gotLon, `lon of ${lat},${lon}`).toBeCloseTo(centreLon, 9);
    }
    const half = FINE_DEGREES / 2 + 1e-9;
    fc.assert(
      fc.property(lat, lon, (lat, lon) => {
        const [gotLat, gotLon] = at(lat, lon);
        expect(Math.abs(gotLat - lat)).toBeLessThanOrEqual(half);
        expect(Math.abs(gotLon - lon)).toBeLessThanOrEqual(half);
        // A centre: half a fine cell past a whole number of cells from the map's corner.
        for (const [centre, origin] of [
          [gotLat, -90],
          [gotLon, -180],
        ]) {
          const cells = (centre - origin) / FINE_DEGREES - 0.5;
          expect(Math.abs(cells - Math.round(cells))).toBeLessThan(1e-6);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('drops whole blocks as the horizon moves past them, and refuses posts already out of it', () => {
    const grid = new GridIndex();
    for (let minute = 0; minute < 120; minute += 1) grid.add(minute, 48.85, 2.35, [1]);
    expect(grid.size).toBe(120);
    grid.advanceTo(HORIZON_MINUTES + 59); // the horizon now starts at minute 60: block 0 is out
    expect(grid.size).toBe(60);
    expect(postsOf(grid).map((p) => p.minute)).toEqual(Array.from({ length: 60 }, (_, i) => 60 + i));
    expect(grid.add(59, 48.85, 2.35, [1])).toBe(false);
    grid.advanceTo(HORIZON_MINUTES + 60); // now at minute 61: block 1 is held, but its minute 60 is out
    expect(grid.add(60, 48.85, 2.35, [1])).toBe(false);
    expect(grid.size).toBe(60);
    grid.advanceTo(10 * HORIZON_MINUTES); // a jump past the whole horizon empties it
    expect(grid.size).toBe(0);
    expect(postsOf(grid)).toEqual([]);
    expect(grid.snapshot().arrayIndex.length).toBe(0); // its arrays let go
  });

  it('grows a crowded cell and large tag ids without losing a post', () => {
    const grid = new GridIndex();
    for (let i = 0; i < 10_000; i += 1) grid.add(5, 35.68, 139.69, [i, 2_000_000 + (i % 3)]);
    const back = postsOf(grid);
    expect(back.map((p) => p.tags)).toEqual(Array.from({ length: 10_000 }, (_, i) => [i, 2_000_000 + (i % 3)]));
    expect(new Set(back.map((p) => `${p.minute} ${p.lat} ${p.lon}`)).size).toBe(1);
    expect(grid.snapshot().words.length).toBe(1 + 10_000 * 3); // every word used, none lost in growth
    const most = Array.from({ length: MAX_TAGS_PER_POST }, (_, i) => i);
    const one = new GridIndex();
    expect(one.add(5, 0, 0, most)).toBe(true);
    expect(postsOf(one).map((p) => p.tags)).toEqual([most]);
    expect(() => one.add(5, 0, 0, [...most, MAX_TAGS_PER_POST])).toThrow(
      new RangeError(`a post may carry at most ${MAX_TAGS_PER_POST} tags; got ${MAX_TAGS_PER_POST + 1}`),
    );
  });

  it('restores from a snapshot a grid that holds what the saved one holds, before and after more posts', () => {
    const contents = (grid: GridIndex) => ({ newest: grid.newestMinute, size: grid.size, posts: postsOf(grid), snapshot: grid.snapshot() });
    fc.assert(
      fc.property(posts(150), posts(50), (before, after) => {
        const saved = new GridIndex();
        for (const p of before) saved.add(p.minute, p.lat, p.lon, p.tags);
        const restored = GridIndex.restore(structuredClone(saved.snapshot()), 41);
        expect(contents(restored)).toEqual(contents(saved));
        for (const grid of [saved, restored]) for (const p of after) grid.add(p.minute + HORIZON_MINUTES, p.lat, p.lon, p.tags);
        expect(contents(restored)).toEqual(contents(saved));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a snapshot whose arrays overrun, hold posts their block does not count, or were filed another way', () => {
    const grid = new GridIndex();
    grid.add(5, 35.68, 139.69, [1, 2]);
    const restore = (change: Partial<ReturnType<GridIndex['snapshot']>>) => () => GridIndex.restore({ ...grid.snapshot(), ...change }, 3);
    expect(restore({ words: Uint32Array.of(4, 5 | (2 << 17), 1, 2) })).not.toThrow();
    expect(restore({ words: Uint32Array.of(4, 5 | (3 << 17), 1, 2) })).toThrow(
      /^grid\.words \(array \d+\): the post at word 1 is cut off or out of its block$/,
    );
    expect(restore({ words: Uint32Array.of(4, BLOCK_MINUTES | (2 << 17), 1, 2) })).toThrow(
      /^grid\.words \(array \d+\): the post at word 1 is cut off or out of its block$/,
    );
    expect(restore({ words: Uint32Array.of(4, 5 | (2 << 17), 1, 7) })).toThrow(/^grid\.words \(array \d+\): tag id 7 is over maxTagId 2$/);
    expect(restore({ words: Uint32Array.of(5, 5 | (2 << 17), 1, 2) })).toThrow(/^grid\.words \(array \d+\): says 5 words in use, holds 4$/);
    expect(restore({ words: Uint32Array.of(4, 5 | (2 << 17), 1, 2, 0) })).toThrow(
      /^grid\.arrayWords: add up to 4 entries, but the array they cut up holds 5$/,
    );
    expect(restore({ slotPosts: new Float64Array(grid.snapshot().slotPosts.length) })).toThrow(
      /^grid\.slotPosts\[0\]: says 0 posts, the arrays hold 1$/,
    );
    expect(restore({ slotBlock: new Float64Array(grid.snapshot().slotBlock.length).fill(Number.NaN) })).toThrow(
      /^grid\.arrayIndex\[0\]: array \d+ is out of order or in no block held$/,
    );
    const slotBlock = (change: (blocks: Float64Array) => void) => {
      const blocks = grid.snapshot().slotBlock;
      change(blocks);
      return { slotBlock: blocks };
    };
    const inSlot0 = /^grid\.slotBlock\[0\]: block [\d.]+ is not slot 0's, or not in the horizon ending at minute 5$/;
    expect(restore(slotBlock((b) => (b[0] = 0.5)))).toThrow(inSlot0);
    expect(restore(slotBlock((b) => (b[0] = b.length)))).toThrow(inSlot0); // a block of the same slot, but after minute 5
    expect(restore(slotBlock((b) => ([b[0], b[1]] = [Number.NaN, 0])))).toThrow(/^grid\.slotBlock\[1\]: block 0 is not slot 1's/);
    expect(restore({ newestMinute: HORIZON_MINUTES + BLOCK_MINUTES })).toThrow(/^grid\.slotBlock\[0\]: block 0 .* ending at minute 1500$/);
    expect(restore({ newestMinute: null })).toThrow(/^grid\.slotBlock\[0\]: block 0 .* ending at minute -Infinity$/);
    expect(restore({ layout: { ...grid.snapshot().layout, coarseDegrees: 5 } })).toThrow(
      /^grid\.layout\.coarseDegrees: saved with 5, this build uses 4$/,
    );
    expect(() => GridIndex.restore(grid.snapshot(), 2)).toThrow(/^grid\.maxTagId: tag id 2 is not in the dictionary \(2 tags\)$/);
  });
});
