import { describe, expect, it } from 'vitest';
import { formatMoment, sameDay } from './moment';

describe('formatMoment', () => {
  // Local times, so that the cases hold in any time zone the tests run in.
  const noon = new Date(2026, 10, 26, 12, 0, 0).getTime();

  it('gives the time alone today, and the date with it any other day', () => {
    const earlier = new Date(2026, 10, 26, 0, 0, 1).getTime();
    const yesterday = new Date(2026, 10, 25, 23, 59, 59).getTime();
    const archive = new Date(2014, 5, 12, 19, 0, 7).getTime();
    expect(sameDay(earlier, noon)).toBe(true);
    expect(sameDay(yesterday, noon)).toBe(false);
    expect(formatMoment(earlier, noon)).not.toMatch(/2026/);
    expect(formatMoment(yesterday, noon)).toMatch(/2026/);
    expect(formatMoment(yesterday, noon)).toMatch(/25/);
    expect(formatMoment(archive, noon)).toMatch(/2014/);
    expect(formatMoment(archive, noon)).toMatch(/19:00:07|7:00:07/);
  });
});
