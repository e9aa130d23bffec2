/**
 * Light and dark (issue 12 item 8), in a real browser: the page follows the system's colour scheme until the
 * reader chooses, the map's canvas borders follow too, and the choice is kept.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { productAndBrowser } from './browser-suite';
import { borderColourAt, settledPosition } from './map-view';
import type { PageSession } from './page-session';
import { openSession } from './page-session';
import { startReplayProduct } from './product';

const chromium = inject('chromiumPath');

/** The header's background (the page's), as r + g + b (0 to 765): above 600 is light, below 150 dark. */
const background = (page: Page) =>
  page.evaluate(() => {
    const [r, g, b] = getComputedStyle(document.querySelector('.app-header')!).backgroundColor.match(/\d+/g)!.map(Number);
    return r + g + b;
  });

/** The border canvas's colour at the Sahara (land, far from any dot of the archive), as r + g + b. */
async function land(page: Page): Promise<number> {
  const [r, g, b] = await borderColourAt(page, 24, 12);
  return r + g + b;
}

describe.skipIf(chromium === null)('light and dark, in Chromium', { timeout: 180_000 }, () => {
  const suite = productAndBrowser(chromium!, startReplayProduct);
  let session: PageSession | undefined;
  afterEach(async () => session?.close());

  it('follows a light system until the reader chooses, borders included, and keeps the choice', async () => {
    session = await openSession(suite().browser);
    await session.page.emulateMedia({ colorScheme: 'light' });
    const { page } = session;
    await page.goto(`${suite().product.url}/#map=3/20/10`);
    await settledPosition(page);
    const button = page.getByRole('button', { name: /^Theme: / });
    await expect.poll(() => button.textContent()).toBe('Theme: auto');
    await expect.poll(() => background(page)).toBeGreaterThan(600);
    await expect.poll(() => land(page)).toBeGreaterThan(600);
    await button.click(); // light
    await button.click(); // dark
    await expect.poll(() => button.textContent()).toBe('Theme: dark');
    await expect.poll(() => background(page)).toBeLessThan(150);
    await expect.poll(() => land(page)).toBeLessThan(200);
    await page.reload();
    await settledPosition(page);
    await expect.poll(() => button.textContent()).toBe('Theme: dark');
    await expect.poll(() => background(page)).toBeLessThan(150);
    expect(session.errors).toEqual([]);
  });
});
