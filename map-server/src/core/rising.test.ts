import { describe, expect, it } from 'vitest';
import { RISING } from '../../../common/browser/api';
import { countedPlan, isRising, risingPlan, risingScore } from './rising';

describe('rising', () => {
  it('compares each window with the period before it, out to the next longer window; 24h as 6h', () => {
    const plans = (['15m', '1h', '6h', '24h'] as const).map((w) => {
      const { recentMinutes, referenceMinutes, windowIsRecent } = risingPlan(w);
      return [recentMinutes, referenceMinutes, windowIsRecent];
    });
    expect(plans).toEqual([
      [15, 45, true],
      [60, 300, true],
      [360, 1080, true],
      [360, 1080, false],
    ]);
  });

  it('scores growth in Poisson standard deviations against the reference rate', () => {
    expect(risingScore(10, 3, risingPlan('15m'))).toEqual({ expected: 1, score: 9 / Math.sqrt(2) });
    expect(risingScore(0, 0, risingPlan('1h'))).toEqual({ expected: 0, score: 0 });
    // A big tag that doubles outranks a tiny one that goes from 0 to 2.
    expect(risingScore(200, 300, risingPlan('15m')).score).toBeGreaterThan(risingScore(2, 0, risingPlan('15m')).score);
  });

  it('lists only tags with enough posts and a positive score', () => {
    const plan = risingPlan('1h');
    expect([isRising(RISING.minCount, 0.1, plan), isRising(RISING.minCount - 1, 9, plan), isRising(50, 0, plan)]).toEqual([true, false, false]);
  });

  it('takes the reference rate over the part of the reference period with history, and lists nothing without any', () => {
    const end = 10_000;
    // 15m: the recent window is minutes 9986..10000, its reference 9941..9985.
    expect(countedPlan(risingPlan('15m'), end, end - 59, end - 14, 9_000).coveredMinutes).toBe(45);
    expect(countedPlan(risingPlan('15m'), end, end - 59, end - 14, 9_941).coveredMinutes).toBe(45);
    expect(countedPlan(risingPlan('15m'), end, end - 59, end - 14, 9_976).coveredMinutes).toBe(10);
    expect(countedPlan(risingPlan('15m'), end, end - 59, end - 14, 9_986).coveredMinutes).toBe(0);
    expect(countedPlan(risingPlan('15m'), end, end - 59, end - 14, null).coveredMinutes).toBe(0);

    // 3 posts in the 10 minutes with history predict 4.5 in 15 minutes, not the 1 that 45 minutes would.
    const young = countedPlan(risingPlan('15m'), end, end - 59, end - 14, 9_976);
    expect(risingScore(10, 3, young)).toEqual({ expected: 4.5, score: 5.5 / Math.sqrt(5.5) });

    const fresh = countedPlan(risingPlan('15m'), end, end - 59, end - 14, 9_990);
    expect(risingScore(50, 0, fresh)).toEqual({ expected: 0, score: 0 });
    expect(isRising(50, 9, fresh)).toBe(false);
  });
});
