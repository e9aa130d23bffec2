/**
 * The page on a phone (issue 12 item 8), in a real browser at 390 x 844: the map and at least five trends
 * in view at once, and tag mode's legend folded to its title, unfolding on a tap without covering the zoom.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { productAndBrowser } from './browser-suite';
import type { PageSession } from './page-session';
import { openSession } from './page-session';
import { trendsPanel } from './panel';
import { startReplayProduct } from './product';

const chromium = inject('chromiumPath');
const PHONE = { width: 390, height: 844 };
const SMALL_PHONE = { width: 375, height: 667 };

/** Whether the element `selector` is what a tap at its centre reaches (nothing laid over it). */
function isOnTop(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).evaluate((element) => {
    const box = element.getBoundingClientRect();
    const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return top !== null && element.contains(top);
  });
}

describe.skipIf(chromium === null)('on a phone, in Chromium', { timeout: 180_000 }, () => {
  const suite = productAndBrowser(chromium!, startReplayProduct);
  let session: PageSession | undefined;
  afterEach(async () => session?.close());

  it('shows the map and at least five trends without scrolling, and folds the legend', async () => {
    session = await openSession(suite().browser);
    const { page } = session;
    await page.setViewportSize(PHONE);
    await page.goto(`${suite().product.url}/`);
    const rows = trendsPanel(page).locator('.trend');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(5);
    const inView = () =>
      page.evaluate(() => [...document.querySelectorAll('.trend')].filter((row) => row.getBoundingClientRect().bottom <= innerHeight).length);
    expect(await inView()).toBeGreaterThanOrEqual(5);
    const map = (await page.locator('.leaflet-container').boundingBox())!;
    expect(map.height).toBeGreaterThanOrEqual(200);
    expect(map.y + map.height).toBeLessThanOrEqual(PHONE.height);
    // Tag mode: the legend is its title, folded; a tap unfolds its classes.
    await page.goto(`${suite().product.url}/?tag=worldcup`);
    const legend = page.getByRole('group', { name: 'Legend' });
    const toggle = legend.getByRole('button', { name: '#WorldCup' });
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await legend.locator('.legend-classes').isVisible()).toBe(false);
    await toggle.click();
    await expect.poll(() => legend.locator('.legend-classes').isVisible()).toBe(true);
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    // Unfolded, it leaves the zoom buttons (top left) clear, on this phone and on a smaller one.
    for (const size of [PHONE, SMALL_PHONE]) {
      await page.setViewportSize(size);
      for (const button of ['.leaflet-control-zoom-in', '.leaflet-control-zoom-out']) {
        await expect.poll(() => isOnTop(page, button), { message: `${button} clear at ${size.width} x ${size.height}` }).toBe(true);
      }
    }
    await page.locator('.leaflet-control-zoom-out').click();
    expect(session.errors).toEqual([]);
  });
});
