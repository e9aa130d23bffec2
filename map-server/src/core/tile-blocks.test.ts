import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_TAG_IDS, OpenCells, emptyBlock, lowerBound, mergeBlocks, narrowed, type Block } from './tile-blocks';

interface Post {
  cell: number;
  lat: number;
  lon: number;
  tags: number[];
}

/**
 * Posts on a few tiles and tags, so that blocks share tiles and tiles share tags. Coordinates are quarter
 * degrees: their sums are exact in any order, so merged blocks can be compared to the last bit.
 */
const post = fc.record({
  cell: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom(2 ** 24 - 1, 2 ** 24 - 2)),
  lat: fc.integer({ min: -360, max: 360 }).map((q) => q / 4),
  lon: fc.integer({ min: -720, max: 720 }).map((q) => q / 4),
  // A post with no tags is not counted at all (the engine never has one: events carry at least one tag).
  tags: fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constant(MAX_TAG_IDS - 1)), { maxLength: 4 }),
});

/** The posts in an open bucket of level 12 alone, where `cell` is the tile y x 4096 + x. */
function openOf(posts: readonly Post[]): OpenCells {
  const open = new OpenCells([12]);
  for (const p of posts) open.add(p.cell % 4096, Math.floor(p.cell / 4096), p.lat, p.lon, p.tags);
  return open;
}

const blockOfPosts = (posts: readonly Post[]) => openOf(posts).toBlocks()[0];

/** A block as plain arrays, for deep equality. */
const plain = (block: Block) => Object.fromEntries(Object.entries(block).map(([name, column]) => [name, Array.from(column as ArrayLike<number>)]));

/** What a block says, tile by tile, read back without trusting its order. */
function decoded(block: Block) {
  const tiles = new Map<number, { posts: number; sumLat: number; sumLon: number; tags: Map<number, number> }>();
  block.cells.forEach((cell, i) => {
    const tags = new Map<number, number>();
    for (let e = i === 0 ? 0 : block.ends[i - 1]; e < block.ends[i]; e += 1) tags.set(block.tags[e], block.counts[e]);
    tiles.set(cell, { posts: block.posts[i], sumLat: block.sumLat[i], sumLon: block.sumLon[i], tags });
  });
  return tiles;
}

/** The brute force: every post added up by tile and tag. */
function bruteForce(posts: readonly Post[]) {
  const tiles = new Map<number, { posts: number; sumLat: number; sumLon: number; tags: Map<number, number> }>();
  for (const p of posts) {
    if (p.tags.length === 0) continue;
    const tile = tiles.get(p.cell) ?? { posts: 0, sumLat: 0, sumLon: 0, tags: new Map<number, number>() };
    tile.posts += 1;
    tile.sumLat += p.lat;
    tile.sumLon += p.lon;
    for (const tag of p.tags) tile.tags.set(tag, (tile.tags.get(tag) ?? 0) + 1);
    tiles.set(p.cell, tile);
  }
  return tiles;
}

/** The block's promise: columns of the right lengths, tiles and each tile's tags strictly ascending, counts >= 1. */
function expectWellFormed(block: Block): void {
  const n = block.cells.length;
  expect([block.ends.length, block.posts.length, block.sumLat.length, block.sumLon.length]).toEqual([n, n, n, n]);
  expect(block.counts.length).toBe(block.tags.length);
  expect(n === 0 ? 0 : block.ends[n - 1]).toBe(block.tags.length);
  for (let i = 0; i < n; i += 1) {
    const start = i === 0 ? 0 : block.ends[i - 1];
    if (i > 0 && block.cells[i] <= block.cells[i - 1]) expect.fail(`tile ${i} is not after tile ${i - 1}`);
    if (block.ends[i] < start || block.posts[i] === 0) expect.fail(`tile ${i} has a bad run or no posts`);
    for (let e = start; e < block.ends[i]; e += 1) {
      if ((e > start && block.tags[e] <= block.tags[e - 1]) || block.counts[e] === 0) expect.fail(`entry ${e} of tile ${i}`);
    }
  }
}

/** Posts cut into up to `parts` groups, each its own block. */
const split = (parts: number) =>
  fc.array(fc.tuple(post, fc.nat(parts - 1)), { maxLength: 120, size: 'max' }).map((tagged) => ({
    all: tagged.map(([p]) => p),
    groups: Array.from({ length: parts }, (_, g) => tagged.filter(([, at]) => at === g).map(([p]) => p)),
  }));

