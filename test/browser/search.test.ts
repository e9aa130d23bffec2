/**
 * The header's search box (issue 12 item 3), in a real browser over a replayed archive (its tags and cities:
 * posts-archive.ts): a hashtag prefix offers the tag and Enter enters tag mode; "Fra" offers France, which
 * becomes the region; a city of the gazetteer moves the map there and shows "Trends in this view"; the
 * keyboard alone (ArrowDown, Enter) chooses; the input is a combobox screen readers can name.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { productAndBrowser } from './browser-suite';
import { mapPosition, settledPosition } from './map-view';
import { openSession, type PageSession } from './page-session';
import { startReplayProduct } from './product';

const chromium = inject('chromiumPath');

/** A test's ceiling, in ms: each drives the page through several waits, on a machine that may be busy. */
const PAGE_TEST_MS = 180_000;

const searchBox = (page: Page) => page.getByRole('combobox', { name: 'Search hashtags, countries and cities' });
const options = (page: Page) => page.getByRole('listbox', { name: 'Suggestions' }).getByRole('option');
const query = async (page: Page, name: string) => new URL(page.url()).searchParams.get(name);

describe.skipIf(chromium === null)('the search box, in Chromium over a replayed archive', { timeout: PAGE_TEST_MS }, () => {
  let session: PageSession;
  const suite = productAndBrowser(chromium!, startReplayProduct);
  afterEach(async () => session?.close());

  const open = async (): Promise<Page> => {
    session = await openSession(suite().browser);
    await session.page.goto(`${suite().product.url}/`);
    await settledPosition(session.page);
    return session.page;
  };

  /** Types `text` into the search box, key by key, as a person would. */
  const type = async (page: Page, text: string) => {
    await searchBox(page).click();
    await searchBox(page).pressSequentially(text);
  };

  it('offers a hashtag by its prefix, and Enter enters tag mode', async () => {
    const page = await open();
    await type(page, '#tourde');
    await expect.poll(() => options(page).allInnerTexts()).toEqual([expect.stringMatching(/^#TourDeFrance\s*Hashtag · 27 posts today$/)]);
    await expect.poll(() => searchBox(page).getAttribute('aria-expanded')).toBe('true');
    await searchBox(page).press('Enter');
    await expect.poll(() => query(page, 'tag')).toBe('tourdefrance');
    // Chosen: the box is emptied and closed.
    expect(await searchBox(page).inputValue()).toBe('');
    expect(await searchBox(page).getAttribute('aria-expanded')).toBe('false');
    await expect.poll(() => page.title()).toContain('#tourdefrance');
    expect(session.errors).toEqual([]);
  });

  it('offers France for "Fra", and choosing it (a click) makes it the region', async () => {
    const page = await open();
    await type(page, 'Fra');
    const france = options(page).filter({ hasText: /^France\s*Country$/ });
    await expect.poll(() => france.count()).toBe(1);
    await france.click();
    await expect.poll(() => query(page, 'region')).toBe('FR');
    await expect.poll(() => page.getByRole('complementary', { name: 'Trends' }).getByRole('heading').first().innerText()).toContain('France');
    expect(session.errors).toEqual([]);
  });

  it('moves the map to a city of the gazetteer and shows trends in this view', async () => {
    const page = await open();
    await type(page, 'Lyon');
    // The city comes from the server's gazetteer: wait for it, then Enter takes the first suggestion, the city.
    await expect.poll(async () => (await options(page).allInnerTexts())[0]).toMatch(/^Lyon\s*City · France$/);
    await searchBox(page).press('Enter');
    await expect.poll(() => query(page, 'region')).toBe('view');
    const position = await mapPosition(page);
    expect(position.zoom).toBe(10);
    expect(Math.abs(position.lat - 45.76)).toBeLessThan(0.1);
    expect(Math.abs(position.lon - 4.84)).toBeLessThan(0.1);
    expect(session.errors).toEqual([]);
  });

  it('never lets a slow answer overwrite a newer one', async () => {
    const page = await open();
    // The answer for "#lo" is held until the one for "#lon" is shown, then given, saying "#Stale".
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let answered: Promise<unknown> = Promise.resolve();
    let askedForLo = false;
    await page.route(/\/api\/tags\?prefix=%23lo&/, (route) => {
      askedForLo = true;
      const body = JSON.stringify({ prefix: 'lo', window: '24h', tags: [{ tag: 'stale', display: 'Stale', count: 1 }] });
      answered = held.then(() => route.fulfill({ contentType: 'application/json', body })).catch(() => {}); // aborted: nothing to fulfil
    });
    await type(page, '#lo');
    await expect.poll(() => askedForLo).toBe(true);
    await searchBox(page).pressSequentially('n');
    await expect.poll(() => options(page).allInnerTexts()).toEqual([expect.stringMatching(/^#London/)]);
    release();
    await answered;
    // A round trip through the page after the old answer came (or its request was aborted): still the newer list.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    expect(await options(page).allInnerTexts()).toEqual([expect.stringMatching(/^#London/)]);
    expect(session.errors).toEqual([]);
  });

  it('works with the keyboard alone: ArrowDown to a suggestion, Enter to choose it; Escape closes', async () => {
    const page = await open();
    await page.keyboard.press('Tab'); // the first thing to reach is the search box
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('combobox');
    await page.keyboard.type('worldc');
    await expect.poll(() => options(page).allInnerTexts()).toEqual([expect.stringMatching(/^#WorldCup/)]);
    await page.keyboard.press('Escape');
    await expect.poll(() => searchBox(page).getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('ArrowDown'); // opens the list again, on the first option
    const active = await searchBox(page).getAttribute('aria-activedescendant');
    expect(active).not.toBeNull();
    expect(await page.locator(`[id="${active}"]`).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator(`[id="${active}"]`).innerText()).toMatch(/^#WorldCup/);
    await page.keyboard.press('Enter');
    await expect.poll(() => query(page, 'tag')).toBe('worldcup');
    expect(session.errors).toEqual([]);
  });
});
