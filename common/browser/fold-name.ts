/**
 * A place name as a search box compares it: accents and case aside, so that "sao" finds "São Paulo", "zur"
 * finds "Zürich" and "cote" finds "Côte d'Ivoire". NFKD splits a letter from its accents (and folds widths
 * and ligatures), the marks are dropped, lower case folds case. Letters that are not a base letter with
 * marks (ø, ł, ß) stay as they are: a person typing them means them.
 */
export function foldName(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}
