import { describe, expect, it } from 'vitest';
import { isTagQuery, mergeSuggestions, moveActive, serverPrefix } from './suggestions';
import { MAX_PREFIX_LENGTH } from '../../../common/browser/api';

describe('search suggestions', () => {
  const france = { code: 'FR', label: 'France', names: ['france'] };
  const lyon = { name: 'Lyon', country: 'FR', lat: 45.75, lon: 4.85, population: 472_317 };
  const tag = { tag: 'lyon', display: 'Lyon', count: 20 };

  it('lists countries, then cities, then hashtags; only hashtags for a query starting with #', () => {
    expect(mergeSuggestions('lyo', [france], [lyon], [tag]).map((s) => s.kind)).toEqual(['country', 'city', 'tag']);
    expect(mergeSuggestions('#lyo', [france], [lyon], [tag])).toEqual([{ kind: 'tag', tag: 'lyon', display: 'Lyon', count: 20 }]);
    expect(mergeSuggestions('＃lyo', [france], [lyon], [tag])).toHaveLength(1);
    expect(isTagQuery('  #x')).toBe(true);
    expect(isTagQuery('x#')).toBe(false);
  });

  it('asks the server for a query up to the longest prefix it takes, trimmed, and for none longer', () => {
    expect(serverPrefix('  lyo ')).toBe('lyo');
    expect(serverPrefix(`#${'a'.repeat(MAX_PREFIX_LENGTH - 1)}`)).toHaveLength(MAX_PREFIX_LENGTH);
    expect(serverPrefix(`#${'a'.repeat(MAX_PREFIX_LENGTH)}`)).toBeNull();
    expect(serverPrefix('x'.repeat(200))).toBeNull();
  });

  it('keeps to each kind its limit', () => {
    const tags = Array.from({ length: 9 }, (_, i) => ({ ...tag, tag: `t${i}` }));
    expect(mergeSuggestions('t', [], [], tags)).toHaveLength(5);
  });

  it('moves the highlight with the arrow keys, wrapping', () => {
    expect(moveActive(-1, 3, 'ArrowDown')).toBe(0);
    expect(moveActive(2, 3, 'ArrowDown')).toBe(0);
    expect(moveActive(-1, 3, 'ArrowUp')).toBe(2);
    expect(moveActive(0, 3, 'ArrowUp')).toBe(2);
    expect(moveActive(1, 3, 'a')).toBe(1);
    expect(moveActive(0, 0, 'ArrowDown')).toBe(-1);
  });
});
