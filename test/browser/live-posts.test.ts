/**
 * Recent posts arriving live (SSE), in a real browser: the page is open and showing a harmless post when
 * the hostile one is published, so it reaches the list through the live path, not the first fetch.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { beforeAllOrFail } from '../helpers';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium';
import { openSession, type PageSession } from './page-session';
import { expectHostilePostAsText, recentPosts, textOf } from './panel';
import { HOSTILE_TEXT, hostilePost, parisPost } from './posts-archive';
import { startFedProduct } from './product';

const chromium = inject('chromiumPath');

describe.skipIf(chromium === null)('recent posts arriving live in Chromium', () => {
  let browser: Browser;
  let product: Awaited<ReturnType<typeof startFedProduct>>;
  let session: PageSession;

  beforeAllOrFail(async () => {
    [product, browser] = await Promise.all([startFedProduct(), launchChromium(chromium!)]);
    session = await openSession(browser);
  });
  afterAll(async () => {
    await session?.close();
    await browser?.close();
    await product?.close();
  });

  it('shows a hostile post that arrives while the page is open as literal text, and runs none of it', async () => {
    const { page } = session;
    await product.post(parisPost('1790000000000000001', Date.now() - 1_000, 'Bonjour'));
    await page.goto(product.url);
    const recent = recentPosts(page);
    await expect.poll(() => textOf(recent), { message: 'the first post under Recent posts' }).toContain('#Bonjour');
    expect(await textOf(recent)).not.toContain(HOSTILE_TEXT);

    await product.post(hostilePost(Date.now()));
    await expectHostilePostAsText(session, 'the live post under Recent posts');
  });
});
