import { describe, expect, it } from 'vitest';
import { BucketCache } from './bucket-cache';

const sized = (bytes: number) => ({ bytes });

describe('bucket cache', () => {
  it('keeps within its budget, letting the least recently used go first', () => {
    const cache = new BucketCache(100);
    const a = sized(40);
    const b = sized(40);
    cache.set('hours/a', '', a);
    cache.set('hours/b', 'index', b);
    expect(cache.get('hours/a')).toBe(a);
    cache.set('hours/c', 'regions:FR', sized(40));
    // b was the least recently used: a was read after it was kept.
    expect(cache.get('hours/b', 'index')).toBeUndefined();
    expect(cache.get('hours/a')).toBe(a);
    expect(cache.bytes).toBe(80);
  });

  it('keeps what was just kept even past its budget, and nothing else', () => {
    const cache = new BucketCache(100);
    cache.set('hours/a', '', sized(60));
    const big = sized(150);
    cache.set('hours/b', '', big);
    expect(cache.get('hours/a')).toBeUndefined();
    expect(cache.get('hours/b')).toBe(big);
    expect(cache.bytes).toBe(150);
  });

  it('forgets a bucket in every form, and only that bucket', () => {
    const cache = new BucketCache(1_000);
    cache.set('hours/a', '', sized(1));
    cache.set('hours/a', 'index', sized(2));
    cache.set('hours/a', 'regions:c6#1,c6#2', sized(3));
    cache.set('hours/ab', '', sized(4));
    cache.forget('hours/a');
    expect([cache.get('hours/a'), cache.get('hours/a', 'index'), cache.get('hours/a', 'regions:c6#1,c6#2')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(cache.get('hours/ab')).toEqual(sized(4));
    expect(cache.bytes).toBe(4);
  });

  it('counts a part for the bytes it is kept for, when it holds more than its own', () => {
    const cache = new BucketCache(100);
    const small = sized(10);
    cache.set('hours/a', 'tops:world', small, 70);
    cache.set('hours/b', '', sized(40));
    expect(cache.bytes).toBe(40);
    expect(cache.get('hours/a', 'tops:world')).toBeUndefined();
  });

  it('replaces what a part held, counting its bytes once', () => {
    const cache = new BucketCache(1_000);
    cache.set('days/d', '', sized(10));
    cache.set('days/d', '', sized(30));
    expect(cache.bytes).toBe(30);
  });
});
