/**
 * The time control in a real browser (issue 13, "In the page"), against `npm start`'s product on the synthetic
 * world with a day of history written at the start: the slider moved back some hours puts `at` in the URL and
 * the panel shows that moment, as `/api/trends?...&at=` answers it, while the live stream keeps running; the
 * same URL in a new page shows the same; Live takes `at` out and the live updates come back. Then the 7d
 * window and tag mode's timeline.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { POSTS_LIMIT, type HistoryResponse, type PostsResponse, type TrendsResponse } from '../../common/browser/api';
import { formatAt, momentPhrase, parseAt } from '../../frontend/src/time/time-math';
import { getJson } from '../helpers';
import { productAndBrowser } from './browser-suite';
import { liveRounds, openSession, type PageSession } from './page-session';
import { expectedRows, recentPosts, shownRows, textOf, trendsPanel } from './panel';
import { startSyntheticProduct } from './product';

const chromium = inject('chromiumPath');

/** Presses of the arrow key back from Live: the first lands on the newest hour, each next an hour before. */
const HOURS_BACK = 3;
const HOUR_MS = 3_600_000;

const timeGroup = (page: Page): Locator => page.getByRole('group', { name: 'Time', exact: true });
const slider = (page: Page): Locator => timeGroup(page).getByRole('slider', { name: 'Moment shown' });
const atOf = (page: Page): string | null => new URL(page.url()).searchParams.get('at');
/** The header's live line: Live, Replay, Past. */
const connection = (page: Page): Locator => page.getByRole('status', { name: 'Connection' });
/** The times of the recent posts listed, as their `datetime`. */
const postTimes = (page: Page): Promise<string[]> =>
  recentPosts(page)
    .locator('time')
    .evaluateAll((times) => times.map((time) => time.getAttribute('datetime') ?? ''));
/** The panel's line saying which moment it shows ("as of Fri 20 Nov, 18:00 · hourly"). */
const momentLine = (page: Page): Locator => trendsPanel(page).locator('.panel-moment');
const totals = (page: Page): Promise<string> => textOf(trendsPanel(page).locator('.panel-totals'));

