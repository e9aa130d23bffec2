/**
 * Saves the README's screenshot: `node --import tsx scripts/screenshot.ts [--out docs/screenshot.png]
 * [--rate 300] [--path '/?region=FR']`. Starts `npm start` on the synthetic world (seed 7, on a free port,
 * country borders only unless TILE_URL is set), opens it in headless Chromium at 1280x800, waits until the
 * trends list is full and markers have piled up for a while, and writes the PNG.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromiumPath, launchChromium } from '../test/browser/chromium';
import { startProductProcess } from '../test/browser/product-process';
import { root } from '../test/helpers';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'docs/screenshot.png' },
    rate: { type: 'string', default: '300' },
    path: { type: 'string', default: '/' },
    /** How long markers accumulate after the list is full, in seconds. */
    settle: { type: 'string', default: '12' },
  },
});

const found = chromiumPath();
if (!found.ok) {
  console.error(`screenshot: ${found.why}`);
  process.exit(1);
}
const out = resolve(root, values.out);
// A day of the world's past, as `npm start` writes it, so the time control under the map has hours to show.
const product = await startProductProcess(['--source', 'synthetic', '--rate', values.rate, '--seed', '7'], {
  TILE_URL: process.env.TILE_URL ?? '',
  SYNTHETIC_HISTORY: '24h',
});
const browser = await launchChromium(found.path);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  page.on('pageerror', (error) => console.error(`screenshot: page error: ${error.message}`));
  await page.goto(new URL(values.path, product.url).href);
  // Ten trends listed and dots drawn: the page has its data.
  await page.getByLabel('Trends', { exact: true }).getByRole('listitem').nth(9).waitFor({ timeout: 30_000 });
  // Polled from here: the page's CSP forbids the eval that waitForFunction's predicate would need.
  const painted = () =>
    page.locator('canvas.trend-markers').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true;
      return false;
    });
  for (const deadline = Date.now() + 30_000; !(await painted());) {
    if (Date.now() > deadline) throw new Error('no markers were drawn within 30 s');
    await page.waitForTimeout(500);
  }
  await page.waitForTimeout(Number(values.settle) * 1_000);
  // No hover highlight or focus ring in the picture.
  await page.mouse.move(0, 0);
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`screenshot: wrote ${out}`);
} finally {
  await browser.close();
  await product.stop();
}
