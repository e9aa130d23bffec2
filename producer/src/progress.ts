/**
 * The producer's reports as text: the one-line progress of any source, and the progress line and final
 * summary of an archive replay. Pure formatting; `archive/replay-display.ts` decides when to print.
 */
import type { ProducerStats } from './pipeline';
import type { Tally } from '../../common/browser/skip-reasons';
import type { ReplayProgress } from './archive/replay-progress';
import { MAX_LINE_BYTES } from './archive/line-splitter';

/**
 * "12.3 posts/s, 34 sent of 40 read; skipped 6 (…)". Sent means taken by the bus (acknowledged, for Kafka);
 * posts accepted but not yet taken (on their way, or held while Kafka is away) are said apart.
 */
export function progressLine(stats: ProducerStats, ratePerS: number | null): string {
  const rate = ratePerS === null ? '' : `${ratePerS.toFixed(1)} posts/s, `;
  const held = stats.accepted - stats.published;
  const waiting = held > 0 ? `; ${held} waiting for the bus` : '';
  return `${rate}${stats.published} sent of ${stats.read} read${waiting}; skipped ${stats.skipped.total}${skipReasons(stats)}${droppedTags(stats)}`;
}

/** " (reason n, reason n)", or "" when nothing was skipped. */
function skipReasons(stats: ProducerStats): string {
  return byReason(stats.skipped);
}

/** "; 3 hashtags dropped (invalid_hashtag 3)", or "" when no post lost one. */
function droppedTags(stats: ProducerStats): string {
  const total = stats.droppedTags.total;
  return total === 0 ? '' : `; ${total} hashtags dropped${byReason(stats.droppedTags)}`;
}

function byReason(tally: Tally<string>): string {
  const reasons = Object.entries(tally.toJSON()).map(([reason, n]) => `${reason} ${n}`);
  return reasons.length === 0 ? '' : ` (${reasons.join(', ')})`;
}

/** A replay's periodic line, for logs (not a TTY): where it is, how fast, and when it will be done. */
export function replayLine(progress: ReplayProgress, stats: ProducerStats, linesPerS: number, nowMs: number): string {
  const eta = progress.etaS(nowMs);
  return (
    `replay: file ${Math.min(progress.filesDone + 1, progress.filesTotal)}/${progress.filesTotal}` +
    `${progress.current === null ? '' : ` (${progress.current})`}, ` +
    `${progress.members === null ? '' : `member ${Math.min(progress.members.done + 1, progress.members.total)}/${progress.members.total}, `}` +
    `${formatBytes(progress.bytesRead)} of ${formatBytes(progress.bytesTotal)} (${(progress.fraction * 100).toFixed(1)}%), ` +
    `${count(linesPerS)} lines/s, ${count(stats.accepted)} accepted, ${count(stats.skipped.total)} skipped` +
    `${progress.corrupt.length === progress.membersCorrupt ? '' : `, ${progress.corrupt.length - progress.membersCorrupt} corrupt files`}` +
    `${progress.membersCorrupt === 0 ? '' : `, ${progress.membersCorrupt} corrupt tar members`}` +
    `${eta === null ? '' : `, ETA ${formatDuration(eta)}`}`
  );
}

/** The end of a replay: files, lines, what was accepted and skipped by reason, and the pace. */
export function replaySummary(progress: ReplayProgress, stats: ProducerStats, nowMs: number): string[] {
  const seconds = progress.elapsedS(nowMs);
  const corrupt = progress.corrupt.length;
  const lines = [
    `replay ${stats.finished ? 'finished' : 'stopped'}: ${progress.filesDone} of ${progress.filesTotal} files read` +
      ` (${formatBytes(progress.bytesRead)})${corrupt === progress.membersCorrupt ? '' : `, ${corrupt - progress.membersCorrupt} of them corrupt`}` +
      `${progress.membersRead === 0 ? '' : `; ${count(progress.membersRead)} tar members read${progress.membersCorrupt === 0 ? '' : `, ${count(progress.membersCorrupt)} of them corrupt`}`}`,
    `  ${count(stats.read)} lines in ${formatDuration(seconds)} = ${count(seconds > 0 ? stats.read / seconds : 0)} lines/s`,
    `  accepted ${count(stats.accepted)}; skipped ${count(stats.skipped.total)}${skipReasons(stats)}${droppedTags(stats)}`,
  ];
  const tooLong = stats.skipped.toJSON().line_too_long ?? 0;
  if (tooLong > 0) {
    const were = tooLong === 1 ? 'line longer than the limit was' : 'lines longer than the limit were';
    lines.push(`  ${count(tooLong)} ${were} skipped unread (line_too_long; the limit is ${formatBytes(MAX_LINE_BYTES)})`);
  }
  for (const file of progress.corrupt) lines.push(`  corrupt: ${file.name}: ${file.reason}`);
  return lines;
}

/** "1h 02m", "3m 05s", "12.3s". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3_600);
  const m = Math.floor((whole % 3_600) / 60);
  const s = whole % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s).padStart(2, '0')}s`;
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** Bytes in binary units: "512 B", "1.5 MB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** A whole number with thousands separators, the same on every machine. */
function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
