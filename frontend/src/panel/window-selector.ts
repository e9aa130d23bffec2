/** The time-window switch: 15m · 1h · 6h · 24h, and history's 7d · 30d. */
import { DEFAULT_WINDOW, HISTORY_WINDOW_NAMES, HISTORY_WINDOWS, type HistoryWindowName } from '../../../common/browser/windows';
import { SegmentedControl } from './segmented-control';

/** "the last hour", "the last 6 hours", "the last 7 days": how the panel describes a window in running text. */
export function windowPhrase(name: HistoryWindowName): string {
  const minutes: number = HISTORY_WINDOWS[name];
  if (minutes < 60) return `the last ${minutes} minutes`;
  // A day is said in hours (`24h`: "the last 24 hours"); longer windows in days.
  if (minutes > 1440) return `the last ${minutes / 1440} days`;
  const hours = minutes / 60;
  return hours === 1 ? 'the last hour' : `the last ${hours} hours`;
}

/**
 * The window an answer spans: as of a past moment (`at`, from history) the counts are by the hour, so 15m is
 * read as its hour and must be said so; otherwise the window itself.
 */
export function spannedWindow(name: HistoryWindowName, at: number | undefined): HistoryWindowName {
  return at !== undefined && name === '15m' ? '1h' : name;
}

export function createWindowSelector(): SegmentedControl<HistoryWindowName> {
  const segments = HISTORY_WINDOW_NAMES.map((name) => ({ value: name, label: name, title: `Trends over ${windowPhrase(name)}` }));
  return new SegmentedControl<HistoryWindowName>('Time window', 'window-selector', segments, DEFAULT_WINDOW);
}
