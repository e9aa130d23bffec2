import { describe, expect, it } from 'vitest';
import { parsePosts } from './parse-posts';

const post = {
  id: '1',
  ts: 1_700_000_000_000,
  lat: 48.85,
  lon: 2.35,
  cc: 'FR',
  place: 'Paris',
  text: '<img src=x onerror=alert(1)> #WorldCup',
  tags: ['WorldCup'],
};

describe('parsePosts', () => {
  it('reads both the REST body and the bare array of an SSE event, keeping text as data', () => {
    expect(parsePosts({ posts: [post] })).toEqual([post]);
    expect(parsePosts([post])).toEqual([post]);
  });

  it('drops malformed posts and bounds the strings', () => {
    const long = 'x'.repeat(5_000);
    const parsed = parsePosts([
      { ...post, id: 2 },
      { ...post, id: '3', lat: 91 },
      { ...post, id: '4', ts: 1e20 },
      { ...post, id: '5', cc: 'France', place: '  ', text: long, tags: ['a', 7, ''] },
    ]);
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({ id: '5', cc: null, place: null, tags: ['a'] });
    expect(parsed[0].text).toHaveLength(1_001);
  });

  it('throws on a body that is not posts', () => {
    expect(() => parsePosts({ error: 'nope' })).toThrow();
    expect(() => parsePosts('[]')).toThrow();
  });
});
