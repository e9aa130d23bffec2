/** The sliding windows the product offers, by name, in minutes. Shared by the server and the frontend. */
export const WINDOWS = { '15m': 15, '1h': 60, '6h': 360, '24h': 1440 } as const;

export type WindowName = keyof typeof WINDOWS;

export const WINDOW_NAMES = Object.keys(WINDOWS) as WindowName[];

export const DEFAULT_WINDOW: WindowName = '1h';

export function isWindowName(value: string): value is WindowName {
  return Object.hasOwn(WINDOWS, value);
}
