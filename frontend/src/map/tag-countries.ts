/**
 * Which of a tag's countries the map fits to on entering tag mode: the fewest of the top countries (by posts
 * with the tag) that hold most of its posts. One stray post in a far country must not zoom the map out to the
 * world, and fifty countries with a few posts each would: the box of all of them is the world anyway.
 */
import type { TagRegion } from '../../../common/browser/api';

export const TAG_COUNTRIES_DEFAULTS = {
  /** Share of the posts in countries that the countries chosen must hold together. */
  coverage: 0.8,
  /** Most countries chosen, whatever the coverage. */
  max: 10,
};

/** Alpha-2 codes, most posts first; none when the tag has no posts in any country. */
export function tagCountries(regions: readonly TagRegion[], options: Partial<typeof TAG_COUNTRIES_DEFAULTS> = {}): string[] {
  const { coverage, max } = { ...TAG_COUNTRIES_DEFAULTS, ...options };
  // The contract sends them by count already; sorted again so the choice does not rest on it.
  const ranked = regions.filter((r) => r.count > 0).sort((a, b) => b.count - a.count);
  const total = ranked.reduce((sum, r) => sum + r.count, 0);
  const chosen: string[] = [];
  let held = 0;
  for (const region of ranked) {
    if (chosen.length >= max || held >= coverage * total) break;
    chosen.push(region.region);
    held += region.count;
  }
  return chosen;
}
