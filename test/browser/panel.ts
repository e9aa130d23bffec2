/**
 * Reading the panel as a user sees it, through accessible names: the `Trends` panel, its heading, its ranked
 * list, and the `Recent posts` list.
 */
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Trend } from '../../common/browser/api';
import { imagesTried, type PageSession } from './page-session';
import { HOSTILE_PLACE, HOSTILE_TEXT } from './posts-archive';

export const trendsPanel = (page: Page): Locator => page.getByLabel('Trends', { exact: true });

export const recentPosts = (page: Page): Locator => page.getByLabel('Recent posts', { exact: true });

/** A locator's text, or '' while it is not on the page (without Playwright's 30 s auto-wait). */
export async function textOf(locator: Locator): Promise<string> {
  return (await locator.count()) === 0 ? '' : locator.first().innerText({ timeout: 2_000 });
}

/** The ranked list: the panel's first list that is not the recent posts. */
export const trendList = (page: Page): Locator =>
  trendsPanel(page)
    .getByRole('list')
    .filter({ hasNot: page.locator('[aria-label="Recent posts"]') })
    .first();

/** Every list in the panel but the recent posts, as the texts of its items. */
export async function panelLists(page: Page): Promise<string[][]> {
  const lists = trendsPanel(page)
    .getByRole('list')
    .filter({ hasNot: page.locator('[aria-label="Recent posts"]') });
  const texts: string[][] = [];
  for (const list of await lists.all()) {
    if ((await list.getAttribute('aria-label')) === 'Recent posts') continue;
    texts.push((await list.getByRole('listitem').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()));
  }
  return texts;
}

/** The numbers a row shows, except shares ("12%"), its rank and the digits of its hashtag. */
function countsIn(text: string): number[] {
  const numbers: number[] = [];
  const withoutTags = text.replace(/#[^\s#]+/gu, ' ');
  for (const m of withoutTags.matchAll(/(\d[\d,]*(?:\.\d+)?)(\s*%|\.(?!\d))?/g)) {
    if (m[2] === undefined) numbers.push(Number(m[1].replace(/,/g, '')));
  }
  return numbers;
}

/** `#display count` per trend, as the API ranks them: what the list should read. */
export const expectedRows = (trends: readonly Trend[]): string[] => trends.map((t) => `#${t.display} ${t.count}`);

/**
 * What the list shows, row by row, in the form of `expectedRows`: the row's `#display` and, when the row
 * shows the count expected at that rank, that count (else what the row says, for the failure message).
 */
export async function shownRows(page: Page, expected: readonly Trend[]): Promise<string[]> {
  const texts = await trendList(page).getByRole('listitem').allInnerTexts();
  return texts.map((raw, i) => {
    const text = raw.replace(/\s+/g, ' ').trim();
    const tag = /#[^\s#]+/u.exec(text)?.[0] ?? '(no #tag)';
    const want = expected[i]?.count;
    return want !== undefined && countsIn(text).includes(want) ? `${tag} ${want}` : `${tag} (row reads "${text}")`;
  });
}

/**
 * Waits (`message` names the wait) for the hostile post of `posts-archive.ts` under Recent posts, then
 * checks that its text and place show as literal text and that none of it ran: no image built from it, no
 * dialog, no error on the page.
 */
export async function expectHostilePostAsText(session: PageSession, message: string): Promise<void> {
  const recent = recentPosts(session.page);
  await expect.poll(() => textOf(recent), { message }).toContain(HOSTILE_TEXT);
  expect(await textOf(recent)).toContain(HOSTILE_PLACE);
  expect(await session.page.locator('img[src="x"], img[src="y"]').count(), 'img elements built from post content').toBe(0);
  // Had one been built all the same, its load would have failed and fired its handler by the time ours do.
  await imagesTried(session, ['x', 'y']);
  expect(session.dialogs).toEqual([]);
  expect(session.errors).toEqual([]);
}
