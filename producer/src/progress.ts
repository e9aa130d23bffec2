/** The producer's one-line report: rate, what was sent, and what was skipped by reason. */
import type { ProducerStats } from './pipeline';

export function progressLine(stats: ProducerStats, ratePerS: number | null): string {
  const skipped = Object.entries(stats.skipped.toJSON())
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  const rate = ratePerS === null ? '' : `${ratePerS.toFixed(1)} posts/s, `;
  return `${rate}${stats.accepted} sent of ${stats.read} read; skipped ${stats.skipped.total}${skipped ? ` (${skipped})` : ''}`;
}
