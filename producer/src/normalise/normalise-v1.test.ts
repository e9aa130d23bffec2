/**
 * `normaliseLine` on v1.1 statuses as the archive holds them (test/fixtures/v1-statuses.jsonl).
 */
import { describe, expect, it } from 'vitest';
import { EVENT_VERSION } from '../../../common/node/event';
import { normalisePost } from './normalise';
import { accepted, lookup, normaliseOne, tally, v1Line, v1Lines } from './normalise-test-inputs';

describe('v1.1 statuses (test/fixtures/v1-statuses.jsonl)', () => {
  it('accounts for every line', () => {
    expect(tally(v1Lines.map((line) => normaliseOne(line, lookup)))).toEqual({
      ok: 15,
      notice: 8,
      no_id: 1,
      bad_timestamp: 1,
      no_location: 1,
      bad_coordinates: 2,
      unknown_place: 1,
      no_hashtag: 2,
    });
  });

  it('uses the exact point, with the place for name and country', () => {
    expect(accepted(normaliseOne(v1Line('1050118620314268812'), lookup))).toEqual({
      v: EVENT_VERSION,
      id: '1050118620314268812',
      ts: Date.UTC(2018, 9, 10, 20, 19, 24),
      lat: 48.8566,
      lon: 2.3522,
      loc: 'point',
      cc: 'FR',
      place: 'Paris, France',
      lang: 'fr',
      tags: ['paris', 'toureiffel'],
      display: ['Paris', 'TourEiffel'],
      text: 'Tour Eiffel ce soir #Paris #TourEiffel',
    });
  });

  it('uses the centre of the place bounding box when there is no point', () => {
    expect(accepted(normaliseOne(v1Line('1050118624507758916'), lookup))).toEqual({
      v: EVENT_VERSION,
      id: '1050118624507758916',
      ts: Date.UTC(2018, 9, 10, 20, 19, 25),
      lat: 35.675,
      lon: 139.74,
      loc: 'place',
      cc: 'JP',
      place: 'Shibuya-ku, Tokyo',
      lang: 'ja',
      tags: ['東京', 'shibuya'],
      display: ['東京', 'Shibuya'],
      text: '渋谷なう #東京 #Shibuya',
    });
    // San Francisco: (-122.514926 + -122.357031) / 2, (37.708075 + 37.833238) / 2, to 5 decimals.
    const sf = accepted(normaliseOne(v1Line('1050118641285920698'), lookup));
    expect([sf.lon, sf.lat, sf.loc, sf.cc]).toEqual([-122.43598, 37.77066, 'place', 'US']);
  });

  it('reads the legacy geo field latitude first, and finds the country from the point', () => {
    expect(accepted(normaliseOne(v1Line('1050118628701274354'), lookup))).toEqual({
      v: EVENT_VERSION,
      id: '1050118628701274354',
      ts: Date.UTC(2018, 9, 10, 20, 19, 26),
      lat: 40.7829,
      lon: -73.9654,
      loc: 'point',
      cc: 'US',
      lang: 'en',
      tags: ['nyc'],
      display: ['NYC'],
      text: 'Central Park afternoon #NYC',
    });
  });

  it('prefers coordinates over geo', () => {
    const post = JSON.parse(v1Line('1050118620314268812'));
    post.geo = { type: 'Point', coordinates: [35.6895, 139.6917] };
    const event = accepted(normalisePost(post, lookup));
    expect([event.lat, event.lon]).toEqual([48.8566, 2.3522]);
  });

  it('takes a truncated status whole from extended_tweet, text and entities', () => {
    const event = accepted(normaliseOne(v1Line('1050118632898639497'), lookup));
    expect(event.tags).toEqual(['longread', 'thread', 'science']);
    expect(event.display).toEqual(['LongRead', 'Thread', 'Science']);
    expect(event.text).toMatch(/^Une longue lecture .* Lisez tout le fil\. #LongRead #Thread #Science$/);
    expect([event.cc, event.place, event.loc]).toEqual(['FR', 'Lyon, France', 'point']);
  });

  it('finds hashtags in the text when there is no entities object: ＃ starts one, #16 and #frag are not', () => {
    const event = accepted(normaliseOne(v1Line('1050118637091165710'), lookup));
    expect(event.tags).toEqual(['lyon', 'fête', 'fin']);
    expect(event.display).toEqual(['Lyon', 'Fête', 'fin']);
    expect(event.cc).toBe('FR');
  });

  it('counts #AI, #ai and ＃ＡＩ once, spelled as first written', () => {
    const event = accepted(normaliseOne(v1Line('1050118641285920698'), lookup));
    expect(event.tags).toEqual(['ai']);
    expect(event.display).toEqual(['AI']);
    const tokyo = accepted(normaliseOne(v1Line('1050118712590822206'), lookup));
    expect([tokyo.tags, tokyo.display]).toEqual([['tokyo'], ['Tokyo']]);
  });

  it('keeps a 19-digit id above 2^53 exactly, from id_str', () => {
    const line = v1Line('1850006781237256193');
    // The numeric id has lost its last digits by the time JSON.parse returns it.
    expect(String(JSON.parse(line).id)).toBe('1850006781237256200');
    const event = accepted(normaliseOne(line, lookup));
    expect(event.id).toBe('1850006781237256193');
    expect(event.ts).toBe(Date.UTC(2024, 9, 26, 2, 49, 22));
    expect([event.cc, event.tags]).toEqual(['JP', ['tokyo', 'アキバ']]);
  });

  it('refuses a status with only a numeric id', () => {
    const line = v1Lines.find((l) => l.includes('"text":"Nice day #sun"'))!;
    expect(normaliseOne(line, lookup)).toEqual({ ok: false, reason: 'no_id' });
  });

  it('calls every kind of v1.1 stream message a notice', () => {
    const keys = ['delete', 'limit', 'scrub_geo', 'status_withheld', 'user_withheld', 'disconnect', 'warning', 'event'];
    const notices = v1Lines.filter((l) => keys.some((k) => l.startsWith(`{"${k}":`)));
    expect(notices).toHaveLength(8);
    for (const line of notices) expect(normaliseOne(line, lookup)).toEqual({ ok: false, reason: 'notice' });
  });

  it('skips a place without a bounding box as unknown_place', () => {
    expect(normaliseOne(v1Line('1050118653867017846'), lookup)).toEqual({ ok: false, reason: 'unknown_place' });
  });

  it('skips a status with neither coordinates nor place as no_location', () => {
    expect(normaliseOne(v1Line('1050118658064754879'), lookup)).toEqual({ ok: false, reason: 'no_location' });
  });

  it('skips out-of-range coordinates and null island as bad_coordinates', () => {
    expect(normaliseOne(v1Line('1050118662258417932'), lookup)).toEqual({ ok: false, reason: 'bad_coordinates' });
    expect(normaliseOne(v1Line('1050118666452221299'), lookup)).toEqual({ ok: false, reason: 'bad_coordinates' });
  });

  it('centres a place box that crosses the antimeridian on the right side', () => {
    const event = accepted(normaliseOne(v1Line('1050118670646702230'), lookup));
    expect([event.lon, event.lat, event.loc, event.cc, event.place]).toEqual([179.8, -16.75, 'place', 'FJ', 'Taveuni, Fiji']);
  });

  it('falls back to point-in-polygon when the place country code is empty', () => {
    const event = accepted(normaliseOne(v1Line('1050118674839491402'), lookup));
    expect([event.cc, event.place, event.loc]).toEqual(['FR', 'Stade de France', 'point']);
  });

  it('gives a point at sea no country', () => {
    const event = accepted(normaliseOne(v1Line('1050118679034211001'), lookup));
    expect([event.lon, event.lat, event.cc]).toEqual([-30, 35, null]);
  });

  it('unescapes the API HTML entities once and keeps hostile markup as plain text', () => {
    const event = accepted(normaliseOne(v1Line('1050118683230231668'), lookup));
    expect(event.text).toBe('<img src=x onerror=alert(1)> & more #xss');
    expect(event.tags).toEqual(['xss']);
  });

  it('trusts entities over the text: an empty or missing hashtags list means no hashtag', () => {
    expect(normaliseOne(v1Line('1050118687422755033'), lookup)).toEqual({ ok: false, reason: 'no_hashtag' });
    expect(normaliseOne(v1Line('1050118691618249507'), lookup)).toEqual({ ok: false, reason: 'no_hashtag' });
  });

  it('takes the time from created_at, else timestamp_ms, else the snowflake id', () => {
    expect(accepted(normaliseOne(v1Line('1050118695812194513'), lookup)).ts).toBe(1539202842123);
    expect(accepted(normaliseOne(v1Line('1050118704199586181'), lookup)).ts).toBe(Date.UTC(2018, 9, 10, 20, 19, 44));
    expect(normaliseOne(v1Line('12345'), lookup)).toEqual({ ok: false, reason: 'bad_timestamp' });
  });

  it('reads full_text (REST extended mode)', () => {
    const event = accepted(normaliseOne(v1Line('1050118708392948862'), lookup));
    expect([event.text, event.tags, event.cc]).toEqual(['Ramen in Sapporo #味噌ラーメン #Hokkaido', ['味噌ラーメン', 'hokkaido'], 'JP']);
  });
});
