/**
 * What a browser suite starts once for its tests: the product and Chromium, launched together before the
 * first test (a failure fails every test, `beforeAllOrFail`) and closed after the last, even when only one
 * of them started.
 */
import { afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { beforeAllOrFail } from '../helpers';
import { launchChromium } from './chromium';
import type { Product } from './product';

/** Starts `start()`'s product and Chromium (at `chromiumPath`) for the suite; returns a getter for both. */
export function productAndBrowser<P extends Product>(chromiumPath: string, start: () => Promise<P>): () => { product: P; browser: Browser } {
  const started = { product: null as P | null, browser: null as Browser | null };
  const suite = beforeAllOrFail(async () => {
    const [product, browser] = await Promise.all([
      start().then((p) => (started.product = p)),
      launchChromium(chromiumPath).then((b) => (started.browser = b)),
    ]);
    return { product, browser };
  });
  afterAll(async () => {
    await started.browser?.close();
    await started.product?.close();
  });
  return suite;
}
