/**
 * The producer's reports as text: the one-line progress of any source, and the progress line and final
 * summary of an archive replay. Pure formatting; `archive/replay-display.ts` decides when to print.
 */
import type { ProducerStats } from './pipeline';
import type { SkipCounts } from '../../common/browser/skip-reasons';
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
  return `${rate}${stats.published} sent of ${stats.read} read${waiting}; skipped ${stats.skipped.total}${skipReasons(stats)}${droppedTags(stats)}${apiErrors(stats)}`;
}

/** " (reason n, reason n)", or "" when nothing was skipped. */
function skipReasons(stats: ProducerStats): string {
  return byReason(stats.skipped.toJSON());
}

/** "; 3 hashtags dropped (invalid_hashtag 3)", or "" when no post lost one. */
function droppedTags(stats: ProducerStats): string {
  const total = stats.droppedTags.total;
  return total === 0 ? '' : `; ${total} hashtags dropped${byReason(stats.droppedTags.toJSON())}`;
}

/** "; 4 API errors (resource-not-found 3, other 1)", or "" when the answers listed none. */
function apiErrors(stats: ProducerStats): string {
  const total = stats.apiErrors.total;
  return total === 0 ? '' : `; ${total} API ${total === 1 ? 'error' : 'errors'}${byReason(stats.apiErrors.toJSON())}`;
}

function byReason(counts: Partial<Record<string, number>>): string {
  const reasons = Object.entries(counts).map(([reason, n]) => `${reason} ${n}`);
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

/**
 * What the map made of the posts a replay accepted, when it runs in the same process: how many it counted,
 * and why it left the others out (`duplicate`: the same post id again; `stale`, `future`), so that the
 * summary adds up: accepted = counted + not counted.
 */
export interface MapCounts {
  counted: number;
  skipped: SkipCounts;
}

/** The end of a replay: files, lines, what was accepted and skipped by reason, the pace, and what the map counted. */
export function replaySummary(progress: ReplayProgress, stats: ProducerStats, nowMs: number, map?: MapCounts): string[] {
  const seconds = progress.elapsedS(nowMs);
  const corrupt = progress.corrupt.length;
  // A line holding an API page or a list is several inputs; otherwise lines and inputs are one.
  const inputs = stats.read === stats.lines ? '' : ` holding ${count(stats.read)} posts and other inputs (a page or a list holds several)`;
  const lines = [
    `replay ${stats.finished ? 'finished' : 'stopped'}: ${progress.filesDone} of ${progress.filesTotal} files read` +
      ` (${formatBytes(progress.bytesRead)})${corrupt === progress.membersCorrupt ? '' : `, ${corrupt - progress.membersCorrupt} of them corrupt`}` +
      `${progress.membersRead === 0 ? '' : `; ${count(progress.membersRead)} tar members read${progress.membersCorrupt === 0 ? '' : `, ${count(progress.membersCorrupt)} of them corrupt`}`}`,
    `  ${count(stats.lines)} lines${inputs} in ${formatDuration(seconds)} = ${count(seconds > 0 ? stats.lines / seconds : 0)} lines/s`,
    `  accepted ${count(stats.accepted)}; skipped ${count(stats.skipped.total)}${skipReasons(stats)}${droppedTags(stats)}${apiErrors(stats)}`,
  ];
  if (map !== undefined) {
    const left = Object.values(map.skipped).reduce((sum, n) => sum + n, 0);
    const why = left === 0 ? '' : `; not counted ${count(left)}${byReason(map.skipped)}`;
    lines.push(`  the map counted ${count(map.counted)} of the ${count(stats.accepted)} accepted${why}`);
  }
  const { outsideRange, membersOutsideRange } = progress;
  if (outsideRange + membersOutsideRange > 0) {
    const files = outsideRange === 0 ? '' : `${count(outsideRange)} ${outsideRange === 1 ? 'file' : 'files'}`;
    const members = membersOutsideRange === 0 ? '' : `${count(membersOutsideRange)} tar ${membersOutsideRange === 1 ? 'member' : 'members'}`;
    const were = outsideRange + membersOutsideRange === 1 ? 'was' : 'were';
    lines.push(`  ${[files, members].filter(Boolean).join(' and ')} ${were} not read: their names put them outside --from/--to`);
  }
  const tooLong = stats.skipped.toJSON().line_too_long ?? 0;
  if (tooLong > 0) {
    const were = tooLong === 1 ? 'line longer than the limit was' : 'lines longer than the limit were';
    lines.push(`  ${count(tooLong)} ${were} skipped unread (line_too_long; the limit is ${formatBytes(MAX_LINE_BYTES)})`);
  }
  for (const note of progress.notes) lines.push(`  note: ${note}`);
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