describe.skipIf(chromium === null)('the time control in Chromium, over a day of synthetic history', { timeout: 360_000 }, () => {
  const suite = productAndBrowser(chromium!, () => startSyntheticProduct(50, { SYNTHETIC_HISTORY: '24h' }));
  const sessions: PageSession[] = [];
  const open = async (path: string): Promise<PageSession> => {
    const session = await openSession(suite().browser);
    sessions.push(session);
    await session.page.goto(`${suite().product.url}${path}`);
    return session;
  };
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((session) => session.close()));
  });
  /**
   * Waits until history holds the hour `hours` back whole. The synthetic world writes its past newest ten
   * minutes first, an hour in some seconds, with batches still being counted behind the newest: an hour is
   * whole once two hours before it have begun.
   */
  const historyCovers = async (hours: number): Promise<void> => {
    const oldestWanted = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - (hours + 2) * HOUR_MS;
    await expect
      .poll(async () => (await getJson<HistoryResponse>(`${suite().product.url}/api/history`)).from ?? Infinity, {
        message: `history back to ${new Date(oldestWanted).toISOString()}`,
        timeout: 240_000,
      })
      .toBeLessThanOrEqual(oldestWanted);
  };
  const trendsAt = (at: string) => getJson<TrendsResponse>(`${suite().product.url}/api/trends?region=world&window=1h&sort=top&at=${at}`);

  it('moves back through history, shares the moment by URL, and goes Live again', async () => {
    await historyCovers(HOURS_BACK);
    const first = await open('/');
    const { page } = first;
    // Live: the slider at its right end, saying so, and no `at`.
    await expect.poll(() => slider(page).isEnabled(), { message: 'the slider, once /api/history answered' }).toBe(true);
    expect(await slider(page).getAttribute('aria-valuetext')).toBe('Live');
    expect(await slider(page).inputValue()).toBe(await slider(page).getAttribute('max'));
    expect(atOf(page)).toBeNull();
    await expect.poll(() => textOf(connection(page)), { message: 'the header says Live' }).toBe('Live');

    await slider(page).focus();
    for (let i = 0; i < HOURS_BACK; i++) await page.keyboard.press('ArrowLeft');
    await expect.poll(() => atOf(page), { message: '`at` in the URL' }).not.toBeNull();
    const at = atOf(page)!;
    expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00Z$/);
    const ms = parseAt(at)!;
    // Live, then the newest hour, then an hour back per press.
    expect(Date.now() - ms).toBeGreaterThanOrEqual((HOURS_BACK - 1) * HOUR_MS);
    const phrase = `as of ${momentPhrase(ms, 'UTC')} · hourly`;
    await expect.poll(() => textOf(momentLine(page)), { message: 'the panel says which moment' }).toBe(phrase);
    // The header no longer says Live: the map shows the past, and when.
    expect(await textOf(connection(page))).toBe('Past');
    expect(await textOf(page.locator('.connection-detail'))).toBe(momentPhrase(ms, 'UTC'));
    const api = await trendsAt(at);
    expect(api.at).toBe(ms);
    expect(api.trends.length).toBeGreaterThan(0);
    await expect.poll(() => shownRows(page, api.trends), { message: 'the panel lists the moment' }).toEqual(expectedRows(api.trends));
    expect(
      first.requests.some((r) => r.url().includes('/api/labels?') && r.url().includes(`at=${at}`)),
      'labels asked for at the moment',
    ).toBe(true);
    // Recent posts: those held up to the moment (none of the live ones), and said so.
    const held = await getJson<PostsResponse>(`${suite().product.url}/api/posts?region=world&limit=${POSTS_LIMIT.default}&at=${at}`);
    expect(held.posts.every((post) => post.ts <= ms)).toBe(true);
    await expect
      .poll(() => postTimes(page), { message: 'the recent posts up to the moment' })
      .toEqual(held.posts.map((post) => new Date(post.ts).toISOString()));
    const postsSection = recentPosts(page).locator('xpath=..');
    expect(await textOf(postsSection.locator('.recent-posts-scope'))).toBe(`Worldwide · up to ${momentPhrase(ms, 'UTC')}`);
    // The server holds only fresh posts (this product's first minutes): an hour back, usually none, and the list says why.
    if (held.posts.length === 0)
      await expect.poll(() => textOf(postsSection.locator('.panel-message'))).toMatch(/^No posts held from before this moment/);
    // The stream stays open: rounds of live updates reach the page and leave the moment's list alone.
    await liveRounds(page, 3);
    expect(await shownRows(page, api.trends)).toEqual(expectedRows(api.trends));
    expect(await postTimes(page)).toEqual(held.posts.map((post) => new Date(post.ts).toISOString()));
    expect(await textOf(momentLine(page))).toBe(phrase);

    // The same URL in a new page shows the same moment.
    const second = await open(new URL(page.url()).pathname + new URL(page.url()).search);
    await expect.poll(() => textOf(momentLine(second.page)), { message: 'the shared link shows its moment' }).toBe(phrase);
    await expect.poll(() => shownRows(second.page, api.trends)).toEqual(expectedRows(api.trends));
    expect(atOf(second.page)).toBe(at);

    // Live: `at` leaves the URL, the panel follows the stream again.
    await timeGroup(second.page).getByRole('button', { name: 'Live', exact: true }).click();
    await expect.poll(() => atOf(second.page), { message: '`at` gone from the URL' }).toBeNull();
    await expect.poll(() => momentLine(second.page).isHidden()).toBe(true);
    expect(await slider(second.page).getAttribute('aria-valuetext')).toBe('Live');
    await expect.poll(() => textOf(connection(second.page)), { message: 'the header says Live again' }).toBe('Live');
    const pastTotals = await totals(second.page);
    await expect.poll(() => totals(second.page), { message: 'the live totals replace the moment' }).not.toBe(pastTotals);
    const liveTotals = await totals(second.page);
    await expect.poll(() => totals(second.page), { message: 'and keep moving with the stream' }).not.toBe(liveTotals);
    for (const session of [first, second]) expect(session.errors).toEqual([]);
  });

  it('shows the moment picked by date and time, then plays an hour a step to the newest and stops there', async () => {
    await historyCovers(HOURS_BACK);
    const { page, requests, errors } = await open('/');
    await expect.poll(() => slider(page).isEnabled(), { message: 'the time control, once /api/history answered' }).toBe(true);
    const { to } = await getJson<HistoryResponse>(`${suite().product.url}/api/history`);
    const newest = Math.floor((to as number) / HOUR_MS) * HOUR_MS;
    const picked = newest - 2 * HOUR_MS;
    // The picker reads the reader's time zone (UTC in this browser): 2 hours before the newest hour.
    await timeGroup(page).getByLabel('Date and time shown (your time zone)').fill(new Date(picked).toISOString().slice(0, 16));
    await expect.poll(() => atOf(page), { message: '`at` from the picker' }).toBe(formatAt(picked));
    await expect.poll(() => textOf(momentLine(page))).toBe(`as of ${momentPhrase(picked, 'UTC')} · hourly`);

    const play = timeGroup(page).locator('.time-play');
    expect(await play.getAttribute('aria-label')).toBe('Play through history, an hour a second');
    await play.click();
    expect(await play.getAttribute('aria-label')).toBe('Pause');
    // An hour a step, to the newest hour (a later one if an hour turned meanwhile), where it stops by itself.
    await expect.poll(() => play.getAttribute('aria-pressed'), { message: 'play to stop at the newest hour', timeout: 30_000 }).toBe('false');
    const last = parseAt(atOf(page) ?? '') as number;
    expect(last).toBeGreaterThanOrEqual(newest);
    const asked = requests
      .map((request) => new URL(request.url()))
      .filter((url) => url.pathname === '/api/trends' && url.searchParams.has('at'))
      .map((url) => url.searchParams.get('at'));
    const steps = Array.from({ length: (last - picked) / HOUR_MS + 1 }, (_, i) => formatAt(picked + i * HOUR_MS));
    expect(asked.filter((at, i) => at !== asked[i - 1])).toEqual(steps);
    await expect.poll(() => textOf(momentLine(page))).toBe(`as of ${momentPhrase(last, 'UTC')} · hourly`);
    expect(errors).toEqual([]);
  });

  it('says that a past moment of the 15m window counts its hour', async () => {
    await historyCovers(HOURS_BACK);
    const at = formatAt(Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOURS_BACK * HOUR_MS);
    const { page, errors } = await open(`/?window=15m&at=${at}`);
    const api = await getJson<TrendsResponse>(`${suite().product.url}/api/trends?region=world&window=15m&sort=top&at=${at}`);
    // History counts by the hour: the answer spans one, and the panel says so (not "the last 15 minutes").
    expect(api.asOf! - api.from!).toBe(HOUR_MS);
    await expect.poll(() => totals(page), { message: 'the totals of the moment' }).toMatch(/^[\d,]+ posts in the last hour$/);
    expect(errors).toEqual([]);
  });

  it('answers the 7d window from history, by request', async () => {
    const { page, errors } = await open('/');
    await expect.poll(() => trendsPanel(page).locator('.trend').count()).toBeGreaterThan(0);
    // The page's own answer: history is still being written behind it, so a later one may differ.
    const answered = page.waitForResponse((response) => response.url().includes('/api/trends?') && response.url().includes('window=7d'));
    await trendsPanel(page).getByRole('button', { name: '7d', exact: true }).click();
    const api = (await (await answered).json()) as TrendsResponse;
    expect(new URL(page.url()).searchParams.get('window')).toBe('7d');
    expect(api.window).toBe('7d');
    await expect.poll(() => shownRows(page, api.trends), { message: 'the panel lists the 7d answer' }).toEqual(expectedRows(api.trends));
    await expect.poll(() => textOf(momentLine(page))).toBe('hourly');
    expect(errors).toEqual([]);
  });

  it("in tag mode, charts the tag's hours and jumps to the one clicked", async () => {
    await historyCovers(2);
    const { page, errors } = await open('/?tag=worldcup');
    const chart = page.locator('.tag-timeline-chart');
    await expect.poll(() => chart.isVisible(), { message: 'the tag timeline' }).toBe(true);
    expect(await chart.getAttribute('aria-label')).toContain('#worldcup');
    const box = (await chart.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => atOf(page), { message: 'the clicked hour in the URL' }).not.toBeNull();
    await expect.poll(() => textOf(momentLine(page))).toMatch(/^as of /);
    // From the keyboard it is a slider over its hours: each key picks the hour it moves to.
    const clicked = parseAt(atOf(page) ?? '') as number;
    await chart.focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => atOf(page), { message: 'an hour back' }).toBe(formatAt(clicked - HOUR_MS));
    expect(await chart.getAttribute('aria-valuetext')).toMatch(
      new RegExp(`^${momentPhrase(clicked - HOUR_MS, 'UTC')}: [\\d,]+ posts in the hour before$`),
    );
    const valueNow = Number(await chart.getAttribute('aria-valuenow'));
    await page.keyboard.press('Home');
    await expect.poll(() => chart.getAttribute('aria-valuenow'), { message: 'the first hour' }).toBe('1');
    const first = parseAt(atOf(page) ?? '') as number;
    expect(first).toBe(clicked - valueNow * HOUR_MS);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => atOf(page), { message: 'an hour on' }).toBe(formatAt(first + HOUR_MS));
    expect(errors).toEqual([]);
  });
});
