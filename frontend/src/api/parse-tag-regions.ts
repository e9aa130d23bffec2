/**
 * Checks a `TagRegionsResponse` (the SSE `tag-regions` event): where one tag is strongest. Rows with a bad
 * code or counts are dropped; shares are recomputed when missing so the map can always shade.
 */
import type { TagRegion, TagRegionsResponse } from '../../../common/browser/api';
import { clampNumber, isCount, isFiniteNumber, isObject } from './json-guards';

export function parseTagRegionsResponse(body: unknown): TagRegionsResponse {
  if (!isObject(body) || typeof body.tag !== 'string' || !Array.isArray(body.regions)) {
    throw new Error('malformed tag-regions response');
  }
  const regions: TagRegion[] = [];
  for (const item of body.regions) {
    const region = toTagRegion(item);
    if (region) regions.push(region);
  }
  return {
    tag: body.tag,
    display: typeof body.display === 'string' && body.display !== '' ? body.display : body.tag,
    window: typeof body.window === 'string' ? body.window : '',
    asOf: isFiniteNumber(body.asOf) ? body.asOf : null,
    total: isCount(body.total) ? body.total : regions.reduce((sum, region) => sum + region.count, 0),
    regions,
  };
}

function toTagRegion(item: unknown): TagRegion | null {
  if (!isObject(item) || typeof item.region !== 'string' || !/^[A-Za-z]{2}$/.test(item.region)) return null;
  if (!isCount(item.count) || !isCount(item.posts)) return null;
  const fallbackShare = item.posts > 0 ? item.count / item.posts : 0;
  return {
    region: item.region.toUpperCase(),
    count: item.count,
    posts: item.posts,
    share: clampNumber(item.share, 0, 1, Math.min(1, fallbackShare)),
  };
}
