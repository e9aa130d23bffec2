/**
 * Light and dark (issue 12 item 8), in a real browser: the page follows the system's colour scheme until the
 * reader chooses, the map's canvas borders and live dots follow too, and the choice is kept.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { productAndBrowser } from './browser-suite';
import { borderColourAt, settledPosition } from './map-view';
import type { PageSession } from './page-session';
import { openSession } from './page-session';
import { parisPost } from './posts-archive';
import { startFedProduct } from './product';

const chromium = inject('chromiumPath');

/** The header's background (the page's), as r + g + b (0 to 765): above 600 is light, below 150 dark. */
const background = (page: Page) =>
  page.evaluate(() => {
    const [r, g, b] = getComputedStyle(document.querySelector('.app-header')!).backgroundColor.match(/\d+/g)!.map(Number);
    return r + g + b;
  });

/** The border canvas's colour at the Sahara (land, far from the test's dots in Paris), as [r, g, b]. */
async function landColour(page: Page): Promise<number[]> {
  return borderColourAt(page, 24, 12);
}

/** The same as r + g + b (0 to 765). */
const land = async (page: Page) => (await landColour(page)).reduce((sum, channel) => sum + channel, 0);

/** The ocean (the map element's background), as [r, g, b]. */
const oceanColour = (page: Page) =>
  page.evaluate(() => getComputedStyle(document.querySelector('.leaflet-container')!).backgroundColor.match(/\d+/g)!.slice(0, 3).map(Number));

/** The WCAG 2 contrast ratio of two sRGB colours, from 1 to 21; graphics need 3 (non-text contrast). */
function contrast(a: number[], b: number[]): number {
  const luminance = (rgb: number[]) =>
    rgb
      .map((channel) => channel / 255)
      .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
      .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high + 0.05) / (low + 0.05);
}

/** The newest dot's contrast with the land and with the ocean, as the page draws them. */
async function dotContrasts(page: Page): Promise<{ land: number; ocean: number }> {
  const dot = (await dotColour(page))!;
  return { land: contrast(dot, await landColour(page)), ocean: contrast(dot, await oceanColour(page)) };
}

/**
 * The colour of the most opaque pixel of the live dots' canvas, as [r, g, b] (un-premultiplied, as
 * `getImageData` gives it), or null while nothing is drawn there. The canvas is clear but for the dots, all
 * of the test's in Paris, so that pixel is the middle of the newest dot, at full opacity.
 */
const dotColour = (page: Page) =>
  page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('canvas.trend-markers');
    if (canvas === null) return null;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let best = -1;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && (best < 0 || data[i + 3] > data[best + 3])) best = i;
    return best < 0 ? null : [data[best], data[best + 1], data[best + 2]];
  });

/** The dots' colour of each theme (`MARKER_THEMES` in marker-layer.ts): #0057b8 light, #4fd1ff dark. */
const DOT_COLOURS = { light: [0x00, 0x57, 0xb8], dark: [0x4f, 0xd1, 0xff] };

/** How far the newest dot's colour is from `rgb`: its largest difference in a channel (255 while no dot is drawn). */
const dotDistance = async (page: Page, rgb: number[]) => {
  const colour = await dotColour(page);
  return colour === null ? 255 : Math.max(...colour.map((channel, i) => Math.abs(channel - rgb[i])));
};

describe.skipIf(chromium === null)('light and dark, in Chromium', { timeout: 180_000 }, () => {
  const suite = productAndBrowser(chromium!, startFedProduct);
  let posted = 0;
  /** A post in Paris now: a fresh dot, at full opacity, on the open page. */
  const postDot = () => suite().product.post(parisPost(String(1_790_000_000_000_300_000n + BigInt((posted += 1))), Date.now(), 'Bonjour'));
  let session: PageSession | undefined;
  afterEach(async () => session?.close());

  it('follows a light system until the reader chooses, borders and dots included, and keeps the choice', async () => {
    session = await openSession(suite().browser);
    await session.page.emulateMedia({ colorScheme: 'light' });
    const { page } = session;
    await page.goto(`${suite().product.url}/#map=3/20/10`);
    await settledPosition(page);
    const button = page.getByRole('button', { name: /^Theme: / });
    await expect.poll(() => button.textContent()).toBe('Theme: auto');
    await expect.poll(() => background(page)).toBeGreaterThan(600);
    await expect.poll(() => land(page)).toBeGreaterThan(600);
    await postDot();
    await expect.poll(() => dotDistance(page, DOT_COLOURS.light), { message: 'a dot in the light colour' }).toBeLessThanOrEqual(3);
    const light = await dotContrasts(page);
    expect(Math.min(light.land, light.ocean), `the light dots' contrast with land and ocean: ${JSON.stringify(light)}`).toBeGreaterThanOrEqual(3);
    // The density cells (on by themselves: few dots) are drawn in the dots' colour of the theme.
    const cellFills = () => page.locator('path.density-cell').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('fill')));
    await expect.poll(cellFills, { message: 'density cells in the light colour' }).toEqual(['#0057b8']);
    await button.click(); // light
    await button.click(); // dark
    await expect.poll(() => button.textContent()).toBe('Theme: dark');
    await expect.poll(() => background(page)).toBeLessThan(150);
    await expect.poll(() => land(page)).toBeLessThan(200);
    await postDot();
    await expect.poll(() => page.locator('canvas.trend-markers').getAttribute('data-markers')).toBe('2');
    await expect.poll(() => dotDistance(page, DOT_COLOURS.dark), { message: 'a dot in the dark colour' }).toBeLessThanOrEqual(3);
    await expect.poll(cellFills, { message: 'density cells in the dark colour' }).toEqual(['#4fd1ff']);
    const dark = await dotContrasts(page);
    expect(Math.min(dark.land, dark.ocean), `the dark dots' contrast with land and ocean: ${JSON.stringify(dark)}`).toBeGreaterThanOrEqual(3);
    await page.reload();
    await settledPosition(page);
    await expect.poll(() => button.textContent()).toBe('Theme: dark');
    await expect.poll(() => background(page)).toBeLessThan(150);
    expect(session.errors).toEqual([]);
  });
});
