/**
 * The map follows the panel, in a real browser (Chromium through playwright-core) against `npm start`'s
 * product on the synthetic world: choosing a country (link, click, back/forward) fits the map to it, World
 * fits the world, tag mode fits the tag's countries, and a link with a map position keeps that position.
 * Where the map is comes from the `#map=zoom/lat/lon` the page writes, as in the other suites.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TagRegionsResponse, TrendsResponse } from '../../common/browser/api';
import { getJson } from '../helpers';
import { productAndBrowser } from './browser-suite';
import { boundsContain, mapElement, onMap, pixelOf, settledPosition, viewBounds, type Bounds } from './map-view';
import { openSession, type PageSession } from './page-session';
import { trendsPanel } from './panel';
import { startSyntheticProduct } from './product';

const chromium = inject('chromiumPath');

/** A test's ceiling, in ms: each drives the page through several waits, on a machine that may be busy. */
const PAGE_TEST_MS = 180_000;

/** Places to look for, as [lat, lon]. */
const PARIS = [48.86, 2.35] as const;
const MOSCOW = [55.75, 37.62] as const;
const ANADYR = [64.73, 177.51] as const;
const SUVA = [-18.14, 178.44] as const;
const VADUZ = [47.14, 9.52] as const;

/** Whether the view holds a place on any copy of the world (the view may reach past ±180°). */
const holds = (bounds: Bounds, [lat, lon]: readonly [number, number]) => [lon - 360, lon, lon + 360].some((x) => boundsContain(bounds, lat, x));
const width = ([west, , east]: Bounds) => east - west;

interface View {
  width: number;
  holds: Record<string, boolean>;
}

/** A view from `min` to `max` degrees wide that holds every place asked for. */
const fits =
  (max: number, min = 1) =>
  (view: View): boolean =>
    view.width >= min && view.width <= max && Object.values(view.holds).every(Boolean);

describe.skipIf(chromium === null)('the map follows the panel in Chromium', { timeout: PAGE_TEST_MS }, () => {
  const suite = productAndBrowser(chromium!, () => startSyntheticProduct(50));
  let session: PageSession;

  // A fresh page per test, so one test's URL state never leaks into the next.
  const open = async (path: string): Promise<Page> => {
    session = await openSession(suite().browser);
    await session.page.goto(`${suite().product.url}${path}`);
    return session.page;
  };
  afterEach(async () => session?.close());

  /** The view's width in degrees and which of `places` it holds: one value for `expect.poll`, shown on failure. */
  const view = async (page: Page, places: Record<string, readonly [number, number]> = {}): Promise<View> => {
    const bounds = await viewBounds(page);
    const inView = Object.fromEntries(Object.entries(places).map(([name, place]) => [name, holds(bounds, place)]));
    return { width: Math.round(width(bounds)), holds: inView };
  };
  const search = (page: Page) => page.evaluate(() => location.search);

  it('fits France for ?region=FR without a map position; World fits the world; back and forward follow', async () => {
    const page = await open('/?region=FR');
    await expect.poll(() => view(page, { PARIS })).toSatisfy(fits(30));

    await mapElement(page).getByRole('button', { name: 'World', exact: true }).click();
    await expect.poll(() => search(page)).toBe('');
    await expect.poll(() => view(page)).toSatisfy(fits(400, 250));

    await page.goBack();
    await expect.poll(() => view(page, { PARIS })).toSatisfy(fits(30));
    await page.goForward();
    await expect.poll(() => view(page)).toSatisfy(fits(400, 250));
  });

  it('fits the country clicked on the map', async () => {
    const page = await open('/');
    const world = await settledPosition(page);
    const target = await pixelOf(page, 46.8, 2.4); // central France, far from its borders at this zoom
    expect(await onMap(page, target), 'central France is on the map').toBe(true);
    // The borders load as their own chunk after the page: a click before them is a click on the sea.
    await expect
      .poll(async () => {
        if ((await search(page)) === '') await page.mouse.click(target.x, target.y);
        return search(page);
      })
      .toBe('?region=FR');
    await expect.poll(() => view(page, { PARIS })).toSatisfy(fits(30));
    expect((await settledPosition(page)).zoom).toBeGreaterThan(world.zoom + 2);
  });

  it('keeps the map position of a link that has one', async () => {
    const page = await open('/?region=FR#map=3/10/-40');
    await expect.poll(() => trendsPanel(page).getByRole('heading', { name: 'France', exact: true }).isVisible()).toBe(true);
    // Once the borders are drawn, a fit to France would have been asked for (it waits for the same file).
    const borders = page.locator('.leaflet-overlay-pane canvas').first();
    await expect.poll(() => borders.evaluate(paintedPixels), { message: 'painted pixels of the borders' }).toBeGreaterThan(1_000);
    expect(await settledPosition(page)).toEqual({ zoom: 3, lat: 10, lon: -40 });
  });

  it('fits Russia and Fiji across the antimeridian, not to the width of the world', async () => {
    const russia = await open('/?region=RU');
    await expect.poll(() => view(russia, { MOSCOW, ANADYR })).toSatisfy(fits(200, 60));
    await session.close();
    const fiji = await open('/?region=FJ');
    await expect.poll(() => view(fiji, { SUVA })).toSatisfy(fits(30));
  });

  it('fits a country drawn only by the 1:50m borders (Liechtenstein), fetching them for it', async () => {
    const page = await open('/?region=LI');
    await expect.poll(() => view(page, { VADUZ })).toSatisfy(fits(30));
    expect(session.requests.some((request) => /countries-50m/.test(request.url()))).toBe(true);
  });

  it('fits the countries where the tag is on entering tag mode', async () => {
    // A tag posted from France only (one of its own tags in the synthetic world), among France's trends.
    const frenchTag = async (): Promise<string | null> => {
      const trends = await getJson<TrendsResponse>(`${suite().product.url}/api/trends?region=FR`);
      for (const { tag } of trends.trends) {
        const answer = await getJson<TagRegionsResponse>(`${suite().product.url}/api/tags/${encodeURIComponent(tag)}/regions`);
        if (answer.regions.length === 1 && answer.regions[0].region === 'FR' && answer.regions[0].count >= 2) return tag;
      }
      return null;
    };
    let tag: string | null = null;
    await expect.poll(async () => (tag = await frenchTag()), { message: 'a tag of France only', timeout: 120_000, interval: 1_000 }).not.toBeNull();
    const page = await open(`/?tag=${encodeURIComponent(tag!)}`);
    await expect.poll(() => view(page, { PARIS })).toSatisfy(fits(30));
  });
});

/** Pixels of a canvas that are not transparent (run in the page). */
function paintedPixels(node: SVGElement | HTMLElement): number {
  const canvas = node as HTMLCanvasElement;
  const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  let count = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count += 1;
  return count;
}
