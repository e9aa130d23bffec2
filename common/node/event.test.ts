import { describe, expect, it } from 'vitest';
import { checkedEvent, checkEvent, decodeEvent, encodeEvent, EVENT_LIMITS, type GeoEvent } from './event';
import { ruledTags } from './hashtag';

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
    const decoded = decodeEvent(encodeEvent(checkedEvent(structuredClone(valid))));
    expect(decoded).toEqual({ ok: true, event: valid });
  });

  it.each([
    ['not JSON', Buffer.from('{"v":1,'), /not JSON/],
    // eslint-disable-next-line no-loss-of-precision -- an id past 2^53 as a JSON number is the case under test
    ['a numeric id', JSON.stringify({ ...valid, id: 1850006781237256193 }), /\/id/],
    ['a wrong version', JSON.stringify({ ...valid, v: 2 }), /^\/v is schema version 2; this build reads version 1$/],
    ['a version as text', JSON.stringify({ ...valid, v: '1' }), /^\/v is schema version "1"/],
    ['no version', JSON.stringify({ ...valid, v: undefined }), /\/v|required/],
    ['a latitude out of range', JSON.stringify({ ...valid, lat: 91 }), /\/lat/],
    ['a lower-case country', JSON.stringify({ ...valid, cc: 'jp' }), /\/cc/],
    ['no tags', JSON.stringify({ ...valid, tags: [], display: [] }), /\/tags/],
    ['display out of step with tags', JSON.stringify({ ...valid, display: ['東京'] }), /one entry per tag/],
    ['repeated tags', JSON.stringify({ ...valid, tags: ['ai', 'ai'], display: ['AI', 'ai'] }), /distinct/],
    ['an unknown field', JSON.stringify({ ...valid, extra: true }), /./],
    // Junk tags are refused as the producer refuses them (common/node/hashtag.ts), whoever wrote the message.
    [
      'a display that is not a hashtag',
      JSON.stringify({ ...valid, tags: ['東京', 'x</textarea>'], display: ['東京', 'x</textarea>'] }),
      /^\/display\/1 is not a hashtag .*\(invalid_hashtag\)$/,
    ],
    ['a number for a hashtag', JSON.stringify({ ...valid, tags: ['123'], display: ['123'] }), /\/display\/0 is not a hashtag/],
    ['a key ?tag= cannot follow', JSON.stringify({ ...valid, tags: ['\ufdfa'], display: ['\ufdfa'] }), /\/display\/0 .*invalid_hashtag/],
    [
      "a key that is not the display's",
      JSON.stringify({ ...valid, tags: ['東京', 'ml'], display: ['東京', 'AI'] }),
      /^\/tags\/1 must be the key of \/display\/1$/,
    ],
    ['a key in another casing', JSON.stringify({ ...valid, tags: ['東京', 'AI'] }), /\/tags\/1 must be the key/],
    ['a huge message', Buffer.alloc(EVENT_LIMITS.maxBytes + 1, 0x20), /too large/],
  ])('refuses %s with a reason', (_what, bytes, error) => {
    const decoded = decodeEvent(bytes);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error).toMatch(error);
  });

  it('will not let an invalid event be published', () => {
    expect(() => checkedEvent({ ...valid, lon: 200 })).toThrow(/refusing to publish/);
    expect(checkEvent({ ...valid, lon: 200 }).ok).toBe(false);
  });

  it('freezes a checked event, its arrays too, so that neither side of the bus can change it', () => {
    const event = checkedEvent(structuredClone(valid));
    expect(() => (event as GeoEvent).tags.push('more')).toThrow(TypeError);
    expect(() => ((event as GeoEvent).display[0] = 'x')).toThrow(TypeError);
    expect(() => ((event as GeoEvent).lat = 0)).toThrow(TypeError);
    expect(event).toEqual(valid);
  });

  it('checks the rest of an event whose tags were ruled where they were made, and any other tags in full', () => {
    const ruled = (tags: string[], display: string[]) => {
      ruledTags(tags, display);
      return { tags, display };
    };
    expect(checkEvent({ ...valid, ...ruled(['東京', 'ai'], ['東京', 'AI']) }).ok).toBe(true);
    // Ruled tags spare only the hashtag rule: the schema and the pairing are still checked.
    expect(checkEvent({ ...valid, ...ruled(['東京', 'ai'], ['東京', 'AI']), lon: 200 })).toMatchObject({ ok: false, error: /\/lon/ });
    expect(checkEvent({ ...valid, ...ruled(['東京', 'ai'], ['東京']) })).toMatchObject({ ok: false, error: /one entry per tag/ });
    // The same tags in lists not ruled (a copy, or read from the wire) go through the rule.
    const { tags, display } = ruled(['x</textarea>'], ['x</textarea>']);
    expect(checkEvent({ ...valid, tags: [...tags], display: [...display] })).toMatchObject({ ok: false, error: /not a hashtag/ });
  });
});
