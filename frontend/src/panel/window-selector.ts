/** The time-window switch: 15m · 1h · 6h · 24h. */
import { DEFAULT_WINDOW, WINDOW_NAMES, WINDOWS, type WindowName } from '../../../common/browser/windows';
import { SegmentedControl } from './segmented-control';

/** "the last hour", "the last 6 hours": how the panel describes a window in running text. */
export function windowPhrase(name: WindowName): string {
  const minutes = WINDOWS[name];
  if (minutes < 60) return `the last ${minutes} minutes`;
  const hours = minutes / 60;
  return hours === 1 ? 'the last hour' : `the last ${hours} hours`;
}

export function createWindowSelector(): SegmentedControl<WindowName> {
  const segments = WINDOW_NAMES.map((name) => ({ value: name, label: name, title: `Trends over ${windowPhrase(name)}` }));
  return new SegmentedControl<WindowName>('Time window', 'window-selector', segments, DEFAULT_WINDOW);
}
