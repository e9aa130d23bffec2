/** The sliding windows the product offers, by name, in minutes. Shared by the server and the frontend. */
export const WINDOWS = { '15m': 15, '1h': 60, '6h': 360, '24h': 1440 } as const;

export type WindowName = keyof typeof WINDOWS;

export const WINDOW_NAMES = Object.keys(WINDOWS) as WindowName[];

export const DEFAULT_WINDOW: WindowName = '1h';

export function isWindowName(value: string): value is WindowName {
  return Object.hasOwn(WINDOWS, value);
}

/**
 * The windows history answers (`at=`, and `7d` / `30d` at any time): the live ones, and the longer ones the
 * kept hourly and daily counts make possible. Minutes.
 */
export const HISTORY_WINDOWS = { ...WINDOWS, '7d': 7 * 1440, '30d': 30 * 1440 } as const;

export type HistoryWindowName = keyof typeof HISTORY_WINDOWS;

export const HISTORY_WINDOW_NAMES = Object.keys(HISTORY_WINDOWS) as HistoryWindowName[];

/** Whether `window` is one of the live windows (`WINDOWS`), which the live counts answer without history. */
export function isLiveWindow(window: HistoryWindowName): window is WindowName {
  return Object.hasOwn(WINDOWS, window);
}
