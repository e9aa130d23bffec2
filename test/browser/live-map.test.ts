/**
 * The live map in a real browser (Chromium through playwright-core), against `npm start`'s product on the
 * synthetic world: first with country borders only, then with the tile layer pointed at a local stand-in
 * tile server (which the Content-Security-Policy must allow).
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { beforeAllOrFail } from '../helpers';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium';
import { liveRounds, openSession, streamRequests, type PageSession } from './page-session';
import { startSyntheticProduct, startTileServer, type Product, type TileServer } from './product';
import { trendList, trendsPanel } from './panel';

const chromium = inject('chromiumPath');

describe.skipIf(chromium === null)('the live map in Chromium', () => {
  let browser: Browser;
  let product: Product;
  let session: PageSession;

  beforeAllOrFail(async () => {
    [product, browser] = await Promise.all([startSyntheticProduct(50), launchChromium(chromium!)]);
    // One page for the suite, as a visitor would keep it open.
    session = await openSession(browser);
    await session.page.goto(product.url);
  });
  afterAll(async () => {
    await session?.close();
    await browser?.close();
    await product?.close();
  });

  it('loads without console errors, uncaught exceptions or CSP violations', async () => {
    const { page } = session;
    await expect.poll(() => trendList(page).getByRole('listitem').count()).toBeGreaterThan(0);
    expect(streamRequests(session).length).toBeGreaterThan(0);
    // A few seconds of live updates (markers, stats, trends) must not log errors either.
    await liveRounds(page, 2);
    expect(session.errors).toEqual([]);
    expect(session.dialogs).toEqual([]);
    // Every answer and event the server sent passed the page's checks (the contract's schemas).
    expect(session.warnings.filter((text) => text.includes('malformed'))).toEqual([]);
  });

  it('draws markers: the marker canvas gets coloured pixels', async () => {
    const { page } = session;
    const canvas = page.locator('.leaflet-container canvas.trend-markers');
    await expect.poll(() => canvas.count(), { message: 'no marker canvas (canvas.trend-markers)' }).toBe(1);
    const painted = () =>
      canvas.evaluate((node: HTMLCanvasElement) => {
        const { data } = node.getContext('2d')!.getImageData(0, 0, node.width, node.height);
        let count = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count += 1;
        return count;
      });
    // 50 posts/s over the world: within seconds hundreds of dots of a few pixels each.
    await expect.poll(painted, { message: 'painted pixels on the marker canvas' }).toBeGreaterThan(200);
  });

  it('names the panel "Trends" and its region, "World" by default', async () => {
    const { page } = session;
    await expect.poll(() => trendsPanel(page).getByRole('heading', { name: 'World' }).isVisible()).toBe(true);
  });
});

describe.skipIf(chromium === null)('the tile layer in Chromium', () => {
  let browser: Browser;
  let product: Product;
  let tiles: TileServer;
  let session: PageSession;

  beforeAllOrFail(async () => {
    tiles = await startTileServer();
    [product, browser] = await Promise.all([
      startSyntheticProduct(10, { TILE_URL: tiles.template, TILE_ATTRIBUTION: 'Test tiles' }),
      launchChromium(chromium!),
    ]);
    session = await openSession(browser);
  });
  afterAll(async () => {
    await session?.close();
    await browser?.close();
    await product?.close();
    await tiles?.close();
  });

  it('loads tiles from the configured host, which the Content-Security-Policy allows, and asks for none outside the world', async () => {
    const { page } = session;
    const response = await fetch(product.url);
    expect(response.headers.get('content-security-policy'), 'the page is served with a CSP').toBeTruthy();
    await page.goto(product.url);
    const tileHost = new URL(tiles.template.replace(/\{.\}/g, '0')).host;
    await expect.poll(() => tiles.served()).toBeGreaterThan(0);
    const tileImages = page.locator(`img.leaflet-tile-loaded[src*="${tileHost}"]`);
    await expect.poll(() => tileImages.count()).toBeGreaterThan(0);
    // Every tile asked for has loaded or failed (a failure is what would log the error).
    await page.waitForFunction(
      () => [...document.querySelectorAll('img.leaflet-tile')].every((img) => (img as HTMLImageElement).complete),
      undefined,
      { timeout: 30_000 },
    );
    // A tile outside the world (x or y < 0 or >= 2^z) is a 404 on a real tile server: an error in the console.
    expect(session.errors).toEqual([]);
  });
});
