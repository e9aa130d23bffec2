/**
 * From one tag's regions to what the map draws in tag mode: the colour scale, and per country its fill
 * and the tooltip line ("12.3% of its posts: 45 of 366").
 */
import type { TagRegionsResponse } from '../../../common/browser/api';
import { formatInteger } from '../util/dom';
import type { CountryShade } from './border-layer';
import { fewPosts } from '../../../common/browser/few-posts';
import { FEW_POSTS_COLOUR, choroplethScale, colourFor, formatShareIn, type ChoroplethScale } from './choropleth-scale';

export interface TagShading {
  scale: ChoroplethScale;
  countries: Map<string, CountryShade>;
  /** Whether some country has the tag but too few posts for a share (the legend's "few posts" row). */
  someFew: boolean;
}

/** `colours`: the classes' colours (the dark page's by default). */
export function tagShading(response: TagRegionsResponse, colours?: readonly string[]): TagShading {
  const scale = choroplethScale(response.regions, colours === undefined ? {} : { colours });
  const countries = new Map<string, CountryShade>();
  let someFew = false;
  for (const region of response.regions) {
    if (!(region.count > 0)) continue;
    const counts = `${formatInteger(region.count)} of ${formatInteger(region.posts)}`;
    if (fewPosts(region.posts)) {
      someFew = true;
      countries.set(region.region, { colour: FEW_POSTS_COLOUR, detail: `#${response.display}: ${counts} posts, too few for a share` });
      continue;
    }
    const colour = colourFor(scale, region.share, region.count);
    if (colour === null) continue;
    countries.set(region.region, { colour, detail: `#${response.display}: ${formatShareIn(region.share, scale.unit)} of its posts (${counts})` });
  }
  return { scale, countries, someFew };
}
