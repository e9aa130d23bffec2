/**
 * Trends written on the map (issue 12 item 1), in a real browser over a replayed archive (its counts stand
 * still once replayed, so the page's labels can be held against `/api/labels` for the same view): the labels
 * are those the server answers, largest first, where their tiles' posts are, none overlapping; they are links
 * that screen readers and the keyboard reach; a click enters tag mode, where the labels are that tag's counts;
 * and they follow the panel's window and sort.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LabelsResponse } from '../../common/browser/api';
import { getJson } from '../helpers';
import { productAndBrowser } from './browser-suite';
import { mapElement, onMap, pixelOf, settledPosition } from './map-view';
import { openSession, type PageSession } from './page-session';
import { parisPost } from './posts-archive';
import { startFedProduct, startReplayProduct } from './product';
import { trendsPanel } from './panel';

const chromium = inject('chromiumPath');

/** A test's ceiling, in ms: each drives the page through several waits, on a machine that may be busy. */
const PAGE_TEST_MS = 180_000;

/** Europe at zoom 4: Paris, Lyon, Toulouse, Berlin, Madrid, Rome and London of the archive in view. */
const EUROPE = '#map=4/47/5';

/** A label as the page shows it. */
interface ShownLabel {
  tag: string;
  /** "#Display". */
  text: string;
  /** The count written beside it (tag mode), or ''. */
  count: string;
  href: string;
  fontSize: number;
  box: { x: number; y: number; width: number; height: number };
}

const labelGroup = (page: Page) => page.getByRole('group', { name: 'Trends on the map' });

/** The labels written on the map (not those left out for overlap), in document order. */
async function shownLabels(page: Page): Promise<ShownLabel[]> {
  return page.locator('.trend-label:not([hidden])').evaluateAll((nodes) =>
    nodes.map((node) => {
      const rect = node.getBoundingClientRect();
      return {
        tag: (node as HTMLElement).dataset.tag ?? '',
        text: node.querySelector('.trend-label-tag')?.textContent ?? '',
        count: node.querySelector<HTMLElement>('.trend-label-count:not([hidden])')?.innerText ?? '',
        href: (node as HTMLAnchorElement).href,
        fontSize: parseFloat(getComputedStyle(node).fontSize),
        box: { x: rect.x, y: rect.y, width: rect.width, height: rect.height },
      };
    }),
  );
}

