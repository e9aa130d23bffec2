/**
 * Shows a replay's progress: a `cli-progress` bar on a terminal (stderr), or a plain line every 5 s
 * otherwise (logs, CI, a pipe). Corrupt files are reported as they are found, and `finish()` prints the
 * summary. A thin adapter: the numbers come from `ReplayProgress` and `ProducerStats`, the text from
 * `progress.ts`.
 */
import cliProgress from 'cli-progress';
import type { ProducerStats } from '../pipeline';
import { formatDuration, replayLine, replaySummary, type MapCounts } from '../progress';
import type { ReplayProgress } from './replay-progress';

/** How often the bar is redrawn, in ms: smooth enough to read, cheap enough not to matter. */
const BAR_REFRESH_MS = 250;
/** How often a plain progress line is printed, in ms. */
const LINE_INTERVAL_MS = 5_000;
/** How often corrupt files are looked for without a bar, in ms. */
const LINE_TICK_MS = 1_000;

export interface ReplayDisplay {
  /** Stops the bar or the lines and prints the summary. Idempotent. */
  finish(): void;
}

/**
 * Shows the bar on stderr when it is a terminal, else prints lines (and the summary) through `log` (the
 * process's logger; stdout by default). `mapCounts`, given where the map counts in the same process and
 * has counted every post sent once the replay is done, adds what it counted to the summary.
 */
export function showReplayProgress(
  progress: ReplayProgress,
  stats: ProducerStats,
  log: (line: string) => void = (line) => console.log(line),
  mapCounts?: () => MapCounts,
): ReplayDisplay {
  const stream = process.stderr;
  let reported = 0;
  /** Lines read at the previous tick, and when, for the rate since then. */
  let last = { at: Date.now(), lines: stats.lines };

  const rate = (): number => {
    const at = Date.now();
    const perS = at > last.at ? ((stats.lines - last.lines) * 1_000) / (at - last.at) : 0;
    last = { at, lines: stats.lines };
    return perS;
  };
  const newlyCorrupt = (): string[] =>
    progress.corrupt.slice(reported).map((file) => {
      reported += 1;
      return `replay: skipped corrupt file ${file.name}: ${file.reason}`;
    });

  let stopDisplay: () => void;
  if (stream.isTTY) {
    const bars = new cliProgress.MultiBar(
      {
        stream,
        format: 'replay {bar} {percentage}% | {files} files{members} | {rate} lines/s | {accepted} accepted, {skipped} skipped | ETA {eta}',
        hideCursor: true,
        barsize: 20,
        fps: 1_000 / BAR_REFRESH_MS,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    // The bar's value is the per-mille read, by compressed bytes; everything else goes in the payload.
    const bar = bars.create(1_000, 0, payload(0));
    const draw = () => {
      for (const line of newlyCorrupt()) bars.log(`${line}\n`);
      bar.update(Math.round(progress.fraction * 1_000), payload(rate()));
    };
    const timer = setInterval(draw, BAR_REFRESH_MS);
    timer.unref();
    stopDisplay = () => {
      clearInterval(timer);
      draw();
      bars.stop();
    };
  } else {
    let lastLine = Date.now();
    const tick = () => {
      for (const line of newlyCorrupt()) log(line);
      if (Date.now() - lastLine >= LINE_INTERVAL_MS) {
        lastLine = Date.now();
        log(replayLine(progress, stats, rate(), lastLine));
      }
    };
    const timer = setInterval(tick, LINE_TICK_MS);
    timer.unref();
    stopDisplay = () => {
      clearInterval(timer);
      for (const line of newlyCorrupt()) log(line);
    };
  }

  let finished = false;
  return {
    finish() {
      if (finished) return;
      finished = true;
      stopDisplay();
      for (const line of replaySummary(progress, stats, Date.now(), mapCounts?.())) log(line);
    },
  };

  function payload(linesPerS: number): Record<string, string> {
    const eta = progress.etaS(Date.now());
    return {
      files: `${progress.filesDone}/${progress.filesTotal}`,
      members: progress.members === null ? '' : `, member ${progress.members.done}/${progress.members.total}`,
      rate: Math.round(linesPerS).toLocaleString('en-US'),
      accepted: stats.accepted.toLocaleString('en-US'),
      skipped: stats.skipped.total.toLocaleString('en-US'),
      eta: eta === null ? '-' : formatDuration(eta),
    };
  }
}
