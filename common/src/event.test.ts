import { describe, expect, it } from 'vitest';
import { checkEvent, decodeEvent, encodeEvent, EVENT_LIMITS, type GeoEvent } from './event';

const valid: GeoEvent = {
  v: 1,
  id: '1850006781237256193',
  ts: Date.UTC(2024, 9, 26),
  lat: 35.6895,
  lon: 139.6917,
  loc: 'point',
  cc: 'JP',
  tags: ['東京', 'ai'],
  display: ['東京', 'AI'],
  text: '<img src=x onerror=alert(1)> #東京 #AI',
};

describe('event contract', () => {
  it('round-trips an event, 64-bit id intact', () => {
    const decoded = decodeEvent(encodeEvent(valid));
    expect(decoded).toEqual({ ok: true, event: valid });
  });

  it.each([
    ['not JSON', Buffer.from('{"v":1,'), /not JSON/],
    ['a numeric id', JSON.stringify({ ...valid, id: 1850006781237256193 }), /\/id/],
    ['a wrong version', JSON.stringify({ ...valid, v: 2 }), /\/v/],
    ['a latitude out of range', JSON.stringify({ ...valid, lat: 91 }), /\/lat/],
    ['a lower-case country', JSON.stringify({ ...valid, cc: 'jp' }), /\/cc/],
    ['no tags', JSON.stringify({ ...valid, tags: [], display: [] }), /\/tags/],
    ['display out of step with tags', JSON.stringify({ ...valid, display: ['東京'] }), /one entry per tag/],
    ['repeated tags', JSON.stringify({ ...valid, tags: ['ai', 'ai'], display: ['AI', 'ai'] }), /distinct/],
    ['an unknown field', JSON.stringify({ ...valid, extra: true }), /./],
    ['a huge message', Buffer.alloc(EVENT_LIMITS.maxBytes + 1, 0x20), /too large/],
  ])('refuses %s with a reason', (_what, bytes, error) => {
    const decoded = decodeEvent(bytes);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error).toMatch(error);
  });

  it('will not encode an invalid event', () => {
    expect(() => encodeEvent({ ...valid, lon: 200 })).toThrow(/refusing to publish/);
    expect(checkEvent({ ...valid, lon: 200 }).ok).toBe(false);
  });
});
