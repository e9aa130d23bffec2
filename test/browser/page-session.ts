/**
 * One browser page under watch: every console error, uncaught exception, CSP violation and dialog it
 * produces is recorded (a dialog is also dismissed, so a test never hangs on one), as is every request.
 */
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';

export const VIEWPORT = { width: 1280, height: 800 };

export interface PageSession {
  page: Page;
  context: BrowserContext;
  /** Console errors, uncaught exceptions and CSP violations, in order. */
  errors: string[];
  /** Console warnings, in order (the page warns of an answer or event it ignored as malformed). */
  warnings: string[];
  /** Messages of the dialogs (alert, confirm, prompt) that opened. */
  dialogs: string[];
  /** Every request the page made. */
  requests: Request[];
  close(): Promise<void>;
}

// Runs before the page's own scripts (outside its CSP): reports violations even if the console misses one.
const CSP_WATCH = `
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' (' + e.sourceFile + ':' + e.lineNumber + ')');
  });
`;

export async function openSession(browser: Browser): Promise<PageSession> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-GB', timezoneId: 'UTC' });
  const page = await context.newPage();
  await page.addInitScript({ content: CSP_WATCH });
  const session: PageSession = {
    page,
    context,
    errors: [],
    warnings: [],
    dialogs: [],
    requests: [],
    close: () => context.close(),
  };
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const where = message.location();
      session.errors.push(`console.error: ${message.text()}${where.url ? ` (${where.url}:${where.lineNumber})` : ''}`);
    }
    if (message.type() === 'warning') session.warnings.push(message.text());
  });
  page.on('pageerror', (error) => session.errors.push(`uncaught: ${error.stack ?? error.message}`));
  page.on('dialog', (dialog) => {
    session.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => {});
  });
  page.on('request', (request) => session.requests.push(request));
  return session;
}

/** The `/api/stream` requests so far, as URLs. */
export function streamRequests(session: PageSession): URL[] {
  return session.requests.map((r) => new URL(r.url())).filter((u) => u.pathname === '/api/stream');
}

/**
 * Resolves once the server has sent `count` rounds of `stats` to the streams open on the page (it sends one to
 * every stream each `statsMs`, 2 s by default): proof that live updates reached the page for that long, where
 * a fixed wait proves nothing on a slow machine. Counted on a stream of its own, which `streamRequests` sees too.
 */
export async function liveRounds(page: Page, count: number): Promise<void> {
  await page.evaluate(
    (rounds) =>
      new Promise<void>((resolve, reject) => {
        const probe = new EventSource('/api/stream');
        let seen = 0;
        probe.addEventListener('stats', () => {
          if (++seen < rounds) return;
          probe.close();
          resolve();
        });
        probe.onerror = () => (probe.close(), reject(new Error('the probe stream failed')));
      }),
    count,
  );
}

/**
 * Resolves once the page has tried to load each of `srcs` (relative to the page) as an image itself, with a
 * query that marks it as ours. An image the page built earlier from the same source has had its turn by then
 * (its load or error, and any handler): a wait for something not to happen that ends on an event, not on a
 * timer. The console errors of our own tries are left out of `session.errors`.
 */
export async function imagesTried(session: PageSession, srcs: string[]): Promise<void> {
  const mark = 'trendmap-probe';
  await session.page.evaluate(
    ({ sources, query }) =>
      Promise.all(
        sources.map(
          (src) =>
            new Promise<void>((resolve) => {
              const img = new Image();
              img.onload = img.onerror = () => resolve();
              img.src = `${src}?${query}`;
            }),
        ),
      ),
    { sources: srcs, query: mark },
  );
  const ours = session.errors.filter((line) => line.includes(mark));
  session.errors.splice(0, session.errors.length, ...session.errors.filter((line) => !ours.includes(line)));
}
