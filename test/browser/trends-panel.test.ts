/**
 * The panel, regions, tag mode, recent posts and "Trends in this view" in a real browser, against
 * `npm start`'s product replaying the browser archive (`posts-archive.ts`): known counts in known cities,
 * fully counted before the page opens, so every list can be compared with the API's answer.
 */
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { beforeAllOrFail } from '../helpers';
import type { Browser, Page } from 'playwright-core';
import type { TagRegionsResponse, TrendsResponse } from '../../common/browser/api';
import { countryName } from '../../common/browser/countries';
import { getJson } from '../helpers';
import { launchChromium } from './chromium';
import { boundsContain, mapElement, moved, onMap, pixelOf, provenPosition, settledPosition, viewBounds, type Bounds } from './map-view';
import { openSession, streamRequests, type PageSession } from './page-session';
import { expectHostilePostAsText, expectedRows, panelLists, shownRows, trendsPanel } from './panel';
import { startReplayProduct, type Product } from './product';

const chromium = inject('chromiumPath');

/** A test's ceiling, in ms: each drives the page through several waits, on a machine that may be busy. */
const PAGE_TEST_MS = 180_000;

describe.skipIf(chromium === null)('the trends panel in Chromium, over a replayed archive', { timeout: PAGE_TEST_MS }, () => {
  let browser: Browser;
  let product: Product;
  let session: PageSession;

  beforeAllOrFail(async () => {
    [product, browser] = await Promise.all([startReplayProduct(), launchChromium(chromium!)]);
  });
  afterAll(async () => {
    await browser?.close();
    await product?.close();
  });
  // A fresh page per test, so one test's URL state never leaks into the next.
  const open = async (path: string): Promise<PageSession> => {
    session = await openSession(browser);
    await session.page.goto(`${product.url}${path}`);
    return session;
  };
  afterEach(async () => session?.close());

  const trends = (query: string) => getJson<TrendsResponse>(`${product.url}/api/trends?${query}`);
  const heading = (page: Page, name: string) => trendsPanel(page).getByRole('heading', { name, exact: true });

  /** Clicks central France (near Bourges, far from any border at zoom 5) until the URL says FR. */
  async function clickFrance(page: Page): Promise<void> {
    await provenPosition(page);
    const target = await pixelOf(page, 46.8, 2.4);
    expect(await onMap(page, target), 'the point is on the map').toBe(true);
    // The borders load as their own chunk after the page: a click before them is a click on the sea.
    await expect
      .poll(
        async () => {
          await page.mouse.click(target.x, target.y);
          await page.waitForTimeout(300);
          return new URL(page.url()).searchParams.get('region');
        },
        { message: 'region in the URL after clicking France' },
      )
      .toBe('FR');
  }

  it('?region=FR names France and lists the same top 10 as /api/trends?region=FR', async () => {
    const { page } = await open('/?region=FR');
    const api = await trends('region=FR');
    expect(api.trends).toHaveLength(10);
    await expect.poll(() => heading(page, 'France').isVisible()).toBe(true);
    await expect.poll(() => shownRows(page, api.trends)).toEqual(expectedRows(api.trends));
  });

  it('a click inside a country selects it and puts it in the URL', async () => {
    const { page } = await open('/#map=5/46.6/2.4');
    await clickFrance(page);
    await expect.poll(() => heading(page, 'France').isVisible()).toBe(true);
  });

  it('back and forward step between the world and a clicked country', async () => {
    const { page } = await open('/#map=5/46.6/2.4');
    await expect.poll(() => heading(page, 'World').isVisible()).toBe(true);
    await clickFrance(page);
    await expect.poll(() => heading(page, 'France').isVisible()).toBe(true);
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('region') ?? 'world').toBe('world');
    await expect.poll(() => heading(page, 'World').isVisible()).toBe(true);
    await page.goForward();
    await expect.poll(() => new URL(page.url()).searchParams.get('region')).toBe('FR');
    await expect.poll(() => heading(page, 'France').isVisible()).toBe(true);
  });

  it('a shared URL opens the same view: region, window, sort and map position', async () => {
    const shared = '/?region=FR&window=6h&sort=rising#map=6/46.5/2.5';
    const { page } = await open(shared);
    const api = await trends('region=FR&window=6h&sort=rising');
    expect(api.trends.length).toBeGreaterThan(0);
    await expect.poll(() => heading(page, 'France').isVisible()).toBe(true);
    await expect.poll(() => trendsPanel(page).getByRole('button', { name: '6h', pressed: true }).isVisible()).toBe(true);
    await expect.poll(() => trendsPanel(page).getByRole('button', { name: 'Rising', pressed: true }).isVisible()).toBe(true);
    await expect.poll(() => shownRows(page, api.trends)).toEqual(expectedRows(api.trends));
    expect(await settledPosition(page)).toEqual({ zoom: 6, lat: 46.5, lon: 2.5 });
    const url = new URL(page.url());
    expect([url.searchParams.get('region'), url.searchParams.get('window'), url.searchParams.get('sort')]).toEqual(['FR', '6h', 'rising']);
  });

  it('?tag= reaches the stream request and the panel', async () => {
    // #Sakura (9 posts, all in Kyoto) is not in the world's top 10: the panel shows it only for the tag.
    const world = await trends('region=world');
    expect(world.trends.map((t) => t.tag)).not.toContain('sakura');
    const { page } = await open('/?tag=sakura');
    await expect
      .poll(() => streamRequests(session).map((u) => u.searchParams.get('tag')), { message: 'tag of the /api/stream requests' })
      .toContain('sakura');
    await expect
      .poll(() =>
        trendsPanel(page)
          .getByText(/#sakura/i)
          .first()
          .isVisible(),
      )
      .toBe(true);
    // Cleared from the keyboard: the tag leaves the URL, and the keyboard's place is the region's heading,
    // not the start of the page.
    await trendsPanel(page).getByRole('button', { name: 'Clear tag #sakura' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('tag')).toBeNull();
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('panel-region');
  });

  it('in tag mode lists the countries where the tag is strongest, as /api/tags/:tag/regions does', async () => {
    const { page } = await open('/?tag=worldcup');
    const api = await getJson<TagRegionsResponse>(`${product.url}/api/tags/worldcup/regions?window=1h`);
    // The archive's #WorldCup posts: BR 12, FR 11, US 10, DE 8, ES 6, GB 4, JP 3.
    expect(api.regions.slice(0, 5).map((r) => r.region)).toEqual(['BR', 'FR', 'US', 'DE', 'ES']);
    const names = api.regions.slice(0, 5).map((r) => countryName(r.region) ?? r.region);
    // Some list of the panel (not the recent posts) names them in order, one an item.
    const listed = async () => {
      const lists = await panelLists(page);
      const best = lists.map((items) => names.map((name, i) => (items[i]?.includes(name) ? name : `(item ${i + 1}: "${items[i] ?? ''}")`)));
      return best.find((row) => row.every((cell, i) => cell === names[i])) ?? best[0] ?? ['(no list in the panel)'];
    };
    await expect.poll(listed, { message: 'the countries listed in the panel' }).toEqual(names);
  });

  it('shows a hostile post as literal text under Recent posts, and runs none of it', async () => {
    await expectHostilePostAsText(await open('/'), 'text under aria-label="Recent posts"');
  });

  it('"Trends in this view" follows the map from Europe to Japan and matches /api/trends?bbox=', async () => {
    const { page } = await open('/?region=view#map=4/48/8');
    await expect.poll(() => heading(page, 'This view').isVisible()).toBe(true);
    await provenPosition(page);

    const europe = await settledView();
    expect(boundsContain(europe.bounds, 48.86, 2.35) && !boundsContain(europe.bounds, 35.69, 139.69), `Europe in ${europe.bounds.join(',')}`).toBe(
      true,
    );
    await expect.poll(() => shownRows(page, europe.api.trends)).toEqual(expectedRows(europe.api.trends));

    // Zoom out over Europe, then in over Japan, as a user with a mouse wheel would.
    await wheelOver(48, 8, +240, (zoom) => zoom <= 2.5);
    await wheelOver(36.2, 138.2, -120, (zoom) => zoom >= 5);

    const japan = await settledView();
    expect(boundsContain(japan.bounds, 35.69, 139.69) && !boundsContain(japan.bounds, 48.86, 2.35), `Japan in ${japan.bounds.join(',')}`).toBe(true);
    expect(expectedRows(japan.api.trends)).not.toEqual(expectedRows(europe.api.trends));
    await expect.poll(() => shownRows(page, japan.api.trends)).toEqual(expectedRows(japan.api.trends));
    await expect.poll(() => heading(page, 'This view').isVisible()).toBe(true);

    /** The view once it stops moving, and the API's trends for its bounds. */
    async function settledView(): Promise<{ bounds: Bounds; api: TrendsResponse }> {
      await settledPosition(page);
      const bounds = await viewBounds(page);
      return { bounds, api: await trends(`bbox=${bounds.map((v) => v.toFixed(4)).join(',')}`) };
    }

    /** Turns the wheel over a place (re-aimed after every step) until the zoom satisfies `done`. */
    async function wheelOver(lat: number, lon: number, deltaY: number, done: (zoom: number) => boolean): Promise<void> {
      let position = await settledPosition(page);
      for (let step = 0; step < 12; step++) {
        if (done(position.zoom)) return;
        let point = await pixelOf(page, lat, lon);
        if (!(await onMap(page, point))) {
          const box = (await mapElement(page).boundingBox())!;
          point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
        }
        position = await moved(page, async () => {
          await page.mouse.move(point.x, point.y);
          await page.mouse.wheel(0, deltaY);
        });
      }
      throw new Error(`the wheel did not bring the map there: ${page.url()}`);
    }
  });
  it('shows counts, not shares, for a region with few posts, and greys countries with few posts in tag mode', async () => {
    const { page } = await open('/?region=BR');
    // Brazil: 29 posts in the archive, one fewer than FEW_POSTS.
    await expect
      .poll(() =>
        trendsPanel(page)
          .getByText(/^29 posts in the last hour: few posts, so no shares \(from 30\)$/)
          .count(),
      )
      .toBe(1);
    const shares = trendsPanel(page).locator('.trend-share');
    await expect.poll(() => shares.count()).toBeGreaterThan(0);
    expect((await shares.allTextContents()).every((text) => text === '')).toBe(true);
    // The United States: 30 posts, enough: shares shown.
    await page.goto(`${product.url}/?region=US`);
    await expect.poll(async () => (await trendsPanel(page).locator('.trend-share').allTextContents()).some((text) => /%$/.test(text))).toBe(true);
    // #WorldCup: shares where a country has 30 posts or more, "fewer than 30 posts" in the legend for Brazil.
    await page.goto(`${product.url}/?tag=worldcup`);
    const legend = page.getByRole('group', { name: 'Legend' });
    await expect.poll(() => legend.getByText('fewer than 30 posts').count()).toBe(1);
    await expect.poll(() => legend.getByText(/% or more$/).count()).toBe(1);
    expect(session.errors).toEqual([]);
  });

  it('says plainly that a tag has no posts, with no legend', async () => {
    const { page } = await open('/?tag=nothinghere');
    await expect.poll(() => trendsPanel(page).getByText('No posts with #nothinghere in the last hour.').isVisible()).toBe(true);
    expect(await page.getByRole('group', { name: 'Legend' }).count()).toBe(0);
    expect(session.errors).toEqual([]);
  });
});
