/**
 * What the search box offers, and how its keys move through it (the WAI-ARIA combobox pattern's listbox):
 * pure, so the component only renders and reacts.
 */
import { MAX_PREFIX_LENGTH, type Place, type TagSuggestion } from '../../../common/browser/api';
import type { CountryEntry } from './country-names';

export type Suggestion =
  | { kind: 'tag'; tag: string; display: string; count: number }
  | { kind: 'country'; code: string; label: string }
  | { kind: 'city'; name: string; country: string; lat: number; lon: number };

/** How many of each kind the list shows at most. */
export const SUGGESTION_LIMITS = { country: 4, city: 5, tag: 5 } as const;

/** A query for hashtags only: it starts with `#` (or a full-width `＃`). */
export function isTagQuery(query: string): boolean {
  return /^\s*[#＃]/u.test(query);
}

/**
 * What to ask the server for (`/api/tags`, `/api/places`) for a query, or null when there is nothing to ask:
 * longer than any tag or city name (in UTF-16 units, as tags are measured), which the API would refuse.
 */
export function serverPrefix(query: string): string | null {
  const prefix = query.trim();
  return prefix.length <= MAX_PREFIX_LENGTH ? prefix : null;
}

/**
 * The list for a query: hashtags only when it starts with `#`; else countries, then cities, then hashtags, so
 * that a place's name typed out and Enter goes to the place (type `#` to go to the hashtag).
 */
export function mergeSuggestions(
  query: string,
  countries: readonly CountryEntry[],
  places: readonly Place[],
  tags: readonly TagSuggestion[],
): Suggestion[] {
  const tagItems = tags.slice(0, SUGGESTION_LIMITS.tag).map(({ tag, display, count }): Suggestion => ({ kind: 'tag', tag, display, count }));
  if (isTagQuery(query)) return tagItems;
  return [
    ...countries.slice(0, SUGGESTION_LIMITS.country).map(({ code, label }): Suggestion => ({ kind: 'country', code, label })),
    ...places.slice(0, SUGGESTION_LIMITS.city).map(({ name, country, lat, lon }): Suggestion => ({ kind: 'city', name, country, lat, lon })),
    ...tagItems,
  ];
}

/**
 * The option highlighted after a key, of `count` options, from `active` (-1: none): ArrowDown the next (from
 * none, the first), ArrowUp the previous (from none, the last), both wrapping. Any other key leaves it.
 */
export function moveActive(active: number, count: number, key: string): number {
  if (count === 0) return -1;
  switch (key) {
    case 'ArrowDown':
      return active < 0 ? 0 : (active + 1) % count;
    case 'ArrowUp':
      return active < 0 ? count - 1 : (active - 1 + count) % count;
    default:
      return active;
  }
}
