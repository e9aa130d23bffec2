import { describe, expect, it } from 'vitest';
import { CELL_DEGREES, CountryCells } from './country-cells';
import { createCountryLookup } from './country-lookup';
import { prng } from '../../../common/node/prng';

describe('CountryCells', () => {
  // A square "country" from (10, 10) to (20, 20), its edges on cell edges and through cells.
  const square = [
    [10, 10],
    [20, 10],
    [20, 20.05],
    [10, 20.05],
    [10, 10],
  ];
  const inSquare = (lon: number, lat: number) => (lon >= 10 && lon <= 20 && lat >= 10 && lat <= 20.05 ? 'SQ' : null);

  it('answers a cell no border crosses from its first answer, and looks up every point of a crossed cell', () => {
    const cells = new CountryCells([square]);
    let asked = 0;
    const lookup = (lon: number, lat: number) => ((asked += 1), inSquare(lon, lat));
    expect(cells.countryAt(15.01, 15.01, lookup)).toBe('SQ');
    expect(cells.countryAt(15.09, 15.09, lookup)).toBe('SQ'); // the same cell: from the cache
    expect(asked).toBe(1);
    expect(cells.countryAt(30.01, 30.01, lookup)).toBeNull();
    expect(cells.countryAt(30.02, 30.02, lookup)).toBeNull();
    expect(asked).toBe(2);
    // The northern edge runs through the cells of latitude 20.0 to 20.1: both sides are looked up each time.
    for (const lat of [20.01, 20.04, 20.06, 20.09]) expect(cells.countryAt(15.05, lat, lookup)).toBe(inSquare(15.05, lat));
    expect(asked).toBe(6);
    expect(cells.crossedAt(15.05, 20.02)).toBe(true);
    expect(cells.crossedAt(15.05, 15.05)).toBe(false);
  });

  it('marks every cell a long diagonal segment passes through, not just its ends', () => {
    const cells = new CountryCells([
      [
        [0, 0],
        [7.3, 3.1],
      ],
    ]);
    for (let t = 0; t <= 1; t += 0.001) expect(cells.crossedAt(7.3 * t, 3.1 * t)).toBe(true);
    expect(cells.crossedAt(1, 3)).toBe(false); // far off the line
  });

  it('looks up every point outside the world, or not a number, and caches none of them', () => {
    const cells = new CountryCells([]);
    let asked = 0;
    const lookup = () => ((asked += 1), 'XX');
    for (const [lon, lat] of [
      [200, 66],
      [200, 66],
      [-180.5, 0],
      [0, 90.5],
      [0, -91],
      [Number.NaN, 0],
      [0, Number.NaN],
    ])
      expect(cells.countryAt(lon, lat, lookup)).toBe('XX');
    expect(asked).toBe(7);
  });

  it('keeps the world’s edges in range: 180° and 90° are the last column and row', () => {
    const cells = new CountryCells([]);
    let asked = 0;
    const lookup = () => ((asked += 1), null);
    expect(cells.countryAt(180, 90, lookup)).toBeNull();
    expect(cells.countryAt(179.95, 89.95, lookup)).toBeNull();
    expect(asked).toBe(1);
  });

  it('gives the same answers as the border lookup itself, over the world and near borders (brute force)', () => {
    const cached = createCountryLookup();
    const plain = createCountryLookup({ cached: false });
    const { next } = prng(20261127);
    // Cities: points clustered around a few hundred centres, many on coasts and borders; and points anywhere.
    const centres = Array.from({ length: 400 }, () => [next() * 360 - 180, next() * 150 - 60]);
    let differences = 0;
    for (let i = 0; i < 60_000; i += 1) {
      const [lon, lat] =
        i % 3 === 0
          ? [next() * 360 - 180, next() * 180 - 90]
          : ((c) => [c[0] + (next() - 0.5) * 20 * CELL_DEGREES, c[1] + (next() - 0.5) * 20 * CELL_DEGREES])(centres[i % centres.length]);
      // Twice: the second answer may come from the cell the first one filled.
      for (let pass = 0; pass < 2; pass += 1) if (cached.countryAt(lon, lat) !== plain.countryAt(lon, lat)) differences += 1;
    }
    // Known points on both sides of borders and coasts, after their cells have been filled by neighbours.
    const known: Array<[number, number, string | null]> = [
      [2.3522, 48.8566, 'FR'],
      [7.59, 47.56, 'CH'], // Basel, at the French and German borders
      [7.58, 47.59, 'FR'],
      [7.62, 47.6, 'DE'],
      [7.75, 48.58, 'FR'], // Strasbourg and Kehl, either side of the Rhine
      [7.83, 48.57, 'DE'],
      [-79.07, 43.09, 'CA'], // Niagara Falls, Ontario
      [-79.05, 43.09, 'US'], // Niagara Falls, New York
      [-30, 35, null],
    ];
    for (const [lon, lat, cc] of known) {
      expect(cached.countryAt(lon, lat)).toBe(cc);
      expect(plain.countryAt(lon, lat)).toBe(cc);
    }
    expect(differences).toBe(0);
  });
});
