import { describe, expect, it } from 'vitest';
import { parseTrendsResponse, trendsUrl } from './api-client';

describe('trendsUrl', () => {
  it('sends region, window and limit as query parameters', () => {
    expect(trendsUrl({ region: 'FR', window: '6h', limit: 10 })).toBe('/api/trends?region=FR&window=6h&limit=10');
  });
});

describe('parseTrendsResponse', () => {
  it('keeps well-formed trends and drops broken rows', () => {
    const body = {
      region: 'world',
      window: '1h',
      asOf: 5,
      total: 30,
      trends: [{ tag: 'a', display: 'A', count: 20 }, { tag: 'b', count: 'many' }, { tag: 'c', count: 10 }],
    };
    expect(parseTrendsResponse(body)).toEqual({
      region: 'world',
      window: '1h',
      asOf: 5,
      total: 30,
      trends: [
        { tag: 'a', display: 'A', count: 20 },
        { tag: 'c', display: 'c', count: 10 },
      ],
    });
  });

  it('throws on a body that is not a trends response', () => {
    expect(() => parseTrendsResponse('<html>')).toThrow();
    expect(() => parseTrendsResponse({ trends: 'none' })).toThrow();
  });
});
