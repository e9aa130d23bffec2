import { describe, expect, it } from 'vitest';
import { countryName, isCountryCode } from './countries';

describe('isCountryCode', () => {
  it('is true for exactly the two-letter upper-case codes it can name, asked once or again', () => {
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    for (let pass = 0; pass < 2; pass += 1) {
      for (const a of letters) for (const b of letters) expect(isCountryCode(a + b), a + b).toBe(countryName(a + b) !== undefined);
    }
    expect(['FR', 'XK', 'US'].map(isCountryCode)).toEqual([true, true, true]);
    expect(['fr', 'Fr', 'FRA', '', 'ZZ', 'F'].map(isCountryCode)).toEqual([false, false, false, false, false, false]);
  });
});
