import { describe, expect, it } from 'vitest';
import { parseMarkers, parsePostsEvent, parseStats, parseTagRegionsEvent, parseTrendsEvent } from './stream-messages';

describe('parseMarkers', () => {
  it('reads a batch of markers, tags as grouping keys', () => {
    const data = JSON.stringify([{ id: 'a', ts: 1, lat: 48.8, lon: 2.3, cc: 'fr', tags: ['ＷorldCup', 7] }]);
    expect(parseMarkers(data)).toEqual([{ id: 'a', ts: 1, lat: 48.8, lon: 2.3, cc: 'FR', tags: ['worldcup'] }]);
  });

  it('skips malformed items and ignores malformed events without throwing', () => {
    const items = [null, { id: 'x', lat: 100, lon: 0 }, { id: 'y', lat: '1', lon: 2 }, { id: 'z', lat: 1, lon: 2 }];
    const data = JSON.stringify(items);
    expect(parseMarkers(data).map((m) => m.id)).toEqual(['z']);
    expect(parseMarkers('{not json')).toEqual([]);
    expect(parseMarkers('{"a":1}')).toEqual([]);
    expect(parseMarkers(undefined)).toEqual([]);
  });
});

describe('parseStats', () => {
  it('reads stats and rejects nonsense', () => {
    expect(parseStats('{"rate":4.5,"ingested":10,"dropped":2}')).toEqual({ rate: 4.5, ingested: 10, dropped: 2 });
    expect(parseStats('{"rate":"fast"}')).toBeNull();
    expect(parseStats('[]')).toBeNull();
    expect(parseStats('')).toBeNull();
  });
});

describe('trends, tag-regions and posts events', () => {
  it('parse their payloads and turn broken ones into null or nothing', () => {
    expect(parseTrendsEvent('{"region":"world","trends":[]}')?.region).toBe('world');
    expect(parseTrendsEvent('{"trends":')).toBeNull();
    expect(parseTagRegionsEvent('{"tag":"x","regions":[]}')?.tag).toBe('x');
    expect(parseTagRegionsEvent('null')).toBeNull();
    expect(parsePostsEvent('[{"id":"1","ts":1,"lat":0,"lon":0,"tags":[]}]')).toHaveLength(1);
    expect(parsePostsEvent('{"oops":1}')).toEqual([]);
  });
});
