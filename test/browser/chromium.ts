/**
 * The browser the suites, the frontend benchmark and the screenshot script drive: the system's Chromium
 * through playwright-core (which ships no browser). Debian's package is `chromium`, at /usr/bin/chromium;
 * CHROMIUM_PATH points elsewhere.
 */
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Where Chromium is, or why it cannot be used. */
export function chromiumPath(): { ok: true; path: string } | { ok: false; why: string } {
  const path = process.env.CHROMIUM_PATH?.trim() || DEFAULT_CHROMIUM;
  try {
    accessSync(path, constants.X_OK);
    return { ok: true, path };
  } catch {
    const how = path === DEFAULT_CHROMIUM ? ' (apt-get install chromium, or set CHROMIUM_PATH)' : ' (CHROMIUM_PATH)';
    return { ok: false, why: `no Chromium executable at ${path}${how}` };
  }
}

/** Launches headless Chromium. `--no-sandbox`: CI runs as root in a container, where the sandbox cannot start. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: ['--no-sandbox'], headless: true });
}