describe.skipIf(chromium === null)('trends written on the map, in Chromium over a replayed archive', { timeout: PAGE_TEST_MS }, () => {
  let session: PageSession;
  const suite = productAndBrowser(chromium!, startReplayProduct);
  afterEach(async () => session?.close());

  const open = async (path: string): Promise<Page> => {
    session = await openSession(suite().browser);
    await session.page.goto(`${suite().product.url}/${path}`);
    await settledPosition(session.page);
    return session.page;
  };

  /** The last `/api/labels` request the page made, and the server's answer to it now (the counts stand still). */
  const lastLabels = async (): Promise<{ url: URL; answer: LabelsResponse }> => {
    const asked = session.requests.map((request) => new URL(request.url())).filter((url) => url.pathname === '/api/labels');
    const url = asked.at(-1);
    if (url === undefined) throw new Error('the page asked for no labels');
    return { url, answer: await getJson<LabelsResponse>(`${suite().product.url}${url.pathname}${url.search}`) };
  };

  /** Waits until the labels shown are the answer's to the page's last request, and returns both. */
  async function settledLabels(page: Page, check: (answer: LabelsResponse, url: URL) => void = () => {}) {
    let shown: ShownLabel[] = [];
    let last: { url: URL; answer: LabelsResponse } | null = null;
    await expect
      .poll(
        async () => {
          last = await lastLabels();
          shown = await shownLabels(page);
          const answered = new Set(last.answer.labels.map((label) => `${label.tag}|#${label.display}`));
          return shown.length > 0 && shown.every((label) => answered.has(`${label.tag}|${label.text}`));
        },
        { message: 'labels from the last /api/labels answer on the map' },
      )
      .toBe(true);
    check(last!.answer, last!.url);
    return { shown, ...last! };
  }

  it('writes the answer of /api/labels for the view: largest first, at their places, none overlapping', async () => {
    const page = await open(EUROPE);
    const { shown, answer, url } = await settledLabels(page);
    // Asked for the view: its box, the map's zoom and the panel's window (1h by default).
    expect(url.searchParams.get('zoom')).toBe('4');
    expect(url.searchParams.get('window')).toBe('1h');
    expect(url.searchParams.get('bbox')?.split(',').map(Number)).toHaveLength(4);
    expect(answer.labels.length).toBeGreaterThan(3);
    // The largest label well inside the view is always written, and those written keep the answer's order
    // (largest first). A label that would stick out of the map is not written.
    let largest: (typeof answer.labels)[number] | undefined;
    for (const label of answer.labels) {
      if (await onMap(page, await pixelOf(page, label.lat, label.lon), 150)) {
        largest = label;
        break;
      }
    }
    expect(largest, 'a label well inside the view').toBeDefined();
    expect(shown[0]).toMatchObject({ tag: largest!.tag, text: `#${largest!.display}` });
    const map = (await mapElement(page).boundingBox())!;
    for (const label of shown) {
      const { x, y, width, height } = label.box;
      expect(x >= map.x && y >= map.y && x + width <= map.x + map.width && y + height <= map.y + map.height, `${label.text} inside the map`).toBe(
        true,
      );
    }
    const shownOrder: number[] = [];
    for (const label of shown) {
      const at = answer.labels.findIndex(
        (candidate, i) => !shownOrder.includes(i) && candidate.tag === label.tag && `#${candidate.display}` === label.text,
      );
      expect(at, `${label.text} is in the answer`).toBeGreaterThanOrEqual(0);
      shownOrder.push(at);
    }
    expect(shownOrder).toEqual([...shownOrder].sort((a, b) => a - b));
    // Each written label is centred on its tiles' posts, within a pixel or two.
    for (const [i, label] of shown.entries()) {
      const place = answer.labels[shownOrder[i]];
      const pixel = await pixelOf(page, place.lat, place.lon);
      expect(Math.abs(label.box.x + label.box.width / 2 - pixel.x), label.text).toBeLessThan(3);
      expect(Math.abs(label.box.y + label.box.height / 2 - pixel.y), label.text).toBeLessThan(3);
    }
    // No two overlap, and the largest count is written at least as large as the smallest.
    for (const [i, a] of shown.entries()) {
      for (const b of shown.slice(i + 1)) {
        const apart =
          a.box.x + a.box.width <= b.box.x ||
          b.box.x + b.box.width <= a.box.x ||
          a.box.y + a.box.height <= b.box.y ||
          b.box.y + b.box.height <= a.box.y;
        expect(apart, `${a.text} and ${b.text} overlap`).toBe(true);
      }
    }
    expect(shown[0].fontSize).toBeGreaterThanOrEqual(shown.at(-1)!.fontSize);
    // Links that screen readers list and the keyboard reaches, each to this page in tag mode for its tag.
    const links = labelGroup(page).getByRole('link');
    await expect.poll(() => links.count()).toBe(shown.length);
    for (const label of shown) expect(new URL(label.href).searchParams.get('tag')).toBe(label.tag);
    // Once the map has moved, a label reached (pointer or keyboard) links to where the map is now.
    const before = new URL(page.url()).hash;
    await page.locator('#map').focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => new URL(page.url()).hash, { message: 'the map moved, and its position in the URL' }).not.toBe(before);
    // At once, not when the labels' next answer comes (which rewrites them all): that can take many seconds.
    const label = page.locator('.trend-label:not([hidden])').first();
    const linkHash = async () => new URL(await label.evaluate((node) => (node as HTMLAnchorElement).href)).hash;
    await label.hover();
    const moved = new URL(page.url()).hash;
    expect(await linkHash()).toBe(moved);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => new URL(page.url()).hash, { message: 'the map moved again' }).not.toBe(moved);
    await label.focus();
    expect(await linkHash()).toBe(new URL(page.url()).hash);
    expect(session.errors).toEqual([]);
  });

  it("enters tag mode on a click, and then writes that tag's count where it has posts", async () => {
    const page = await open(EUROPE);
    const { shown } = await settledLabels(page);
    const chosen = shown[0];
    await page.locator('.trend-label:not([hidden])').first().click();
    await expect.poll(() => page.evaluate(() => new URLSearchParams(location.search).get('tag'))).toBe(chosen.tag);
    // The labels are now the tag's map: its count in each tile, as /api/labels?tag= answers.
    const tagged = await settledLabels(page, (answer, url) => {
      expect(url.searchParams.get('tag')).toBe(chosen.tag);
      expect(answer.labels.every((label) => label.tag === chosen.tag)).toBe(true);
    });
    const counts = new Map(tagged.answer.labels.map((label) => [label.count, label]));
    for (const label of tagged.shown) {
      expect(label.tag).toBe(chosen.tag);
      const count = Number(label.count.replace(/,/g, ''));
      expect(counts.has(count), `${label.text} ${label.count}: a count of the answer`).toBe(true);
    }
    // The density cells (on: no dots in a finished replay) are the tag's tiles now.
    await expect.poll(() => page.locator('path.density-cell').count()).toBe(tagged.answer.labels.length);
    // Outside tag mode no count is written.
    expect(shown.every((label) => label.count === '')).toBe(true);
    expect(session.errors).toEqual([]);
  });

  it("shows the window's posts per tile as density cells while the dots are sparse, with a switch that is kept", async () => {
    const page = await open(EUROPE);
    const { answer } = await settledLabels(page);
    // A finished replay sends no dots: the density layer is on by itself, one cell per tile of the answer.
    const button = page.getByRole('group', { name: 'Layers' }).getByRole('button', { name: 'Density' });
    await expect.poll(() => button.getAttribute('aria-pressed')).toBe('true');
    const cells = page.locator('path.density-cell');
    await expect.poll(() => cells.count()).toBe(answer.labels.length);
    // Each cell is its tile: the answer's busiest label lies inside one of them.
    const pixel = await pixelOf(page, answer.labels[0].lat, answer.labels[0].lon);
    const boxes = await cells.evaluateAll((nodes) => nodes.map((node) => node.getBoundingClientRect().toJSON() as DOMRect));
    expect(boxes.some((b) => pixel.x >= b.left && pixel.x <= b.right && pixel.y >= b.top && pixel.y <= b.bottom)).toBe(true);
    // The busiest tile is drawn strongest.
    const opacities = await cells.evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute('fill-opacity'))));
    expect(Math.max(...opacities)).toBeGreaterThan(Math.min(...opacities));
    // Off, and still off after a reload (kept in local storage).
    await button.click();
    await expect.poll(() => cells.count()).toBe(0);
    expect(await button.getAttribute('aria-pressed')).toBe('false');
    await page.reload();
    await settledLabels(page);
    expect(await button.getAttribute('aria-pressed')).toBe('false');
    expect(await cells.count()).toBe(0);
    expect(session.errors).toEqual([]);
  });

  it("follows the panel's window", async () => {
    const page = await open(EUROPE);
    await settledLabels(page);
    await trendsPanel(page).getByRole('button', { name: '24h' }).click();
    await settledLabels(page, (_answer, url) => expect(url.searchParams.get('window')).toBe('24h'));
    expect(session.errors).toEqual([]);
  });

  it("follows the panel's sort: on Rising, each tile's rising tag with an arrow, and density still counts every post", async () => {
    // 6h: the archive's one post from 8 hours ago gives the rising scores a reference period to compare with.
    const page = await open(`?window=6h${EUROPE}`);
    const top = await settledLabels(page);
    expect(top.url.searchParams.get('sort')).toBe('top');
    expect(top.shown.every((label) => label.count === '')).toBe(true);
    await trendsPanel(page).getByRole('button', { name: 'Rising' }).click();
    const rising = await settledLabels(page, (answer, url) => {
      expect(url.searchParams.get('sort')).toBe('rising');
      expect(answer.sort).toBe('rising');
      expect(answer.labels.length).toBeGreaterThan(0);
      expect(answer.labels.every((label) => label.score !== undefined && label.score > 0)).toBe(true);
    });
    // Every label written is a rising one: marked with an arrow, and its title says how it rises.
    for (const label of rising.shown) expect(label.count, label.text).toBe('↑');
    const titles = await page.locator('.trend-label:not([hidden])').evaluateAll((nodes) => nodes.map((node) => (node as HTMLElement).title));
    for (const title of titles) expect(title).toMatch(/, rising (new: none in the period before|[\d.]+ times its usual rate)/);
    // The density cells (on: a finished replay has no dots) are every tile's posts, from an answer sorted by top.
    const topUrl = new URL(rising.url);
    topUrl.searchParams.set('sort', 'top');
    const tiles = await getJson<LabelsResponse>(`${suite().product.url}${topUrl.pathname}${topUrl.search}`);
    expect(tiles.labels.length).toBeGreaterThan(rising.answer.labels.length);
    await expect.poll(() => page.locator('path.density-cell').count()).toBe(tiles.labels.length);
    const asked = session.requests.map((request) => new URL(request.url())).filter((url) => url.pathname === '/api/labels');
    expect(asked.some((url) => [...url.searchParams].sort().join('&') === [...topUrl.searchParams].sort().join('&'))).toBe(true);
    expect(session.errors).toEqual([]);
  });
});

