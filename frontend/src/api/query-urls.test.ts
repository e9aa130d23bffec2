import { describe, expect, it } from 'vitest';
import { formatBbox, labelsUrl, postsUrl, streamUrl, tagRegionsUrl, tagTimelineUrl, trendsUrl } from './query-urls';

const T18 = Date.UTC(2026, 10, 20, 18);

describe('streamUrl', () => {
  it('carries region, window, sort and the tag', () => {
    expect(streamUrl({ region: 'FR', bbox: null, tag: 'worldcup', window: '6h', sort: 'rising' })).toBe(
      '/api/stream?region=FR&tag=worldcup&window=6h&sort=rising',
    );
  });

  it('sends the bbox instead of a region for the viewport', () => {
    expect(streamUrl({ region: 'view', bbox: [170, -20.5, -170, 10], tag: null, window: '1h', sort: 'top' })).toBe(
      '/api/stream?bbox=170,-20.5,-170,10&window=1h&sort=top',
    );
  });

  it('encodes the tag', () => {
    expect(streamUrl({ region: 'world', bbox: null, tag: 'a&b=c,', window: '1h', sort: 'top' })).toContain('tag=a%26b%3Dc,');
  });
});

describe('postsUrl', () => {
  it('asks for a scope and a limit', () => {
    expect(postsUrl({ region: 'JP', bbox: null, tag: null }, 20)).toBe('/api/posts?region=JP&limit=20');
    expect(postsUrl({ region: 'JP', bbox: null, tag: null }, 20, Date.UTC(2026, 10, 20, 18))).toBe(
      '/api/posts?region=JP&limit=20&at=2026-11-20T18:00Z',
    );
    expect(postsUrl({ region: 'view', bbox: [2.2, 48.8, 2.5, 48.9], tag: 'paris' }, 20)).toBe('/api/posts?bbox=2.2,48.8,2.5,48.9&tag=paris&limit=20');
  });
});

describe('formatBbox', () => {
  it('keeps at most 4 decimals', () => {
    expect(formatBbox([2.123456, -48.000001, 3, 4.5])).toBe('2.1235,-48,3,4.5');
  });
});

describe('the requests of history', () => {
  it("asks /api/trends for the stream's query plus the moment, without the tag", () => {
    expect(trendsUrl({ region: 'FR', bbox: null, tag: 'worldcup', window: '6h', sort: 'rising', at: T18 })).toBe(
      '/api/trends?region=FR&window=6h&sort=rising&at=2026-11-20T18:00Z',
    );
    expect(trendsUrl({ region: 'view', bbox: [1, 2, 3, 4], tag: null, window: '7d', sort: 'top', at: null })).toBe(
      '/api/trends?bbox=1,2,3,4&window=7d&sort=top',
    );
  });

  it("asks for a tag's regions and its timeline", () => {
    expect(tagRegionsUrl('a&b', '30d', T18)).toBe('/api/tags/a%26b/regions?window=30d&at=2026-11-20T18:00Z');
    expect(tagRegionsUrl('news', '1h', null)).toBe('/api/tags/news/regions?window=1h');
    expect(tagTimelineUrl({ tag: 'news', region: 'world', bbox: null, from: T18 - 3_600_000, to: T18 })).toBe(
      '/api/tags/news/timeline?region=world&from=2026-11-20T17:00Z&to=2026-11-20T18:00Z&step=1h',
    );
  });

  it('asks for the labels at a moment', () => {
    const request = {
      bbox: [1, 2, 3, 4] as [number, number, number, number],
      zoom: 3,
      window: '1h' as const,
      sort: 'top' as const,
      limit: 50,
      tag: null,
    };
    expect(labelsUrl({ ...request, at: T18 })).toBe('/api/labels?bbox=1,2,3,4&zoom=3&window=1h&sort=top&limit=50&at=2026-11-20T18:00Z');
    expect(labelsUrl({ ...request, at: null })).toBe('/api/labels?bbox=1,2,3,4&zoom=3&window=1h&sort=top&limit=50');
  });
});
