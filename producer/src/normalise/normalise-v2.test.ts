/**
 * `normaliseLine` on v2 envelopes as the filtered stream sends them (test/fixtures/v2-envelopes.jsonl).
 */
import { describe, expect, it } from 'vitest';
import { EVENT_VERSION } from '../../../common/node/event';
import { accepted, lookup, normaliseOne, tally, v2Line, v2Lines } from './normalise-test-inputs';

describe('v2 envelopes (test/fixtures/v2-envelopes.jsonl)', () => {
  it('accounts for every line', () => {
    expect(tally(v2Lines.map((line) => normaliseOne(line, lookup)))).toEqual({
      ok: 11,
      notice: 1,
      no_id: 1,
      no_location: 1,
      bad_coordinates: 1,
      unknown_place: 2,
      no_hashtag: 1,
    });
  });

  it('uses the exact point, with the included place for name and country', () => {
    expect(accepted(normaliseOne(v2Line('1635573202398409868'), lookup))).toEqual({
      v: EVENT_VERSION,
      id: '1635573202398409868',
      ts: Date.UTC(2023, 2, 14, 9, 26, 53, 589),
      lat: 35.6812,
      lon: 139.7671,
      loc: 'point',
      cc: 'JP',
      place: 'Chiyoda-ku, Tokyo',
      lang: 'ja',
      tags: ['tokyo', '東京駅'],
      display: ['Tokyo', '東京駅'],
      text: 'Tokyo Station at dusk #Tokyo #東京駅',
    });
  });

  it('uses the centre of the place bbox when there is no point', () => {
    expect(accepted(normaliseOne(v2Line('1635573206591899972'), lookup))).toEqual({
      v: EVENT_VERSION,
      id: '1635573206591899972',
      ts: Date.UTC(2023, 2, 14, 9, 26, 54, 589),
      lat: 34.665,
      lon: 135.475,
      loc: 'place',
      cc: 'JP',
      place: 'Osaka-shi, Osaka',
      lang: 'ja',
      tags: ['大阪', 'osaka'],
      display: ['大阪', 'Osaka'],
      text: 'たこ焼き最高 #大阪 #Osaka',
    });
  });

  it('finds the named place among several included places', () => {
    const event = accepted(normaliseOne(v2Line('1635573265312592089'), lookup));
    expect([event.place, event.cc, event.loc, event.lat, event.lon]).toEqual(['Kyoto-shi, Kyoto', 'JP', 'point', 34.9949, 135.785]);
  });

  it('skips a place_id that includes does not describe as unknown_place', () => {
    expect(normaliseOne(v2Line('1635573210785415410'), lookup)).toEqual({ ok: false, reason: 'unknown_place' });
    expect(normaliseOne(v2Line('1635573214982780553'), lookup)).toEqual({ ok: false, reason: 'unknown_place' });
  });

  it('keeps a 19-digit id above 2^53 exactly', () => {
    const event = accepted(normaliseOne(v2Line('1850006781237256193'), lookup));
    expect(event.id).toBe('1850006781237256193');
    expect(event.ts).toBe(Date.UTC(2024, 9, 26, 2, 49, 22, 767));
    expect(event.cc).toBe('JP');
  });

  it('takes a long post whole from note_tweet', () => {
    const event = accepted(normaliseOne(v2Line('1635573219175306766'), lookup));
    expect(event.tags).toEqual(['marathon', 'running', 'nycmarathon']);
    expect(event.display).toEqual(['Marathon', 'Running', 'NYCMarathon']);
    expect(event.text).toMatch(/most of our legs\. #Marathon #Running #NYCMarathon$/);
    expect(event.cc).toBe('US');
  });

  it('finds hashtags in the text when there are no entities', () => {
    const event = accepted(normaliseOne(v2Line('1635573223370061754'), lookup));
    expect([event.tags, event.display, event.cc]).toEqual([['ai', 'end'], ['AI', 'end'], 'US']);
  });

  it('centres a bbox that crosses the antimeridian (west > east)', () => {
    const event = accepted(normaliseOne(v2Line('1635573227566118308'), lookup));
    expect([event.lon, event.lat, event.loc, event.cc]).toEqual([179.8, -16.75, 'place', 'FJ']);
  });

  it('calls an error envelope a notice, its error counted by kind', () => {
    const line = v2Lines.find((l) => l.startsWith('{"errors":'))!;
    expect(normaliseOne(line, lookup)).toEqual({ ok: false, reason: 'notice', apiErrors: { 'operational-disconnect': 1 } });
  });

  it('skips what has no geo, bad coordinates, no hashtag, or a numeric id', () => {
    expect(normaliseOne(v2Line('1635573231756854902'), lookup)).toEqual({ ok: false, reason: 'no_location' });
    expect(normaliseOne(v2Line('1635573235954591935'), lookup)).toEqual({ ok: false, reason: 'bad_coordinates' });
    expect(normaliseOne(v2Line('1635573240148254988'), lookup)).toEqual({ ok: false, reason: 'no_hashtag' });
    const numeric = v2Lines.find((l) => l.includes('"text":"Numbers #num"'))!;
    expect(normaliseOne(numeric, lookup)).toEqual({ ok: false, reason: 'no_id' });
  });

  it('keeps hostile markup as plain text', () => {
    const event = accepted(normaliseOne(v2Line('1635573244342058355'), lookup));
    expect(event.text).toBe('<img src=x onerror=alert(1)> #xss <script>alert("x")</script>');
    expect(event.tags).toEqual(['xss']);
  });

  it('falls back to point-in-polygon for an empty country code, and null at sea', () => {
    expect(accepted(normaliseOne(v2Line('1635573248536539286'), lookup)).cc).toBe('FR');
    const sea = accepted(normaliseOne(v2Line('1635573252729328458'), lookup));
    expect([sea.lon, sea.lat, sea.cc]).toEqual([160, -40, null]);
  });

  it('derives the time from the snowflake id when created_at is missing', () => {
    expect(accepted(normaliseOne(v2Line('1635573261120068724'), lookup)).ts).toBe(Date.UTC(2023, 2, 14, 9, 27, 7, 589));
  });
});
