/**
 * The colour scale of tag mode: countries shaded by the tag's share of their posts. Five classes in equal,
 * rounded steps from zero, because "each step is 5 %" reads at a glance in a legend where quantile breaks
 * ("0.7–2.3 %") do not. The top of the scale is a high percentile of the shares, not their maximum, and
 * ignores countries with very few posts: one post out of two is 50 %, and a single such outlier would squash
 * every real difference into the lowest steps. Shares above the top take the top colour, and the legend
 * says "or more".
 */
import type { TagRegion } from '../../../common/browser/api';

export interface ChoroplethScale {
  /** Lower bound of each class (shares, 0..1), ascending; the first is 0. */
  readonly breaks: readonly number[];
  /** One colour per class, light to strong. */
  readonly colours: readonly string[];
}

export const CHOROPLETH_DEFAULTS = {
  /** Warm sequence from the dark land colour to the accent of highlighted dots (readable on the dark map). */
  colours: ['#4b3d22', '#7a5b1f', '#a97a1c', '#d89d22', '#ffc857'] as readonly string[],
  /** Countries with fewer posts than this do not set the top of the scale (they are still shaded). */
  minPostsForMax: 20,
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
  const { colours, minPostsForMax, topPercentile } = { ...CHOROPLETH_DEFAULTS, ...options };
  const trusted = regions.filter((region) => region.posts >= minPostsForMax && region.count > 0);
  const basis = trusted.length > 0 ? trusted : regions.filter((region) => region.count > 0);
  const shares = basis.map((region) => region.share).sort((a, b) => a - b);
  const top = shares.length > 0 ? shares[Math.floor(topPercentile * (shares.length - 1))] : 0;
  // The top class starts near that percentile; a step of at least 0.1 % keeps labels meaningful when the
  // tag is everywhere rare.
  const step = Math.max(0.001, niceCeil(top / Math.max(1, colours.length - 1)));
  return { breaks: colours.map((_, i) => roundShare(i * step)), colours };
}

/** The colour for a share, or null for none (the tag never appeared there). */
export function colourFor(scale: ChoroplethScale, share: number, count: number): string | null {
  if (!(count > 0)) return null;
  let index = 0;
  while (index + 1 < scale.breaks.length && share >= scale.breaks[index + 1]) index++;
  return scale.colours[index];
}

/** Legend labels: "0–5%", "5–10%", …, "20% or more". */
export function legendLabels(scale: ChoroplethScale): string[] {
  const { breaks } = scale;
  return breaks.map((low, i) => (i + 1 < breaks.length ? `${percent(low)}–${percent(breaks[i + 1])}%` : `${percent(low)}% or more`));
}

/** A share as a percentage number without the sign: 0.05 → "5", 0.0025 → "0.25". */
function percent(share: number): string {
  return String(Math.round(share * 1e4) / 100);
}

/** Float noise (0.15000000000000002) out of the breaks. */
function roundShare(share: number): number {
  return Math.round(share * 1e6) / 1e6;
}