describe('tile blocks', () => {
  it('compacts open counts into a block that holds exactly what was added, sorted', () => {
    fc.assert(
      fc.property(fc.array(post, { maxLength: 120, size: 'max' }), (posts) => {
        const block = blockOfPosts(posts);
        expectWellFormed(block);
        expect(decoded(block)).toEqual(bruteForce(posts));
      }),
      { numRuns: 300 },
    );
  });

  it('merges blocks into what one open bucket of all their posts compacts to, in any order and grouping', () => {
    fc.assert(
      fc.property(split(5), fc.array(fc.nat(), { minLength: 4, maxLength: 4 }), ({ all, groups }, picks) => {
        const expected = plain(blockOfPosts(all));
        const blocks = groups.map(blockOfPosts);
        // Left to right, right to left, and merged pairwise in an order picked at random.
        expect(plain(blocks.reduce(mergeBlocks))).toEqual(expected);
        expect(plain(blocks.reduceRight(mergeBlocks))).toEqual(expected);
        const pool = [...blocks];
        for (const pick of picks) {
          const a = pool.splice(pick % pool.length, 1)[0];
          const b = pool.splice(pick % pool.length, 1)[0];
          pool.push(pick % 2 === 0 ? mergeBlocks(a, b) : mergeBlocks(b, a));
        }
        expect(pool).toHaveLength(1);
        expectWellFormed(pool[0]);
        expect(plain(pool[0])).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('merges commutatively and associatively, with the empty block as identity, leaving its inputs as they were', () => {
    fc.assert(
      fc.property(split(3), ({ groups }) => {
        const [a, b, c] = groups.map(blockOfPosts);
        const before = [a, b, c].map(plain);
        expect(plain(mergeBlocks(a, b))).toEqual(plain(mergeBlocks(b, a)));
        expect(plain(mergeBlocks(mergeBlocks(a, b), c))).toEqual(plain(mergeBlocks(a, mergeBlocks(b, c))));
        expect(plain(mergeBlocks(a, emptyBlock()))).toEqual(plain(a));
        expect(plain(mergeBlocks(emptyBlock(), a))).toEqual(plain(a));
        expect([a, b, c].map(plain)).toEqual(before);
      }),
      { numRuns: 300 },
    );
    expect(plain(mergeBlocks(emptyBlock(), emptyBlock()))).toEqual(plain(emptyBlock()));
    expect(plain(new OpenCells([12]).toBlocks()[0])).toEqual(plain(emptyBlock()));
  });

  it('keeps a block in the narrowest columns its numbers fit, reading and merging as the wide block does', () => {
    fc.assert(
      fc.property(split(3), ({ groups }) => {
        const wide = groups.map(blockOfPosts);
        const narrow = wide.map(narrowed);
        narrow.forEach((block, i) => {
          expect(plain(block)).toEqual(plain(wide[i]));
          expect(narrowed(block)).toBe(block);
          // An empty block is kept as it is: it has nothing to narrow.
          if (block.cells.length === 0) return;
          const widest = Math.max(0, ...block.tags);
          expect(block.tags).toBeInstanceOf(widest < 65_536 ? Uint16Array : Uint32Array);
          // A handful of posts: every count and post count fits a byte.
          for (const column of [block.counts, block.posts, block.errors]) expect(column).toBeInstanceOf(Uint8Array);
        });
        expect(plain(mergeBlocks(narrow[0], mergeBlocks(narrow[1], narrow[2])))).toEqual(plain(mergeBlocks(wide[0], mergeBlocks(wide[1], wide[2]))));
        expect(plain(mergeBlocks(narrow[0], wide[1]))).toEqual(plain(mergeBlocks(wide[0], wide[1])));
      }),
      { numRuns: 200 },
    );
    // Counts past a byte and past 16 bits widen the counts and posts, not the tags.
    const many = (n: number) => {
      const open = new OpenCells([12]);
      for (let i = 0; i < n; i += 1) open.add(5, 7, 1, 2, [3]);
      return narrowed(open.toBlocks()[0]);
    };
    for (const [n, type] of [
      [255, Uint8Array],
      [256, Uint16Array],
      [65_535, Uint16Array],
      [65_536, Uint32Array],
    ] as const) {
      const block = many(n);
      expect([block.counts[0], block.posts[0]]).toEqual([n, n]);
      expect([block.counts, block.posts]).toEqual([expect.any(type), expect.any(type)]);
      expect(block.tags).toBeInstanceOf(Uint16Array);
    }
    expect(narrowed(emptyBlock()).tags).toHaveLength(0);
  });

  it('finds with lowerBound the first tile at or after an index, as a scan does', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 30 }), fc.integer({ min: -2, max: 64 }), (raw, index) => {
        const cells = Uint32Array.from(raw).sort();
        const scan = cells.findIndex((cell) => cell >= index);
        expect(lowerBound(cells, index)).toBe(scan < 0 ? cells.length : scan);
      }),
      { numRuns: 500 },
    );
  });
});
