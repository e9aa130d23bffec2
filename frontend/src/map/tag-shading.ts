/**
 * From one tag's regions to what the map draws in tag mode: the colour scale, and per country its fill
 * and the tooltip line ("12.3% of its posts: 45 of 366").
 */
import type { TagRegionsResponse } from '../../../common/browser/api';
import { formatShare } from '../panel/trend-format';
import { formatInteger } from '../util/dom';
import type { CountryShade } from './border-layer';
import { choroplethScale, colourFor, type ChoroplethScale } from './choropleth-scale';

export interface TagShading {
  scale: ChoroplethScale;
  countries: Map<string, CountryShade>;
}

export function tagShading(response: TagRegionsResponse): TagShading {
  const scale = choroplethScale(response.regions);
  const countries = new Map<string, CountryShade>();
  for (const region of response.regions) {
    const colour = colourFor(scale, region.share, region.count);
    if (colour === null) continue;
    const detail = `#${response.display}: ${formatShare(region.share)} of its posts (${formatInteger(region.count)} of ${formatInteger(region.posts)})`;
    countries.set(region.region, { colour, detail });
  }
  return { scale, countries };
}
