/**
 * `normaliseLine` on what twarc2 and other tools save of the X API v2: pages of posts
 * (test/fixtures/twarc2-pages.jsonl: `{data: [...], includes, meta, errors, __twarc}`, newest first, as
 * `twarc2 search` writes them) and flattened posts (test/fixtures/twarc2-flat.jsonl: one post a line, its
 * author and place inlined, as `twarc2 flatten` writes them). Both fixtures hold the posts of
 * test/fixtures/v2-envelopes.jsonl, grouped into pages with the includes their posts need (and flattened the
 * way twarc's `expansions.flatten` does), so each post must give exactly what its stream envelope gives.
 */
import { describe, expect, it } from 'vitest';
import { normaliseLine, normalisePost, resultsOf, type NormaliseResult } from './normalise';
import { accepted, envelope, fixtureLines, lookup, normaliseOne, skipped, tally, v2Lines } from './normalise-test-inputs';

/** Each stream envelope's result, by its post's id. */
const byEnvelope = new Map<string, NormaliseResult>();
for (const line of v2Lines) {
  const data = (JSON.parse(line) as { data?: { id: unknown } }).data;
  if (data !== undefined) byEnvelope.set(String(data.id), normaliseOne(line, lookup));
}

/** The id of each post of a page line, in order. */
function pageIds(line: string): string[] {
  const page = JSON.parse(line) as { data?: Array<{ id: unknown }> };
  return (page.data ?? []).map((post) => String(post.id));
}

describe('twarc2 pages (test/fixtures/twarc2-pages.jsonl)', () => {
  const lines = fixtureLines('twarc2-pages.jsonl');
  const results = lines.map((line) => normaliseLine(line, lookup));

  it('reads every post of every page, each exactly as its stream envelope', () => {
    let posts = 0;
    lines.forEach((line, i) => {
      const ids = pageIds(line);
      if (ids.length === 0) return;
      expect(resultsOf(results[i])).toEqual(ids.map((id) => byEnvelope.get(id)));
      posts += ids.length;
    });
    expect(posts).toBe(byEnvelope.size);
    expect(posts).toBe(17);
  });

  it('accounts for every post, and a page with none as empty_page', () => {
    expect(tally(results.flatMap(resultsOf))).toEqual({
      ok: 11,
      empty_page: 1,
      no_id: 1,
      no_location: 1,
      bad_coordinates: 1,
      unknown_place: 2,
      no_hashtag: 1,
    });
  });

  it('keeps the posts of a page with errors, and counts its errors by kind', () => {
    const withErrors = results.filter((r) => r.apiErrors !== undefined);
    expect(withErrors).toHaveLength(1);
    const [page] = withErrors;
    expect(page.apiErrors).toEqual({ 'resource-not-found': 2, 'not-authorized-for-resource': 1, other: 1 });
    // Two of its five posts are geotagged with hashtags (as their stream envelopes are): both are kept.
    expect(resultsOf(page).map((r) => r.ok)).toEqual([true, false, false, false, true]);
  });

  it('finds a post’s place among its own page’s includes only', () => {
    const place = { id: 'aaaaaaaaaaaaaaaa', full_name: 'Paris, France', country_code: 'FR', geo: { bbox: [2.2, 48.8, 2.5, 48.9] } };
    const post = (id: string) => ({ ...envelope().data!, id, geo: { place_id: place.id } });
    const line = JSON.stringify({ data: [post('1635573202398409901'), post('1635573202398409902')], includes: { places: [place] } });
    expect(resultsOf(normaliseLine(line, lookup)).map((r) => r.ok && [r.event.id, r.event.cc, r.event.loc])).toEqual([
      ['1635573202398409901', 'FR', 'place'],
      ['1635573202398409902', 'FR', 'place'],
    ]);
    const alone = JSON.stringify({ data: [post('1635573202398409903')], includes: { places: [] } });
    expect(normaliseLine(alone, lookup)).toEqual({ posts: [skipped('unknown_place')] });
  });

  it('finds places by id in a page of many, the first of an id as a scan would', () => {
    const places = Array.from({ length: 10_000 }, (_, i) => ({
      id: `p${i}`,
      full_name: `place ${i}`,
      country_code: 'FR',
      geo: { bbox: [2.2, 48.8, 2.5, 48.9] },
    }));
    places.push({ ...places[7], full_name: 'a second p7' });
    const posts = Array.from({ length: 5_000 }, (_, i) => ({
      ...envelope().data!,
      id: String(1635573202398409868n + BigInt(i)),
      geo: { place_id: `p${(i * 7) % 10_001}` },
    }));
    const results = resultsOf(normaliseLine(JSON.stringify({ data: posts, includes: { places } }), lookup));
    expect(results.map((r) => (r.ok ? r.event.place : r.reason))).toEqual(
      posts.map((_, i) => ((i * 7) % 10_001 === 10_000 ? 'unknown_place' : `place ${(i * 7) % 10_001}`)),
    );
    expect(results.filter((r) => r.ok && r.event.place === 'a second p7')).toEqual([]);
  });

  it('reads a list of pages or posts on one line, each item an input', () => {
    const [first, second] = lines;
    const list = normaliseLine(`[${first},${second}]`, lookup);
    expect(resultsOf(list)).toEqual([...resultsOf(results[0]), ...resultsOf(results[1])]);
    expect(list.apiErrors).toEqual(results[1].apiErrors);
    expect(normaliseLine('[]', lookup)).toEqual(skipped('empty_page'));
  });

  it('counts the errors of every item of a list, posts or not', () => {
    const error = (kind: string) => ({ type: `https://api.twitter.com/2/problems/${kind}` });
    const items = [
      { errors: [error('operational-disconnect')] },
      { data: [], errors: [error('resource-not-found')] },
      { ...envelope(), errors: [error('not-authorized-for-resource')] },
      { data: [envelope().data], errors: [error('resource-not-found')] },
    ];
    const result = normaliseLine(JSON.stringify(items), lookup);
    expect(resultsOf(result).map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['notice', 'empty_page', 'ok', 'ok']);
    expect(result.apiErrors).toEqual({ 'operational-disconnect': 1, 'resource-not-found': 2, 'not-authorized-for-resource': 1 });
  });

  it('reads every post of a page as big as a line may hold, in a list too', () => {
    const page = `{"data":[${Array.from({ length: 200_000 }, () => '{}').join(',')}]}`;
    expect(resultsOf(normaliseLine(`[${page}]`, lookup))).toHaveLength(200_000);
    expect(tally(resultsOf(normaliseLine(page, lookup)))).toEqual({ no_id: 200_000 });
  });

  it('calls a page of errors without data (as the API writes it) empty_page, its errors counted', () => {
    const page = { errors: [{ type: 'https://api.twitter.com/2/problems/resource-not-found' }], meta: { result_count: 0 } };
    expect(normaliseLine(JSON.stringify(page), lookup)).toEqual({ ...skipped('empty_page'), apiErrors: { 'resource-not-found': 1 } });
  });
});

