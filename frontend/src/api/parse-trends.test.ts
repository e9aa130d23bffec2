import { describe, expect, it } from 'vitest';
import { parseTrendsResponse } from './parse-trends';

const trend = { tag: 'a', display: 'A', count: 20, share: 0.5, expected: 4, score: 7.2, spark: [1, 2, 3] };

describe('parseTrendsResponse', () => {
  it('reads a full response', () => {
    const body = {
      region: 'view',
      bbox: [170, -20, -170, 10],
      window: '15m',
      sort: 'rising',
      asOf: 5,
      total: 40,
      spark: { slots: 15, slotMs: 60_000 },
      referenceMinutes: 45,
      trends: [trend],
    };
    expect(parseTrendsResponse(body)).toEqual(body);
  });

  it('keeps well-formed trends, fills missing figures and drops broken rows', () => {
    const body = {
      region: 'world',
      window: '1h',
      asOf: null,
      total: 30,
      trends: [trend, { tag: 'b', count: 'many' }, { tag: 'c', count: 10, share: 7, spark: [1, -1, 'x'] }, null],
    };
    const parsed = parseTrendsResponse(body);
    expect(parsed.sort).toBe('top');
    expect(parsed.spark).toEqual({ slots: 0, slotMs: 0 });
    expect(parsed.referenceMinutes).toBe(0);
    expect(parsed.bbox).toBeUndefined();
    expect(parsed.trends).toEqual([trend, { tag: 'c', display: 'c', count: 10, share: 1, expected: 0, score: 0, spark: [1, 0, 0] }]);
  });

  it('throws on a body that is not a trends response', () => {
    expect(() => parseTrendsResponse('<html>')).toThrow();
    expect(() => parseTrendsResponse({ trends: 'none' })).toThrow();
  });
});
