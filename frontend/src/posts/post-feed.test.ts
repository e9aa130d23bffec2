import { describe, expect, it } from 'vitest';
import type { Post } from '../../../common/browser/api';
import { mergePosts, postPlace } from './post-feed';

function post(id: string, ts: number, extra: Partial<Post> = {}): Post {
  return { id, ts, lat: 0, lon: 0, cc: null, place: null, text: null, tags: [], ...extra };
}

describe('mergePosts', () => {
  it('merges by id, newest first, keeping the limit', () => {
    const current = [post('3', 30), post('1', 10)];
    const incoming = [post('4', 40), post('3', 30, { text: 'edited' }), post('2', 20)];
    const merged = mergePosts(current, incoming, 3);
    expect(merged.map((p) => p.id)).toEqual(['4', '3', '2']);
    expect(merged[1].text).toBe('edited');
  });

  it('orders equal times by id, as snowflakes grow', () => {
    expect(mergePosts([], [post('9', 1), post('10', 1), post('11', 1)], 5).map((p) => p.id)).toEqual(['11', '10', '9']);
  });
});

describe('postPlace', () => {
  const names = (code: string) => ({ FR: 'France', JP: 'Japan' })[code];

  it('names the place and its country', () => {
    expect(postPlace(post('1', 1, { place: 'Paris', cc: 'FR' }), names)).toBe('Paris, France');
    expect(postPlace(post('1', 1, { place: 'Paris, France', cc: 'FR' }), names)).toBe('Paris, France');
    expect(postPlace(post('1', 1, { cc: 'JP' }), names)).toBe('Japan');
    expect(postPlace(post('1', 1, { lat: -33.87, lon: 151.21 }), names)).toBe('33.9°S 151.2°E');
  });
});
