/** Where a query looks: the world, a country, or a box on the map. */
import type { Bbox } from '../../../common/browser/api';

export interface Area {
  /** `world`, an ISO 3166-1 alpha-2 code, or `view` when `bbox` is set. */
  region: string;
  /** The box for `view`; null otherwise. */
  bbox: Bbox | null;
}

/** A string that tells areas apart, for cache and grouping keys. */
export function areaKey(area: Area): string {
  return `${area.region}|${area.bbox?.join(',') ?? ''}`;
}
