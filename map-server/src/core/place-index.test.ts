import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldName } from '../../../common/browser/fold-name';
import { PlaceIndex, placeColumns, type GazetteerCity } from './place-index';

const city = (name: string, country: string, population: number): GazetteerCity => ({ name, country, lat: 1, lon: 2, population });

describe('PlaceIndex', () => {
  const index = PlaceIndex.fromCities([
    city('Zürich', 'CH', 341_730),
    city('São Paulo', 'BR', 10_021_295),
    city('Saorge', 'FR', 400),
    city('Lyon', 'FR', 472_317),
    city('Lyons', 'US', 10_000),
    city('San Francisco', 'US', 864_816),
    city('Zurrieq', 'MT', 11_000),
  ]);
  const names = (prefix: string, limit = 10) => index.search(prefix, limit).map((place) => place.name);

  it('finds cities by the start of their name, accents and case aside, the most populous first', () => {
    expect(names('sao')).toEqual(['São Paulo', 'Saorge']);
    expect(names('ZUR')).toEqual(['Zürich', 'Zurrieq']);
    expect(names('zür')).toEqual(['Zürich', 'Zurrieq']);
    expect(names(' lyon')).toEqual(['Lyon', 'Lyons']);
    expect(index.search('lyon', 1)).toEqual([{ name: 'Lyon', country: 'FR', lat: 1, lon: 2, population: 472_317 }]);
  });

  it('keeps to the limit; an empty prefix answers the most populous; an unknown one nothing', () => {
    expect(names('s', 2)).toEqual(['São Paulo', 'San Francisco']);
    expect(names('', 3)).toEqual(['São Paulo', 'San Francisco', 'Lyon']);
    expect(names('zz')).toEqual([]);
    expect(names('zzzzzz')).toEqual([]);
    expect(index.size).toBe(7);
  });

  it('answers as a scan of every city would, names of every length read in place from their columns', () => {
    // Short names from a few letters (some accented, some that fold to two), so that prefixes share starts,
    // names are prefixes of others, and a name shorter than the prefix sits before a longer match.
    const name = fc.string({ unit: fc.constantFrom('a', 'b', 'á', 'B', 'ß', 'ﬁ', ' '), minLength: 1, maxLength: 5 });
    const cities = fc.uniqueArray(fc.record({ name, population: fc.nat(1_000_000) }), { selector: (c) => c.population, maxLength: 60 });
    fc.assert(
      fc.property(
        cities,
        fc.string({ unit: fc.constantFrom('a', 'b', 'A', 'á', 's', 'f'), maxLength: 4 }),
        fc.integer({ min: 1, max: 10 }),
        (raw, prefix, limit) => {
          const all = raw.map((c, i) => ({ name: c.name, country: i % 2 === 0 ? 'FR' : 'DE', lat: i, lon: -i, population: c.population }));
          const key = foldName(prefix.trim());
          const expected = all
            .filter((c) => foldName(c.name).startsWith(key))
            .sort((a, b) => b.population - a.population)
            .slice(0, limit);
          expect(PlaceIndex.fromCities(all).search(prefix, limit)).toEqual(expected);
        },
      ),
    );
  });

  it('keeps its columns as one string and offsets each, in the order of the folded names', () => {
    const columns = placeColumns([city('Zürich', 'CH', 3), city('Aa', 'FI', 2), city('Lyon', 'FR', 1)]);
    expect(columns.folded).toEqual({ text: 'aalyonzurich', starts: Uint32Array.of(0, 2, 6, 12) });
    expect(columns.names.text).toBe('AaLyonZürich');
    expect(columns.countries).toBe('FIFRCH');
    expect(Array.from(columns.populations)).toEqual([2, 1, 3]);
  });
});
