import { describe, expect, it } from 'vitest';
import { FEW_POSTS } from './api-constants';
import { fewPosts } from './few-posts';

describe('fewPosts', () => {
  it('holds below FEW_POSTS (30) and not from it on', () => {
    expect(FEW_POSTS).toBe(30);
    expect([0, 1, 29, 30, 31, 1_000].map(fewPosts)).toEqual([true, true, true, false, false, false]);
  });
});