describe('twarc2 flatten (test/fixtures/twarc2-flat.jsonl)', () => {
  const lines = fixtureLines('twarc2-flat.jsonl');

  it('reads each flattened post exactly as its stream envelope', () => {
    expect(lines).toHaveLength(byEnvelope.size);
    for (const line of lines) {
      const id = String((JSON.parse(line) as { id: unknown }).id);
      expect(normaliseOne(line, lookup), id).toEqual(byEnvelope.get(id));
    }
  });

  it('takes the place from the post’s own geo, where flatten put it', () => {
    const flat = (geo: Record<string, unknown>) => ({ ...envelope().data!, geo });
    const place = { id: 'aaaaaaaaaaaaaaaa', full_name: 'Paris, France', country_code: 'FR', geo: { bbox: [2.2, 48.8, 2.5, 48.9] } };
    const inlined = normalisePost(flat({ place_id: place.id, ...place }), lookup);
    expect(inlined.ok && [inlined.event.cc, inlined.event.place, inlined.event.loc]).toEqual(['FR', 'Paris, France', 'place']);
    // flatten found no such place in the includes: only `place_id` is left.
    expect(normalisePost(flat({ place_id: place.id }), lookup)).toEqual(skipped('unknown_place'));
    // Another place's fields are not this post's place.
    expect(normalisePost(flat({ place_id: place.id, ...place, id: 'bbbbbbbbbbbbbbbb' }), lookup)).toEqual(skipped('unknown_place'));
  });

  it('reads a status with a v1.1 user or creation time as v1.1, whatever its id', () => {
    const v1 = {
      id: '1050118620314268812',
      text: '#tag',
      entities: { hashtags: [{ text: 'tag' }] },
      coordinates: { type: 'Point', coordinates: [2.35, 48.85] },
    };
    // No id_str: v1.1's only usable id is missing, as before these were read as v2.
    expect(normalisePost({ ...v1, user: { id_str: '1' } }, lookup)).toEqual(skipped('no_id'));
    expect(normalisePost({ ...v1, created_at: 'Wed Oct 10 20:19:24 +0000 2018' }, lookup)).toEqual(skipped('no_id'));
  });

  it('still reads a v1.1 status (numeric id, id_str) as one', () => {
    const line =
      '{"id":1050118620314268812,"id_str":"1050118620314268812","text":"#tag","created_at":"Wed Oct 10 20:19:24 +0000 2018",' +
      '"entities":{"hashtags":[{"text":"tag"}]},"coordinates":{"type":"Point","coordinates":[2.35,48.85]}}';
    expect(accepted(normaliseOne(line, lookup)).id).toBe('1050118620314268812');
  });
});
