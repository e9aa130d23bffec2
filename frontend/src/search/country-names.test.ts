import { describe, expect, it } from 'vitest';
import { countryEntries, matchCountries } from './country-names';

describe('countries by name', () => {
  const english = countryEntries(undefined, ['en']);
  const french = countryEntries(undefined, ['fr-FR', 'en']);
  const codes = (entries: ReturnType<typeof countryEntries>, query: string, limit = 5) => matchCountries(entries, query, limit).map((e) => e.code);

  it('knows every country the app names, Kosovo included', () => {
    expect(english.length).toBeGreaterThan(240);
    expect(english.find((entry) => entry.code === 'XK')?.label).toBe('Kosovo');
  });

  it('finds a country by the start of its English name, accents and case aside', () => {
    expect(codes(english, 'Fra')).toEqual(['FR']);
    expect(codes(english, 'cote')).toContain('CI');
    expect(codes(english, 'GERM')).toEqual(['DE']);
  });

  it("finds it in the reader's language too, and shows that name", () => {
    expect(codes(french, 'Allem')).toEqual(['DE']);
    expect(matchCountries(french, 'allem', 5)[0].label).toBe('Allemagne');
    expect(codes(french, 'Germ')).toEqual(['DE']); // English still works
    expect(codes(french, 'etats')).toContain('US'); // "États-Unis"
  });

  it('puts names that start with the query before names with a word that does, and keeps to the limit', () => {
    const kingdom = codes(english, 'king', 10);
    expect(kingdom).toContain('GB'); // United Kingdom
    expect(codes(english, 'united', 10)).toEqual(expect.arrayContaining(['GB', 'US', 'AE']));
    expect(codes(english, 'a', 3)).toHaveLength(3);
    expect(codes(english, '')).toEqual([]);
    expect(codes(english, 'qqq')).toEqual([]);
  });

  it('skips a language Intl does not take', () => {
    expect(countryEntries(['FR'], ['not a language!', 'en'])[0].label).toBe('France');
  });
});
