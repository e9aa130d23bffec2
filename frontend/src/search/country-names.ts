/**
 * Countries by name, for the search box, matched in the page (no request): each country the app knows
 * (`countryCodes`, the ISO list behind its borders and headings) under its name in each of the reader's
 * languages (`Intl.DisplayNames` for `navigator.languages`) and in English (`countryName`, the panel's
 * headings, and Intl's English name), so "Allem" finds Germany for a French reader and "Germ" for anyone.
 */
import { countryCodes, countryName } from '../../../common/browser/countries';
import { foldName } from '../../../common/browser/fold-name';

export interface CountryEntry {
  code: string;
  /** The name to show: in the reader's first language that names it, else English. */
  label: string;
  /** Every name it is found by, folded (`foldName`). */
  names: string[];
}

/**
 * Names countries in `language` (`Intl.DisplayNames`): undefined for a code it has no name for (it would echo
 * the code) and for every code when Intl does not take the language tag.
 */
function intlNamer(language: string): (code: string) => string | undefined {
  let names: Intl.DisplayNames;
  try {
    names = new Intl.DisplayNames([language], { type: 'region', fallback: 'none' });
  } catch {
    return () => undefined;
  }
  return (code) => {
    const name = names.of(code);
    return name === undefined || name === code ? undefined : name;
  };
}

/** Every country of `codes` with its names in `languages` (the reader's, first first) and in English. */
export function countryEntries(codes: readonly string[] = countryCodes(), languages: readonly string[] = ['en']): CountryEntry[] {
  const own = languages.map(intlNamer);
  const intlEnglish = intlNamer('en');
  return codes.map((code) => {
    const all = [...own.map((name) => name(code)), countryName(code), intlEnglish(code)].filter((name): name is string => name !== undefined);
    return { code, label: all[0] ?? code, names: [...new Set(all.map(foldName))] };
  });
}

/** How well a folded name matches a folded query: 0 it starts with it, 1 one of its words does, 2 not at all. */
function matchRank(name: string, query: string): number {
  if (name.startsWith(query)) return 0;
  return name.split(/[\s\-'’(),.]+/u).some((word) => word.startsWith(query)) ? 1 : 2;
}

/** Up to `limit` countries one of whose names starts with `query` (or has a word that does), those whose name starts with it first, then by label. */
export function matchCountries(entries: readonly CountryEntry[], query: string, limit: number): CountryEntry[] {
  const folded = foldName(query.trim());
  if (folded === '') return [];
  return entries
    .map((entry) => ({ entry, rank: Math.min(...entry.names.map((name) => matchRank(name, folded))) }))
    .filter(({ rank }) => rank < 2)
    .sort((a, b) => a.rank - b.rank || a.entry.label.localeCompare(b.entry.label))
    .slice(0, limit)
    .map(({ entry }) => entry);
}
