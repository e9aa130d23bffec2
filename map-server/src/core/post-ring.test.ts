import { describe, expect, it } from 'vitest';
import { PostRing } from './post-ring';
import { postFilter, toPost } from './post-view';
import { event } from '../../test/helpers';

describe('PostRing', () => {
  it('keeps the newest posts up to its capacity, most recent first', () => {
    const ring = new PostRing(3);
    const posts = [1, 2, 3, 4, 5].map((i) => event({ tags: [`t${i}`] }));
    posts.forEach((p) => ring.add(p));
    expect(ring.newest(10, () => true).map((p) => p.tags[0])).toEqual(['t5', 't4', 't3']);
    expect(ring.newest(2, () => true).map((p) => p.tags[0])).toEqual(['t5', 't4']);
  });

  it('drops the oldest posts while the kept ones would weigh more than its byte budget', () => {
    const ring = new PostRing(100, 10_000);
    const heavy = (i: number) => event({ tags: [`t${i}`], text: 'x'.repeat(1_000) }); // about 2.2 KB each
    for (let i = 0; i < 10; i += 1) ring.add(heavy(i));
    expect(ring.size).toBe(4);
    expect(ring.newest(10, () => true).map((p) => p.tags[0])).toEqual(['t9', 't8', 't7', 't6']);
    ring.add(event({ tags: ['light'] }));
    expect(ring.size).toBe(5);
  });

  it('filters by country, by box (exactly, across the antimeridian) and by tag', () => {
    const ring = new PostRing(10);
    const paris = event({ tags: ['a'], cc: 'FR', lat: 48.85, lon: 2.35 });
    const fiji = event({ tags: ['a', 'b'], cc: 'FJ', lat: -17, lon: 179.5 });
    const sea = event({ tags: ['b'], cc: null, lat: -17, lon: -179.5 });
    [paris, fiji, sea].forEach((p) => ring.add(p));
    const ids = (area: Parameters<typeof postFilter>[0], tag: string | null) => ring.newest(10, postFilter(area, tag)).map((p) => p.id);
    expect(ids({ region: 'world', bbox: null }, null)).toEqual([sea.id, fiji.id, paris.id]);
    expect(ids({ region: 'FR', bbox: null }, null)).toEqual([paris.id]);
    expect(ids({ region: 'view', bbox: [179, -18, -179, -16] }, null)).toEqual([sea.id, fiji.id]);
    expect(ids({ region: 'view', bbox: [179, -18, -179, -16] }, 'a')).toEqual([fiji.id]);
    expect(ids({ region: 'view', bbox: [2.36, 48, 3, 49] }, null)).toEqual([]);
  });

  it('shows a post as data: text, place and display tags as they came', () => {
    const post = event({ tags: ['x'], display: ['X'], text: '<img src=x onerror=alert(1)> #X', place: 'Paris <b>', cc: 'FR' });
    expect(toPost(post)).toEqual({
      id: post.id,
      ts: post.ts,
      lat: post.lat,
      lon: post.lon,
      cc: 'FR',
      place: 'Paris <b>',
      text: '<img src=x onerror=alert(1)> #X',
      tags: ['X'],
    });
    expect(toPost(event({ tags: ['y'] }))).toMatchObject({ place: null, text: null });
  });

  it("restores from a snapshot the posts it kept, oldest first, within the new ring's capacity", () => {
    const ring = new PostRing(3);
    const posts = [1, 2, 3, 4].map((i) => event({ tags: [`t${i}`], text: `post ${i}` }));
    posts.forEach((p) => ring.add(p));
    const snapshot = structuredClone(ring.snapshot());
    expect(snapshot.events.map((p) => p.tags[0])).toEqual(['t2', 't3', 't4']);
    const all = () => true;
    expect(PostRing.restore(snapshot).newest(10, all)).toEqual(ring.newest(10, all));
    expect(
      PostRing.restore(snapshot, 2)
        .newest(10, all)
        .map((p) => p.tags[0]),
    ).toEqual(['t4', 't3']);
    const broken = { events: [...snapshot.events, { ...posts[0], tags: ['a', 'a'], display: ['a', 'a'] }] };
    expect(() => PostRing.restore(broken)).toThrow(/^posts\.events\[3\]: \/tags must be distinct$/);
  });
});