describe.skipIf(chromium === null)('trends on the map as posts arrive, in Chromium', { timeout: PAGE_TEST_MS }, () => {
  const suite = productAndBrowser(chromium!, startFedProduct);

  it('updates a label in place as its count grows: the same element, not a redrawn one', async () => {
    const { product, browser } = suite();
    const post = (n: number) => product.post(parisPost(String(1_790_000_000_000_100_000n + BigInt(n)), Date.now() - 1_000, 'Bonjour'));
    for (let n = 0; n < 3; n += 1) await post(n);
    const session = await openSession(browser);
    try {
      const page = session.page;
      await page.goto(`${product.url}/${EUROPE}`);
      const label = page.locator('.trend-label:not([hidden])', { hasText: '#Bonjour' });
      await expect.poll(() => label.getAttribute('title')).toBe('#Bonjour: 3 of 3 posts here');
      await label.evaluate((node) => ((node as HTMLElement).dataset.probe = 'kept'));
      for (let n = 3; n < 5; n += 1) await post(n);
      // The stream says the trends changed; the labels are asked for again (at most every 5 s) and updated.
      await expect.poll(() => label.getAttribute('title'), { message: 'the label updated from the stream' }).toBe('#Bonjour: 5 of 5 posts here');
      expect(await label.getAttribute('data-probe')).toBe('kept');
      expect(session.errors).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('shows a long hashtag whole in the panel, wrapped rather than cut', async () => {
    const { product, browser } = suite();
    const long = 'PremiereReturnOfTheLongestHashtagAnyoneEverTypedOnAPhone';
    await product.post(parisPost('1790000000000200001', Date.now() - 1_000, long));
    const session = await openSession(browser);
    try {
      await session.page.goto(`${product.url}/`);
      const name = trendsPanel(session.page).locator('.trend-name', { hasText: long });
      await expect.poll(() => name.count()).toBe(1);
      expect(await name.textContent()).toBe(`#${long}`);
      // Nothing of it is hidden: no overflow to clip, and it takes more than one line.
      const box = await name.evaluate((node) => ({
        scroll: node.scrollWidth,
        client: node.clientWidth,
        height: node.getBoundingClientRect().height,
      }));
      expect(box.scroll).toBeLessThanOrEqual(box.client);
      const lineHeight = await name.evaluate((node) => parseFloat(getComputedStyle(node).lineHeight) || 20);
      expect(box.height).toBeGreaterThan(lineHeight * 1.5);
    } finally {
      await session.close();
    }
  });
});
