import { describe, expect, it } from 'vitest';
import { LogThrottle } from './log-throttle';

describe('LogThrottle', () => {
  it('lets the first occurrence through and counts the rest of the interval', () => {
    const throttle = new LogThrottle(10_000);
    expect(throttle.admit('junk', 0)).toBe(0);
    expect([1, 2, 9_999].map((t) => throttle.admit('junk', t))).toEqual([null, null, null]);
    // After the interval, the next line carries the count held back.
    expect(throttle.admit('junk', 10_000)).toBe(3);
    expect(throttle.admit('junk', 10_001)).toBeNull();
  });

  it('keeps conditions apart', () => {
    const throttle = new LogThrottle(1_000);
    expect(throttle.admit('a', 0)).toBe(0);
    expect(throttle.admit('b', 1)).toBe(0);
    expect(throttle.admit('a', 2)).toBeNull();
  });

  it('reports the count of a flood that stopped, once its interval has passed, and only once', () => {
    const throttle = new LogThrottle(1_000);
    throttle.admit('junk', 0);
    for (let t = 1; t <= 500; t += 1) throttle.admit('junk', t);
    expect(throttle.due(999)).toEqual([]);
    expect(throttle.due(1_000)).toEqual([{ key: 'junk', held: 500 }]);
    // A count just reported counts as a line: the next occurrence within the interval is held back.
    expect(throttle.admit('junk', 1_500)).toBeNull();
    expect(throttle.due(1_999)).toEqual([]);
    expect(throttle.due(2_000)).toEqual([{ key: 'junk', held: 1 }]);
    expect(throttle.due(9_000)).toEqual([]);
  });

  it('stays bounded when keys keep changing', () => {
    const throttle = new LogThrottle(1_000, 3);
    for (let i = 0; i < 10; i += 1) expect(throttle.admit(`k${i}`, 0)).toBe(0);
    expect(throttle.due(10_000)).toEqual([]);
  });
});
