import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addUp, countIn, postsIn, ranked, tagCountries, timeline, topTags } from './history-query';
import { REGIONS, bucketOf, busiestOf, plainBucket, sortedTotals, sumOf, type PlainBucket } from '../../../test/history-buckets';

/** Tag ids to keys that do not sort as the ids do, so that ties are decided by the key, not by the id. */
const keyOf = (id: number) => String.fromCharCode(122 - (id % 5)) + String(id);

/** Several buckets, each an hour from `fromHour` on (some hours twice: an hour's parts). */
const buckets = fc.array(fc.record({ plain: plainBucket, hour: fc.integer({ min: 0, max: 9 }) }), { maxLength: 6 });

const summariesOf = (list: { plain: PlainBucket; hour: number }[]) => list.map(({ plain, hour }) => bucketOf(100 + hour, plain));

/** The top `k` of one region over plain buckets, by a plain sum and sort. */
const topBySum = (list: { plain: PlainBucket }[], region: string, k: number) =>
  sortedTotals(
    sumOf(
      list.map((b) => b.plain),
      [region],
    ),
    keyOf,
  ).slice(0, k);

describe('history query', () => {
  it('finds the top tags of one region as a plain sum and sort does (the threshold algorithm)', () => {
    fc.assert(
      fc.property(buckets, fc.constantFrom(...REGIONS), fc.integer({ min: 1, max: 14 }), (list, region, k) => {
        const expected = topBySum(list, region, k);
        expect(topTags(summariesOf(list), [region], k, keyOf)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('finds the same top tags from buckets holding only their busiest rows, or says it cannot', () => {
    let decided = 0;
    fc.assert(
      fc.property(
        buckets,
        fc.constantFrom(...REGIONS),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        (list, region, k, topRows) => {
          const expected = topBySum(list, region, k);
          const got = topTags(
            summariesOf(list).map((summary) => busiestOf(summary, topRows)),
            [region],
            k,
            keyOf,
          );
          if (got !== null) {
            decided += 1;
            expect(got).toEqual(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
    // Many are decided from the busiest rows alone (about half of these tiny buckets; the rest: whole buckets, by the caller).
    expect(decided).toBeGreaterThan(90);
  });

  it('decides a long-tailed top from the busiest rows, past which each bucket counts at most its last', () => {
    // Tops of 3: each bucket holds its three busiest; tag 5 (in neither top) is counted exactly from the rest.
    const plain = (extra: number) => ({ world: { posts: 40, tags: { 1: 20, 2: 10, 3: 2, 4: 1, 5: extra } } });
    const summaries = [bucketOf(1, plain(2)), bucketOf(2, plain(1))].map((summary) => busiestOf(summary, 3));
    expect(summaries.every((summary) => summary.partial)).toBe(true);
    expect(topTags(summaries, ['world'], 2, keyOf)).toEqual([
      { id: 1, count: 40 },
      { id: 2, count: 20 },
    ]);
    // A third place (4 posts) no more than an unseen tag may have (2 + 2) cannot be decided: whole buckets are needed.
    expect(topTags(summaries, ['world'], 3, keyOf)).toBeNull();
    expect(topTags(summaries, ['world', 'FR'], 1, keyOf)).toBeNull();
    expect(countIn(summaries, ['world'], 5)).toBe(3);
  });

  it('finds the top tags of several regions as a plain sum and sort does', () => {
    fc.assert(
      fc.property(buckets, fc.uniqueArray(fc.constantFrom(...REGIONS), { minLength: 2 }), fc.integer({ min: 1, max: 14 }), (list, regions, k) => {
        const totals = sumOf(
          list.map((b) => b.plain),
          regions,
        );
        const summaries = summariesOf(list);
        expect(topTags(summaries, regions, k, keyOf)).toEqual(sortedTotals(totals, keyOf).slice(0, k));
        expect(addUp(summaries, regions)).toEqual(totals);
        expect(ranked(totals, k, keyOf)).toEqual(sortedTotals(totals, keyOf).slice(0, k));
        for (const [id, count] of totals) expect(countIn(summaries, regions, id)).toBe(count);
      }),
    );
  });

  it('lists nothing for k 0 or a region no bucket holds', () => {
    const summaries = [bucketOf(1, { world: { posts: 2, tags: { 1: 2 } } })];
    expect(topTags(summaries, ['world'], 0, keyOf)).toEqual([]);
    expect(topTags(summaries, ['JP'], 3, keyOf)).toEqual([]);
    expect(topTags([], ['world'], 3, keyOf)).toEqual([]);
  });

  it('stops reading a bucket once its rows cannot change the answer, and breaks ties at the threshold by key', () => {
    // Tag 9 has the k-th count and ties the depth-1 threshold: it must still lose to tag 3 on the key ('z' < 'x').
    const summaries = [bucketOf(1, { world: { posts: 9, tags: { 1: 6, 9: 2, 3: 1 } } }), bucketOf(2, { world: { posts: 5, tags: { 2: 4, 3: 1 } } })];
    expect(keyOf(3) > keyOf(9)).toBe(true);
    expect(topTags(summaries, ['world'], 3, keyOf)).toEqual([
      { id: 1, count: 6 },
      { id: 2, count: 4 },
      { id: 9, count: 2 },
    ]);
  });

  it('sums posts and a tag per step of a timeline', () => {
    fc.assert(
      fc.property(
        buckets,
        fc.uniqueArray(fc.constantFrom(...REGIONS), { minLength: 1 }),
        fc.option(fc.integer({ min: 0, max: 11 })),
        fc.integer({ min: 95, max: 105 }),
        fc.integer({ min: 0, max: 14 }),
        fc.integer({ min: 1, max: 4 }),
        (list, regions, id, fromHour, hours, stepHours) => {
          const toHour = fromHour + hours;
          const steps = Math.ceil(hours / stepHours);
          const counts = new Array<number>(steps).fill(0);
          const posts = new Array<number>(steps).fill(0);
          for (const { plain, hour } of list) {
            const start = 100 + hour;
            if (start < fromHour || start >= toHour) continue;
            const step = Math.floor((start - fromHour) / stepHours);
            for (const region of regions) {
              posts[step] += plain[region]?.posts ?? 0;
              counts[step] += id === null ? (plain[region]?.posts ?? 0) : (plain[region]?.tags[id] ?? 0);
            }
          }
          const line = timeline(summariesOf(list), regions, id, fromHour, toHour, stepHours);
          expect(Array.from(line.counts)).toEqual(counts);
          expect(Array.from(line.posts)).toEqual(posts);
          if (fromHour <= 100 && toHour > 109) expect(posts.reduce((a, b) => a + b, 0)).toBe(postsIn(summariesOf(list), regions));
        },
      ),
    );
  });

  it('counts a day bucket in the step it starts in', () => {
    const day = bucketOf(48, { world: { posts: 7, tags: { 2: 7 } } }, 24);
    const line = timeline([day], ['world'], 2, 46, 52, 2);
    expect(Array.from(line.counts)).toEqual([0, 7, 0]);
  });

  it("gives a tag's posts and all posts per country where it has any, as a plain sum does", () => {
    fc.assert(
      fc.property(buckets, fc.integer({ min: 0, max: 11 }), (list, id) => {
        const isCountry = (region: string) => /^[A-Z]{2}$/.test(region);
        const expected = new Map<string, { count: number; posts: number }>();
        for (const region of REGIONS.filter(isCountry)) {
          const count = list.reduce((sum, { plain }) => sum + (plain[region]?.tags[id] ?? 0), 0);
          const posts = list.reduce((sum, { plain }) => sum + (plain[region]?.posts ?? 0), 0);
          if (count > 0) expected.set(region, { count, posts });
        }
        const got = tagCountries(summariesOf(list), id, isCountry);
        expect(new Map([...got].sort(([a], [b]) => (a < b ? -1 : 1)))).toEqual(expected);
      }),
    );
  });
});
