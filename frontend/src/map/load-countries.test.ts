import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { borderCountryCode } from '../../../common/browser/countries';
import { unwrapRing } from '../../../common/browser/unwrap-ring';
import { polygonsOf } from './country-box';
import { loadCountries, type BorderDetail, type CountryFeature } from './load-countries';

const DETAILS: BorderDetail[] = ['110m', '50m'];

const codesOf = (countries: CountryFeature[]) => new Set(countries.map((c) => borderCountryCode(c.id, c.properties?.name)).filter((c) => c !== null));
const ringsOf = (country: CountryFeature): Position[][] => polygonsOf(country.geometry).flat();
const largestStep = (ring: Position[]) => Math.max(0, ...ring.slice(1).map(([lon], i) => Math.abs(lon - ring[i][0])));
const meanLon = (ring: Position[]) => ring.reduce((sum, [lon]) => sum + lon, 0) / ring.length;
/** A ring that goes once around a pole (Antarctica's), left as the file has it. */
const circlesPole = (ring: Position[]) => unwrapRing(ring).offset !== 0;

describe.each(DETAILS)('loadCountries %s', (detail) => {
  it('makes every ring continuous across the antimeridian, centred in [-180, 180], except around a pole', async () => {
    const countries = await loadCountries(detail);
    const broken: string[] = [];
    for (const country of countries) {
      for (const ring of ringsOf(country)) {
        if (circlesPole(ring)) continue;
        if (largestStep(ring) > 180 || Math.abs(meanLon(ring)) > 180) broken.push(country.properties?.name ?? String(country.id));
      }
    }
    expect(broken).toEqual([]);
    const unwrapped = (name: string) =>
      countries
        .filter((c) => c.properties?.name === name)
        .flatMap(ringsOf)
        .flat();
    // Russia's east and Fiji reach past 180° instead of jumping back to -180°.
    expect(Math.max(...unwrapped('Russia').map(([lon]) => lon))).toBeGreaterThan(180);
    expect(unwrapped('Fiji').some(([lon]) => Math.abs(lon) > 180)).toBe(true);
  });

  it('parses a file once', () => {
    expect(loadCountries(detail)).toBe(loadCountries(detail));
  });
});

describe('loadCountries across details', () => {
  it('has every country of 110m in 50m too, so a selection is kept when the borders are swapped', async () => {
    const coarse = codesOf(await loadCountries('110m'));
    const fine = codesOf(await loadCountries('50m'));
    expect([...coarse].filter((code) => !fine.has(code))).toEqual([]);
    expect(fine.size).toBeGreaterThan(coarse.size);
  });

  it('loads 110m unless told', () => {
    expect(loadCountries()).toBe(loadCountries('110m'));
  });
});
