import { describe, expect, it } from 'vitest';
import { RISING } from '../../../common/src/api';
import { isRising, risingPlan, risingScore } from './rising';

describe('rising', () => {
  it('compares each window with the period before it, out to the next longer window; 24h as 6h', () => {
    const plans = (['15m', '1h', '6h', '24h'] as const).map((w) => {
      const { recentMinutes, referenceMinutes, windowIsRecent } = risingPlan(w);
      return [recentMinutes, referenceMinutes, windowIsRecent];
    });
    expect(plans).toEqual([[15, 45, true], [60, 300, true], [360, 1080, true], [360, 1080, false]]);
  });

  it('scores growth in Poisson standard deviations against the reference rate', () => {
    expect(risingScore(10, 3, risingPlan('15m'))).toEqual({ expected: 1, score: 9 / Math.sqrt(2) });
    expect(risingScore(0, 0, risingPlan('1h'))).toEqual({ expected: 0, score: 0 });
    // A big tag that doubles outranks a tiny one that goes from 0 to 2.
    expect(risingScore(200, 300, risingPlan('15m')).score).toBeGreaterThan(risingScore(2, 0, risingPlan('15m')).score);
  });

  it('lists only tags with enough posts and a positive score', () => {
    expect([isRising(RISING.minCount, 0.1), isRising(RISING.minCount - 1, 9), isRising(50, 0)]).toEqual([true, false, false]);
  });
});
