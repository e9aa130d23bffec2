import { describe, expect, it } from 'vitest';
import { ANSWER_CACHE_KEYS, AnswerCache } from './answer-cache';

describe('AnswerCache', () => {
  it('keeps an answer while the version is unchanged, and recomputes it when it moves', () => {
    const cache = new AnswerCache<{ n: number }>();
    let computed = 0;
    const compute = () => ({ n: (computed += 1) });
    const first = cache.get('q', 1, compute);
    expect(cache.get('q', 1, compute)).toBe(first);
    expect(cache.get('other', 1, compute)).not.toBe(first);
    expect(cache.get('q', 2, compute)).toEqual({ n: 3 });
    expect(computed).toBe(3);
  });

  it('starts over past its size instead of growing without end', () => {
    const cache = new AnswerCache<number>();
    let computed = 0;
    const compute = () => (computed += 1);
    cache.get('first', 1, compute);
    for (let i = 0; i <= ANSWER_CACHE_KEYS; i += 1) cache.get(`box ${i}`, 1, compute);
    const before = computed;
    cache.get('first', 1, compute);
    expect(computed).toBe(before + 1);
  });
});
