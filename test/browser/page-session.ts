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
    dialogs: [],
    requests: [],
    close: () => context.close(),
  };
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const where = message.location();
      session.errors.push(`console.error: ${message.text()}${where.url ? ` (${where.url}:${where.lineNumber})` : ''}`);
    }
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
