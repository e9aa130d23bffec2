import { describe, expect, it } from 'vitest';
import { PlaceIndex, type GazetteerCity } from './place-index';

const city = (name: string, country: string, population: number): GazetteerCity => ({ name, country, lat: 1, lon: 2, population });

describe('PlaceIndex', () => {
  const index = new PlaceIndex([
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
});
