/**
 * How the panel writes a trend's figures: its share of the region's posts ("12.3%") and, in Rising mode,
 * how far it runs above what its recent rate predicted ("×3.1").
 */
import { formatInteger } from '../util/dom';

const shareFormat = new Intl.NumberFormat('en', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** "12.3%"; "<0.1%" for a share too small to show but not zero. */
export function formatShare(share: number): string {
  if (!(share > 0)) return '0%';
  if (share < 0.001) return '<0.1%';
  return shareFormat.format(Math.min(1, share));
}

/** count / expected, or Infinity when nothing was expected (a tag that came from nowhere). */
export function riseRatio(count: number, expected: number): number {
  return expected > 0 ? count / expected : Infinity;
}

/** "×3.1" below ten, "×12" above, "new" when the reference period had none of it. */
export function formatRise(count: number, expected: number): string {
  const ratio = riseRatio(count, expected);
  if (!Number.isFinite(ratio)) return 'new';
  return ratio < 10 ? `×${ratio.toFixed(1)}` : `×${formatInteger(Math.round(ratio))}`;
}

/** The spoken form of `formatRise`, for titles and labels. */
export function describeRise(count: number, expected: number): string {
  const ratio = riseRatio(count, expected);
  if (!Number.isFinite(ratio)) return 'new: none in the period before';
  return `${formatRise(count, expected).slice(1)} times its usual rate (${expected.toFixed(1)} expected)`;
}
