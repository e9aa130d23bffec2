import { describe, expect, it } from 'vitest';
import { parseTagRegionsResponse } from './parse-tag-regions';

describe('parseTagRegionsResponse', () => {
  it('reads regions, normalising codes and recomputing missing shares', () => {
    const body = {
      tag: 'worldcup',
      display: 'WorldCup',
      window: '1h',
      asOf: 10,
      total: 60,
      regions: [
        { region: 'FR', count: 40, posts: 100, share: 0.4 },
        { region: 'de', count: 10, posts: 40 },
        { region: 'XXX', count: 1, posts: 1, share: 1 },
        { region: 'GB', count: -1, posts: 3, share: 0 },
      ],
    };
    expect(parseTagRegionsResponse(body)).toEqual({
      ...body,
      regions: [
        { region: 'FR', count: 40, posts: 100, share: 0.4 },
        { region: 'DE', count: 10, posts: 40, share: 0.25 },
      ],
    });
  });

  it('throws on a body without a tag or regions', () => {
    expect(() => parseTagRegionsResponse({ regions: [] })).toThrow();
    expect(() => parseTagRegionsResponse({ tag: 'x' })).toThrow();
  });
});
