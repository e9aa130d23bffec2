/**
 * `normaliseLine` and `normalisePost` field by field: ids, timestamps, locations, country, the order of
 * skips, and the event's fields. The fixture files, hostile input and the replay sample have files of their own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_VERSION } from '../../../common/node/event';
import type { CountryLookup } from './country-lookup';
import { normaliseLine, normalisePost } from './normalise';
import { accepted, envelope, lookup, normaliseOne, skipped, status } from './normalise-test-inputs';

describe('normaliseLine', () => {
  it('calls blank lines and broken JSON not_json', () => {
    for (const line of ['', '   ', '\r', '{', '{"id_str":', 'nul', "{'a':1}", 'undefined']) {
      expect(normaliseOne(line, lookup)).toEqual(skipped('not_json'));
    }
  });

  it('tolerates a byte-order mark and surrounding whitespace', () => {
    const line = JSON.stringify(status());
    expect(accepted(normaliseOne(`\ufeff${line}`, lookup)).id).toBe('1050118620314268812');
    expect(accepted(normaliseOne(`  ${line}\r`, lookup)).id).toBe('1050118620314268812');
  });

  it('calls valid JSON of another shape unknown_shape', () => {
    for (const line of ['42', '"text"', 'null', 'true', '{}', '{"foo":"bar"}', '{"data":"x"}', '{"meta":1}']) {
      expect(normaliseOne(line, lookup)).toEqual(skipped('unknown_shape'));
    }
    // In a list or a page, each item is an input of its own.
    expect(normaliseLine('[1,"x",[]]', lookup)).toEqual({ posts: [skipped('unknown_shape'), skipped('unknown_shape'), skipped('unknown_shape')] });
    expect(normaliseLine('{"data":[1,null]}', lookup)).toEqual({ posts: [skipped('unknown_shape'), skipped('unknown_shape')] });
  });
});

describe('normalisePost', () => {
  it('accepts a minimal status and envelope', () => {
    expect(accepted(normalisePost(status(), lookup))).toEqual({
      v: EVENT_VERSION,
      id: '1050118620314268812',
      ts: Date.UTC(2018, 9, 10, 20, 19, 24),
      lat: 48.8566,
      lon: 2.3522,
      loc: 'point',
      cc: 'FR',
      lang: 'fr',
      tags: ['tag'],
      display: ['tag'],
      text: 'hello #tag',
    });
    expect(accepted(normalisePost(envelope(), lookup)).cc).toBe('JP');
  });

  it('calls a v2 envelope with errors but no data a notice, and one with data a post', () => {
    expect(normalisePost({ errors: [{ title: 'ConnectionException' }] }, lookup)).toEqual({ ...skipped('notice'), apiErrors: { other: 1 } });
    expect(normalisePost({ data: null, errors: [{ title: 'x' }] }, lookup)).toEqual({ ...skipped('notice'), apiErrors: { other: 1 } });
    expect(normalisePost({ ...envelope(), errors: [{ title: 'partial' }] }, lookup).ok).toBe(true);
  });

  describe('ids', () => {
    it('needs a decimal id string', () => {
      for (const id_str of [undefined, '', ' 123', '12a', '-5', '1e21', '0', '0123', '123456789012345678901', 5]) {
        expect(normalisePost(status({ id_str }), lookup)).toEqual(skipped('no_id'));
        expect(normalisePost(envelope({ id: id_str }), lookup)).toEqual(skipped('no_id'));
      }
    });

    it('never uses the numeric id', () => {
      // eslint-disable-next-line no-loss-of-precision -- an id past 2^53 as a JSON number is the case under test
      expect(normalisePost(status({ id_str: undefined, id: 1050118620314268812 }), lookup)).toEqual(skipped('no_id'));
    });

    it('keeps 20-digit ids', () => {
      expect(accepted(normalisePost(status({ id_str: '18446744073709551615' }), lookup)).id).toBe('18446744073709551615');
    });
  });

  describe('timestamps', () => {
    const ts = (extra: Record<string, unknown>) => accepted(normalisePost(status(extra), lookup)).ts;

    it('reads v1.1 created_at with its offset', () => {
      expect(ts({ created_at: 'Thu Jun 12 21:03:12 +0200 2014' })).toBe(Date.UTC(2014, 5, 12, 19, 3, 12));
      expect(ts({ created_at: 'Thu Jun 12 14:03:12 -0500 2014' })).toBe(Date.UTC(2014, 5, 12, 19, 3, 12));
    });

    it('reads ISO created_at', () => {
      const at = (created_at: string) => accepted(normalisePost(envelope({ created_at }), lookup)).ts;
      expect(at('2014-06-12T19:03:12.345Z')).toBe(Date.UTC(2014, 5, 12, 19, 3, 12, 345));
      expect(at('2014-06-12T19:03:12Z')).toBe(Date.UTC(2014, 5, 12, 19, 3, 12));
      expect(at('2014-06-12T21:03:12.5+02:00')).toBe(Date.UTC(2014, 5, 12, 19, 3, 12, 500));
    });

    it('prefers created_at to timestamp_ms, and falls back past an unreadable one', () => {
      expect(ts({ timestamp_ms: '1402599792000' })).toBe(Date.UTC(2018, 9, 10, 20, 19, 24));
      expect(ts({ created_at: 'Wed Feb 30 20:19:24 +0000 2018', timestamp_ms: '1402599792000' })).toBe(1402599792000);
      // An offset no clock keeps.
      expect(ts({ created_at: 'Wed Oct 10 20:19:24 +2400 2018', timestamp_ms: '1402599792000' })).toBe(1402599792000);
      expect(ts({ created_at: 'Wed Oct 10 20:19:24 -0060 2018', timestamp_ms: '1402599792000' })).toBe(1402599792000);
      expect(ts({ created_at: 12345, timestamp_ms: 1402599792000 })).toBe(1402599792000);
    });

    it('derives the time from a snowflake id', () => {
      const id = ((BigInt(Date.UTC(2014, 5, 12, 19, 0, 7, 250)) - 1288834974657n) << 22n) | 12345n;
      expect(ts({ created_at: undefined, id_str: id.toString() })).toBe(Date.UTC(2014, 5, 12, 19, 0, 7, 250));
      expect(ts({ created_at: undefined, id_str: '29700859247' })).toBe(1288834974657 + 7081);
    });

    it('reads any ISO created_at as building the Date and reading it back does, refusing what Date.UTC would roll over', () => {
      // What the normaliser did before it checked dates by arithmetic: the reference the fast path must agree with.
      // An offset no clock keeps (hours past 23, minutes past 59) is no time, as in `--from` and the API's `at`.
      const reference = (y: number, mo: number, d: number, h: number, mi: number, sec: number, ms: number, oh: number, om: number, west: boolean) => {
        if (h > 23 || mi > 59 || sec > 60 || oh > 23 || om > 59) return undefined;
        const offsetMin = (west ? -1 : 1) * (oh * 60 + om);
        const date = new Date(Date.UTC(y, mo, d, h, mi, Math.min(sec, 59), ms));
        if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo || date.getUTCDate() !== d) return undefined;
        const time = date.getTime() - offsetMin * 60_000;
        return Number.isSafeInteger(time) && time >= 0 && time <= 8.64e15 ? time : undefined;
      };
      const two = fc.integer({ min: 0, max: 99 });
      // Years around the edges that matter (below 100, leap centuries) and any other; days and months out of range too.
      const year = fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 99, 100, 1900, 1970, 2000, 2023, 2024, 2100, 9999));
      const time = fc.tuple(year, two, two, two, two, two, fc.integer({ min: 0, max: 999 }), fc.boolean(), two, two);
      fc.assert(
        fc.property(time, ([y, month, d, h, mi, sec, ms, west, oh, om]) => {
          const pad = (n: number, width = 2) => String(n).padStart(width, '0');
          const created_at = `${pad(y, 4)}-${pad(month)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(sec)}.${pad(ms, 3)}${west ? '-' : '+'}${pad(oh)}:${pad(om)}`;
          const expected = reference(y, month - 1, d, h, mi, sec, ms, oh, om, west);
          const result = normalisePost(envelope({ created_at, id: '20' }), lookup);
          expect(result.ok ? result.event.ts : undefined, created_at).toBe(expected);
        }),
        { numRuns: 20_000 },
      );
      // Leap days, where a slip would show.
      for (const [day, ok] of [
        ['2024-02-29', true],
        ['2023-02-29', false],
        ['2000-02-29', true],
        ['1900-02-29', false],
        ['2100-02-29', false],
      ] as const) {
        expect(normalisePost(envelope({ created_at: `${day}T00:00:00Z`, id: '20' }), lookup).ok, day).toBe(ok);
      }
    });

    it('gives up on a pre-snowflake id with no time', () => {
      expect(normalisePost(status({ created_at: undefined, id_str: '29700859246' }), lookup)).toEqual(skipped('bad_timestamp'));
      expect(normalisePost(status({ created_at: 'now', timestamp_ms: '-1', id_str: '20' }), lookup)).toEqual(skipped('bad_timestamp'));
      expect(normalisePost(envelope({ created_at: '1969-12-31T23:59:59Z', id: '20' }), lookup)).toEqual(skipped('bad_timestamp'));
    });
  });

  describe('locations', () => {
    const where = (extra: Record<string, unknown>) => normalisePost(status(extra), lookup);

    it('rejects bad points', () => {
      for (const coordinates of [[Number.NaN, 1], ['2.35', '48.85'], [2.35], [181, 0], [0, -90.5], [0, 0]]) {
        expect(where({ coordinates: { type: 'Point', coordinates } })).toEqual(skipped('bad_coordinates'));
      }
      expect(where({ coordinates: 'here' })).toEqual(skipped('bad_coordinates'));
    });

    it('treats null coordinates and geo as absent', () => {
      expect(where({ coordinates: null, geo: null, place: null })).toEqual(skipped('no_location'));
    });

    it('rejects a place box with out-of-range corners as bad_coordinates, and a non-box as unknown_place', () => {
      const place = (bounding_box: unknown) => ({ full_name: 'X', country_code: 'FR', bounding_box });
      expect(
        where({
          coordinates: null,
          place: place({
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [0, 95],
              ],
            ],
          }),
        }),
      ).toEqual(skipped('bad_coordinates'));
      expect(where({ coordinates: null, place: place({ type: 'Polygon', coordinates: [] }) })).toEqual(skipped('unknown_place'));
      expect(where({ coordinates: null, place: 'Paris' })).toEqual(skipped('unknown_place'));
    });

    it('rounds to 5 decimals', () => {
      const event = accepted(normalisePost(status({ coordinates: { type: 'Point', coordinates: [2.352219876, 48.856614321] } }), lookup));
      expect([event.lon, event.lat]).toEqual([2.35222, 48.85661]);
    });

    it('treats a v2 place_id with no includes and no coordinates as unknown_place, no geo as no_location', () => {
      expect(normalisePost(envelope({ geo: { place_id: 'abc' } }), lookup)).toEqual(skipped('unknown_place'));
      expect(normalisePost(envelope({ geo: {} }), lookup)).toEqual(skipped('no_location'));
      expect(normalisePost(envelope({ geo: undefined }), lookup)).toEqual(skipped('no_location'));
    });

    it('ignores an unknown place_id when there are coordinates', () => {
      const event = accepted(
        normalisePost(envelope({ geo: { place_id: 'abc', coordinates: { type: 'Point', coordinates: [2.3522, 48.8566] } } }), lookup),
      );
      expect([event.cc, event.place]).toEqual(['FR', undefined]);
    });

    it('rejects a v2 place bbox that is out of range, and calls a missing one unknown_place', () => {
      const includes = (geo: unknown) => ({ includes: { places: [{ id: 'p1', full_name: 'P', country_code: 'JP', geo }] } });
      expect(normalisePost(envelope({ geo: { place_id: 'p1' } }, includes({ bbox: [0, 0, 190, 1] })), lookup)).toEqual(skipped('bad_coordinates'));
      expect(normalisePost(envelope({ geo: { place_id: 'p1' } }, includes({ type: 'Feature' })), lookup)).toEqual(skipped('unknown_place'));
    });
  });

  describe('country', () => {
    const country = (place: unknown, coordinates: unknown = [2.3522, 48.8566]) =>
      accepted(normalisePost(status({ place, coordinates: { type: 'Point', coordinates } }), lookup)).cc;

    it('takes a known country code from the place, upper-cased', () => {
      expect(country({ full_name: 'Somewhere', country_code: 'JP' })).toBe('JP');
      expect(country({ full_name: 'Somewhere', country_code: 'jp' })).toBe('JP');
    });

    it('falls back to the point for an empty, unknown or malformed code', () => {
      expect(country({ full_name: 'Somewhere', country_code: '' })).toBe('FR');
      expect(country({ full_name: 'Somewhere', country_code: 'ZZ' })).toBe('FR');
      expect(country({ full_name: 'Somewhere', country_code: 'FRA' })).toBe('FR');
      expect(country({ full_name: 'Somewhere', country_code: 33 })).toBe('FR');
      expect(country(null, [-30, 35])).toBeNull();
    });

    it('ignores a lookup that answers something that is not a code', () => {
      const odd: CountryLookup = { countryAt: () => 'France' };
      expect(accepted(normalisePost(status(), odd)).cc).toBeNull();
    });

    it('never throws when the lookup does', () => {
      const broken: CountryLookup = {
        countryAt: () => {
          throw new Error('boom');
        },
      };
      expect(normalisePost(status(), broken)).toEqual(skipped('unknown_shape'));
    });
  });

  describe('skip order', () => {
    it('checks id, then time, then location, then hashtags', () => {
      const nothing = { coordinates: null, entities: { hashtags: [] } };
      expect(normalisePost(status({ ...nothing, id_str: undefined, created_at: 'x' }), lookup)).toEqual(skipped('no_id'));
      expect(normalisePost(status({ ...nothing, id_str: '20', created_at: 'x' }), lookup)).toEqual(skipped('bad_timestamp'));
      expect(normalisePost(status(nothing), lookup)).toEqual(skipped('no_location'));
      expect(normalisePost(status({ ...nothing, coordinates: { type: 'Point', coordinates: [0, 0] } }), lookup)).toEqual(skipped('bad_coordinates'));
      expect(normalisePost(status({ ...nothing, place: { bounding_box: null } }), lookup)).toEqual(skipped('unknown_place'));
      expect(normalisePost(status({ entities: { hashtags: [] } }), lookup)).toEqual(skipped('no_hashtag'));
    });

    it('checks notices before shape: a delete carrying an id is still a notice', () => {
      expect(normalisePost({ delete: { status: { id_str: '1' } }, id_str: '1' }, lookup)).toEqual(skipped('notice'));
    });
  });

  describe('fields', () => {
    it('truncates text to 1000 UTF-16 units without splitting a surrogate pair', () => {
      const long = accepted(normalisePost(status({ text: `#tag ${'x'.repeat(2000)}` }), lookup));
      expect(long.text).toBe(`#tag ${'x'.repeat(995)}`);
      const split = accepted(normalisePost(status({ text: `${'a'.repeat(999)}😀b #tag` }), lookup));
      expect(split.text).toBe('a'.repeat(999));
      const fits = accepted(normalisePost(status({ text: `${'a'.repeat(998)}😀b #tag` }), lookup));
      expect(fits.text).toBe(`${'a'.repeat(998)}😀`);
      const allEmoji = accepted(normalisePost(status({ text: '😀'.repeat(1500) }), lookup));
      expect(allEmoji.text).toBe('😀'.repeat(500));
    });

    it('truncates the place name to 200 UTF-16 units', () => {
      const event = accepted(normalisePost(status({ place: { full_name: 'P'.repeat(300), country_code: 'FR' } }), lookup));
      expect(event.place).toBe('P'.repeat(200));
    });

    it('keeps lang up to 16 characters and drops a longer or empty one', () => {
      expect(accepted(normalisePost(status({ lang: 'und' }), lookup)).lang).toBe('und');
      expect(accepted(normalisePost(status({ lang: 'x'.repeat(16) }), lookup)).lang).toBe('x'.repeat(16));
      expect(accepted(normalisePost(status({ lang: 'x'.repeat(17) }), lookup)).lang).toBeUndefined();
      expect(accepted(normalisePost(status({ lang: '' }), lookup)).lang).toBeUndefined();
      expect(accepted(normalisePost(status({ lang: 5 }), lookup)).lang).toBeUndefined();
    });

    it('unescapes &amp; &lt; &gt; exactly once', () => {
      const event = accepted(normalisePost(status({ text: 'a &amp;lt; b &lt;i&gt; &quot; #tag' }), lookup));
      expect(event.text).toBe('a &lt; b <i> &quot; #tag');
    });

    it('omits an empty text', () => {
      const event = accepted(normalisePost(status({ text: '' }), lookup));
      expect('text' in event).toBe(false);
    });

    it('caps a post at 64 tags', () => {
      const hashtags = Array.from({ length: 80 }, (_, i) => ({ text: `t${i}` }));
      const event = accepted(normalisePost(status({ entities: { hashtags } }), lookup));
      expect(event.tags).toHaveLength(64);
    });

    it('ignores truncated: true without an extended_tweet', () => {
      const event = accepted(normalisePost(status({ truncated: true }), lookup));
      expect([event.text, event.tags]).toEqual(['hello #tag', ['tag']]);
    });

    it('reads note_tweet text and finds its hashtags when it has no entities', () => {
      const event = accepted(normalisePost(envelope({ note_tweet: { text: 'long #one ＃Two' } }), lookup));
      expect([event.text, event.tags, event.display]).toEqual(['long #one ＃Two', ['one', 'two'], ['one', 'Two']]);
    });

    it('does not read inherited properties', () => {
      const proto = { id_str: '1050118620314268812' };
      const post = Object.assign(Object.create(proto), status({ id_str: undefined }));
      delete post.id_str;
      expect(normalisePost(post, lookup)).toEqual(skipped('no_id'));
    });
  });
});
