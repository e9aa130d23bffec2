/**
 * The colour scale of tag mode: countries shaded by the tag's share of their posts. Five classes in equal,
 * rounded steps from zero, because "each step is 5 %" reads at a glance in a legend where quantile breaks
 * ("0.7–2.3 %") do not. The top of the scale is a high percentile of the shares, not their maximum, and
 * ignores countries with very few posts: one post out of two is 50 %, and a single such outlier would squash
 * every real difference into the lowest steps. Shares above the top take the top colour, and the legend
 * says "or more". A country with fewer than `FEW_POSTS` posts gets no share colour at all but its own
 * ("few posts"), and sets nothing. Where every share is tiny, the legend counts per mille (‰) or per
 * ten thousand (‱) rather than in fractions of a percent, as Trendsmap does.
 */
import type { TagRegion } from '../../../common/browser/api';
import { fewPosts } from '../../../common/browser/few-posts';

export interface ChoroplethScale {
  /** Lower bound of each class (shares, 0..1), ascending; the first is 0. Empty when no country has enough posts. */
  readonly breaks: readonly number[];
  /** One colour per class, light to strong. */
  readonly colours: readonly string[];
  /** The unit the legend and tooltips count shares in. */
  readonly unit: ShareUnit;
}

/** Shares in percent, per mille or per ten thousand: the largest that keeps the legend's steps whole-ish. */
export type ShareUnit = '%' | '‰' | '‱';

/** The colour of a country with posts with the tag but too few posts for a share (`FEW_POSTS`): grey, not a class. */
export const FEW_POSTS_COLOUR = '#56657a';

/** The classes' colours on a light page: from pale to strong, as on the dark page from the land's dark up. */
export const LIGHT_CHOROPLETH_COLOURS: readonly string[] = ['#fde7b0', '#f7c66a', '#eb9d2f', '#c97510', '#8f5200'];

export const CHOROPLETH_DEFAULTS = {
  /** Warm sequence from the dark land colour to the accent of highlighted dots (readable on the dark map). */
  colours: ['#4b3d22', '#7a5b1f', '#a97a1c', '#d89d22', '#ffc857'] as readonly string[],
  /** The share at this percentile of the countries (0..1) sets the top of the scale. */
  topPercentile: 0.9,
};

/** Step sizes (times a power of ten) a reader can add up in their head. */
const NICE = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];

/** The smallest "nice" number ≥ value: 0.043 → 0.05, 0.0725 → 0.08. */
export function niceCeil(value: number): number {
  if (!(value > 0)) return 0;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const nice = NICE.find((n) => n * magnitude >= value * (1 - 1e-9)) ?? 10;
  return nice * magnitude;
}

/** The scale for one tag's regions. */
export function choroplethScale(regions: readonly TagRegion[], options: Partial<typeof CHOROPLETH_DEFAULTS> = {}): ChoroplethScale {
  const { colours, topPercentile } = { ...CHOROPLETH_DEFAULTS, ...options };
  // A country with few posts (`fewPosts`) gets `FEW_POSTS_COLOUR` and does not set the scale.
  const shares = regions
    .filter((region) => !fewPosts(region.posts) && region.count > 0)
    .map((region) => region.share)
    .sort((a, b) => a - b);
  if (shares.length === 0) return { breaks: [], colours: [], unit: '%' };
  const top = shares[Math.floor(topPercentile * (shares.length - 1))];
  // The top class starts near that percentile; a step of at least one in a million keeps the classes apart.
  const step = Math.max(1e-6, niceCeil(top / Math.max(1, colours.length - 1)));
  const highest = step * (colours.length - 1);
  const unit: ShareUnit = highest >= 0.01 ? '%' : highest >= 0.001 ? '‰' : '‱';
  return { breaks: colours.map((_, i) => roundShare(i * step)), colours, unit };
}

/** The colour for a share, or null for none (the tag never appeared there, or no class applies). */
export function colourFor(scale: ChoroplethScale, share: number, count: number): string | null {
  if (!(count > 0) || scale.breaks.length === 0) return null;
  let index = 0;
  while (index + 1 < scale.breaks.length && share >= scale.breaks[index + 1]) index++;
  return scale.colours[index];
}

/** Legend labels: "0–5%", "5–10%", …, "20% or more"; "0–2‰", …; "0–1‱", … for tiny shares. */
export function legendLabels(scale: ChoroplethScale): string[] {
  const { breaks, unit } = scale;
  const n = (share: number) => inUnit(share, unit);
  return breaks.map((low, i) => (i + 1 < breaks.length ? `${n(low)}–${n(breaks[i + 1])}${unit}` : `${n(low)}${unit} or more`));
}

/** A share in `unit`, with its sign: 0.0025 → "0.25%", "2.5‰" or "25‱". */
export function formatShareIn(share: number, unit: ShareUnit): string {
  return `${inUnit(share, unit)}${unit}`;
}

/** A share as a number of `unit` without the sign, to two decimals at most: 0.05 in % → "5". */
function inUnit(share: number, unit: ShareUnit): string {
  const per = unit === '%' ? 100 : unit === '‰' ? 1_000 : 10_000;
  return String(Math.round(share * per * 100) / 100);
}

/** Float noise (0.15000000000000002) out of the breaks. */
function roundShare(share: number): number {
  return Math.round(share * 1e6) / 1e6;
}
