/**
 * Country borders at two scales, in a real browser (Chromium through playwright-core) against `npm start`'s
 * product on the replayed archive: 1:110m at the world's zoom, without the 1:50m file ever being asked for;
 * 1:50m from zoom 4 on, fetched then (once) as its own chunk, with clicks selecting what it draws and the
 * selection following it; 1:110m again below zoom 4; and a failed 1:50m load that leaves 1:110m drawn, is
 * logged once, and is tried again on a later zoom. Which scale is drawn is what the map's element says
 * (`data-borders`); where the map is, what its `#map=` says.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { productAndBrowser } from './browser-suite';
import { borderColourAt, mapElement, moved, onMap, pixelOf, settledPosition, type MapPosition } from './map-view';
import { openSession, type PageSession } from './page-session';
import { trendsPanel } from './panel';
import { startReplayProduct } from './product';

const chromium = inject('chromiumPath');

/** The 1:50m borders' chunk, as Vite names it (`assets/countries-50m-<hash>.js`). */
const FINE_CHUNK = /\/assets\/countries-50m-[\w-]+\.js$/;
/** Places to click, as [lat, lon]: inland, several pixels from any border at the zooms used. */
const SWITZERLAND = [46.8, 8.2] as const;
/** Not in 1:110m at all: under it, this point is Switzerland or Austria. */
const LIECHTENSTEIN = [47.14, 9.55] as const;

const drawn = (page: Page) => mapElement(page).getAttribute('data-borders');
const fineRequests = (session: PageSession) => session.requests.filter((r) => FINE_CHUNK.test(new URL(r.url()).pathname)).length;
const fineWarnings = (session: PageSession) => session.warnings.filter((text) => text.includes('country borders (1:50m) unavailable'));
const search = (page: Page) => page.evaluate(() => location.search);

/** Moves the map as a link would (the fragment), and returns where it settled. */
async function goTo(page: Page, hash: string): Promise<MapPosition> {
  await page.evaluate((fragment) => (location.hash = fragment), hash);
  return settledPosition(page);
}

/**
 * Clicks a place and waits for the region it selects to be in the URL and the panel's heading. The map then
 * fits the country (it follows the panel), and the click waits for it to settle there, so the next one aims
 * right; but the fit goes by the 1:110m borders, so a country only 1:50m has (`fits: false`) leaves the map
 * where it is.
 */
async function clickCountry(page: Page, [lat, lon]: readonly [number, number], code: string, name: string, fits = true): Promise<void> {
  const target = await pixelOf(page, lat, lon);
  expect(await onMap(page, target), `${name} is on the map`).toBe(true);
  const click = () => page.mouse.click(target.x, target.y);
  await (fits ? moved(page, click) : click());
  await expect.poll(() => search(page)).toBe(`?region=${code}`);
  await expect.poll(() => trendsPanel(page).getByRole('heading', { name, exact: true }).isVisible()).toBe(true);
}

/** Whether the borders fill a place in the selection's warm colour (the dark theme's land is blue-grey). */
const looksSelected = async (page: Page, [lat, lon]: readonly [number, number]) => {
  const [r, , b] = await borderColourAt(page, lat, lon);
  return r > b;
};

describe.skipIf(chromium === null)('border detail by zoom, in Chromium', { timeout: 180_000 }, () => {
  const suite = productAndBrowser(chromium!, startReplayProduct);
  let session: PageSession | undefined;
  afterEach(async () => session?.close());

  it('draws 1:110m at the world zoom without fetching 1:50m, and 1:50m from zoom 4, where clicks select what it draws', async () => {
    session = await openSession(suite().browser);
    const { page } = session;
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${suite().product.url}/`);
    expect((await settledPosition(page)).zoom).toBeLessThan(4);
    await expect.poll(() => drawn(page)).toBe('110m');
    // A layer that asked for 1:50m on being added would have asked before 1:110m was drawn.
    expect(fineRequests(session)).toBe(0);

    expect((await goTo(page, '#map=5/47/8')).zoom).toBe(5);
    await expect.poll(() => drawn(page)).toBe('50m');
    expect(fineRequests(session)).toBe(1);

    await clickCountry(page, SWITZERLAND, 'CH', 'Switzerland');
    await expect.poll(() => looksSelected(page, SWITZERLAND)).toBe(true);
    // Switzerland's fit shows Liechtenstein some pixels wide.
    await clickCountry(page, LIECHTENSTEIN, 'LI', 'Liechtenstein', false);
    await expect.poll(() => looksSelected(page, LIECHTENSTEIN)).toBe(true);
    await expect.poll(() => looksSelected(page, SWITZERLAND)).toBe(false);
    expect(await drawn(page)).toBe('50m');

    expect((await goTo(page, '#map=2/30/0')).zoom).toBe(2);
    await expect.poll(() => drawn(page)).toBe('110m');
    await moved(page, () => mapElement(page).getByRole('button', { name: 'World', exact: true }).click());
    await expect.poll(() => search(page)).toBe('');
    // The 1:50m borders were kept (no second request), and show the selection of now, not of when they left.
    expect((await goTo(page, `#map=7/${LIECHTENSTEIN.join('/')}`)).zoom).toBe(7);
    await expect.poll(() => drawn(page)).toBe('50m');
    await expect.poll(() => looksSelected(page, LIECHTENSTEIN)).toBe(false);
    expect(fineRequests(session)).toBe(1);

    expect(session.errors).toEqual([]);
    expect(fineWarnings(session)).toEqual([]);
  });

  it('keeps 1:110m when 1:50m fails to load, warns once, and tries again on a later zoom', async () => {
    session = await openSession(suite().browser);
    const { page } = session;
    let tries = 0;
    await page.route(
      (url) => FINE_CHUNK.test(url.pathname),
      (route) => (++tries === 1 ? route.abort('failed') : route.continue()),
    );
    await page.goto(`${suite().product.url}/#map=5/47/8`);
    await expect.poll(() => fineWarnings(session!).length).toBe(1);
    await expect.poll(() => drawn(page)).toBe('110m');

    expect((await goTo(page, '#map=6/47/8')).zoom).toBe(6);
    await expect.poll(() => drawn(page)).toBe('50m');
    await clickCountry(page, SWITZERLAND, 'CH', 'Switzerland');
    expect(tries).toBe(2);
    expect(fineWarnings(session)).toHaveLength(1);
    // The only error is the refused request's own.
    expect(session.errors.filter((line) => !/countries-50m|Failed to load resource/.test(line))).toEqual([]);
  });
});
