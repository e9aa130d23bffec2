/**
 * Time, honestly (issue 12 item 7), in a real browser: a replayed archive is shown as a Replay with the
 * archive's date and time, never as Live, and its posts with their dates; a page whose server went away says
 * Offline, with the time it last heard from it, once the connection has been down for 10 s.
 */
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startEmbedded, type Embedded } from '../../app/embedded';
import { beforeAllOrFail, configFor, ensureBuild, fixture } from '../helpers';
import { launchChromium } from './chromium';
import { openSession, type PageSession } from './page-session';
import { recentPosts } from './panel';
import { startSyntheticProduct } from './product';

const chromium = inject('chromiumPath');

/** The header's state ("Live", "Replay", "Offline", …) and what it says beside it. */
const connection = (session: PageSession) => session.page.getByRole('status', { name: 'Connection' });
const detail = (session: PageSession) => session.page.locator('.connection-detail');

describe.skipIf(chromium === null)("the header's time and connection, in Chromium", { timeout: 180_000 }, () => {
  const started = { browser: null as Browser | null };
  const suite = beforeAllOrFail(async () => ({ browser: (started.browser = await launchChromium(chromium!)) }));
  let session: PageSession | undefined;
  afterEach(async () => session?.close());
  afterAll(async () => started.browser?.close());

  it("shows a finished replay as a Replay at the archive's time, with dated posts, never as Live", async () => {
    ensureBuild();
    // An archive of 2011 to 2014 posts, replayed to its end before the page opens.
    const embedded: Embedded = await startEmbedded(configFor(['--source', 'replay', '--file', fixture('replay-sample.jsonl'), '--speed', 'max']));
    try {
      await embedded.producer.done;
      session = await openSession(suite().browser);
      await session.page.goto(embedded.server.url);
      await expect.poll(() => connection(session!).textContent()).toBe('Replay');
      await expect.poll(() => detail(session!).textContent()).toMatch(/2014.*· finished$/);
      // The posts carry their dates: none of them is today's.
      const times = recentPosts(session.page).locator('time');
      await expect.poll(() => times.count()).toBeGreaterThan(0);
      for (const text of await times.allTextContents()) expect(text).toMatch(/20(11|12|13|14)/);
      expect(await connection(session).textContent()).not.toContain('Live');
      expect(session.errors).toEqual([]);
    } finally {
      await embedded.close();
    }
  });

  it('says Offline, with the time of the last update, once the server has been away for 10 s', async () => {
    const product = await startSyntheticProduct(5);
    let closed = false;
    try {
      session = await openSession(suite().browser);
      await session.page.goto(product.url);
      await expect.poll(() => connection(session!).textContent()).toBe('Live');
      // A stats event has come (every 2 s): the page knows when it last heard the server.
      await expect.poll(() => session!.page.locator('.stream-rate').textContent()).toMatch(/^[\d.,]+ posts\/s$/);
      await product.close();
      closed = true;
      await expect.poll(() => connection(session!).textContent(), { timeout: 60_000 }).toBe('Offline');
      expect(await detail(session).textContent()).toMatch(/^last update \d{1,2}:\d{2}:\d{2}/);
      expect(await session.page.locator('.stream-rate').textContent()).toBe('– posts/s');
    } finally {
      if (!closed) await product.close();
    }
  });
});
