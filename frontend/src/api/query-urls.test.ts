import { describe, expect, it } from 'vitest';
import { formatBbox, postsUrl, streamUrl } from './query-urls';

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
    expect(postsUrl({ region: 'view', bbox: [2.2, 48.8, 2.5, 48.9], tag: 'paris' }, 20)).toBe('/api/posts?bbox=2.2,48.8,2.5,48.9&tag=paris&limit=20');
  });
});

describe('formatBbox', () => {
  it('keeps at most 4 decimals', () => {
    expect(formatBbox([2.123456, -48.000001, 3, 4.5])).toBe('2.1235,-48,3,4.5');
  });
});
