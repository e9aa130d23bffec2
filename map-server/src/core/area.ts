/** Where a query looks (`Area`, from the contract: the world, a country, or a box), and its key. */
import type { Area } from '../../../common/browser/api';

export type { Area };

/** A string that tells areas apart, for cache and grouping keys. */
export function areaKey(area: Area): string {
  return `${area.region}|${area.bbox?.join(',') ?? ''}`;
}
