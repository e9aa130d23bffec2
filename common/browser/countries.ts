/**
 * Country codes and English names (ISO 3166-1), shared by the server (region validation, point-in-polygon
 * results) and the frontend (panel headings, clicks on borders, which carry ISO numeric ids).
 */
import countries from 'i18n-iso-countries';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };

countries.registerLocale(en);

/**
 * world-atlas borders without an ISO numeric id, keyed by their Natural Earth name: counted in the country
 * that the ISO list places them in, or (disputed ground) in no country.
 */
const UNCODED_BORDERS: Record<string, string | null> = {
  Kosovo: 'XK',
  'N. Cyprus': 'CY',
  Somaliland: 'SO',
  'Indian Ocean Ter.': null,
  'Siachen Glacier': null,
};

/** Kosovo has a user-assigned code that ISO lists do not carry. */
const EXTRA_NAMES: Record<string, string> = { XK: 'Kosovo' };

/**
 * `isCountryCode`'s answers by code, kept: naming a country searches the ISO package's tables (about 0.4 µs,
 * and the normaliser asks once a post), and there are at most 26 × 26 codes to keep.
 */
const knownCodes = new Map<string, boolean>();

/** True for an ISO 3166-1 alpha-2 code (upper case) of a country we can name. */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code)) return false;
  let known = knownCodes.get(code);
  if (known === undefined) knownCodes.set(code, (known = countryName(code) !== undefined));
  return known;
}

/**
 * The country's English name as a heading would show it ("France", "Taiwan", "Moldova"), or undefined for
 * an unknown code: the official name unless it carries a comma or a bracket, then a plainer alternative.
 */
export function countryName(code: string): string | undefined {
  if (EXTRA_NAMES[code]) return EXTRA_NAMES[code];
  const names = countries.getName(code, 'en', { select: 'all' });
  if (!names || names.length === 0) return undefined;
  return names.find((name) => !/[,(]/.test(name)) ?? names[0].split(/[,(]/)[0].trim();
}

/** Every alpha-2 code `countryName` names (the ISO list and Kosovo): what a search box offers by name. */
export function countryCodes(): string[] {
  return [...Object.keys(countries.getAlpha2Codes()), ...Object.keys(EXTRA_NAMES)];
}

/**
 * The alpha-2 code of a world-atlas border feature: from its ISO numeric `id`, or for the few borders that
 * have none, from its name. Null when neither maps to a country.
 */
export function borderCountryCode(numericId: string | number | undefined, name?: string): string | null {
  if (numericId !== undefined && numericId !== null && numericId !== '') {
    const code = countries.numericToAlpha2(String(numericId).padStart(3, '0'));
    if (code) return code;
  }
  return (name !== undefined && UNCODED_BORDERS[name]) || null;
}
