/**
 * Tag mode: where in the world one tag is strongest. Reads each country's running totals for the window,
 * so it costs one map lookup per country that has held posts (a few hundred at most).
 */
import { resolutionOf } from './tiers';
import { WORLD, type TagRegion, type TagRegionsResponse } from '../../../common/browser/api';
import type { WindowName } from '../../../common/browser/windows';
import { BUCKET_MS, type WindowStore } from './window-store';
import type { TagDictionary } from './tag-dictionary';

export interface TagRegionsQuery {
  /** The tag's key. */
  tag: string;
  window: WindowName;
  limit: number;
}

/** Exactly what a tag-regions query reads, and only to read it. */
export interface TagRegionSources {
  /** Each region's running totals, and where the windows end. */
  store: Pick<WindowStore, 'endMs' | 'windowFrom' | 'error' | 'regionNames' | 'tally' | 'total'>;
  /** The tag's id and display form. */
  dictionary: Pick<TagDictionary, 'idOf' | 'display'>;
}

/** Countries with the tag, by count descending, then share descending, then code. */
export function answerTagRegions(query: TagRegionsQuery, { store, dictionary }: TagRegionSources): TagRegionsResponse {
  const id = dictionary.idOf(query.tag);
  const response: TagRegionsResponse = {
    tag: query.tag,
    display: id === undefined ? query.tag : dictionary.display(id),
    window: query.window,
    asOf: store.endMs,
    from: null,
    approximate: false,
    maxError: 0,
    total: 0,
    regions: [],
    resolution: resolutionOf(query.window),
  };
  const from = store.windowFrom(query.window);
  response.from = from === null ? null : from * BUCKET_MS;
  // The world's error bounds every country's: it sums the errors of every leaf's tallies.
  response.maxError = store.error(WORLD, query.window);
  response.approximate = response.maxError > 0;
  if (id === undefined) return response;
  response.total = store.tally(WORLD, query.window).get(id) ?? 0;
  const regions: TagRegion[] = [];
  for (const region of store.regionNames()) {
    if (region === WORLD) continue;
    const count = store.tally(region, query.window).get(id) ?? 0;
    if (count === 0) continue;
    const posts = store.total(region, query.window);
    regions.push({ region, count, posts, share: count / posts });
  }
  regions.sort((a, b) => b.count - a.count || b.share - a.share || (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
  response.regions = regions.slice(0, query.limit);
  return response;
}
