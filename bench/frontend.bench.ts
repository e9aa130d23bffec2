/**
 * `npm run bench -- frontend`: what the browser pays for the map.
 *
 * - Bundle: the production build (Vite, into a temporary directory), each asset's size raw and gzipped
 *   (zlib, level 9): JavaScript, CSS, the country borders (their own chunks) and the first load's total, which
 *   we aim under 300 kB. The 1:50m borders are fetched only at zoom 4 and deeper: counted apart, not in it.
 * - Rendering: `npm start -- --rate 500` (the synthetic world, 500 posts/s) and the page in headless
 *   Chromium at 1280x800. Once the marker layer is full (3,000 live dots), for 20 s: frame times
 *   (requestAnimationFrame deltas) and long tasks (PerformanceObserver `longtask`, > 50 ms on the main
 *   thread), with the server's and the browser's CPU, the map's labels written and its density layer
 *   switched on. Prints figures; asserts nothing.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { chromiumPath, launchChromium } from '../test/browser/chromium';
import { startProductProcess } from '../test/browser/product-process';
import { root } from '../test/helpers';
import { percentile } from './percentile';

const RATE = 500;
const MEASURE_MS = 20_000;
/** The marker layer's cap (`maxMarkers` in frontend/src/map/marker-layer.ts): the measurement waits for it. */
const FULL_LAYER = 3_000;
const VIEWPORT = { width: 1280, height: 800 };
const BUDGET_KB = 300;
/** Assets a page fetches only when the reader goes there: the 1:50m borders (zoom 4 and deeper). */
const ON_DEMAND = /countries-50m/;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

interface Asset {
  name: string;
  kind: 'JS' | 'CSS' | 'borders' | 'HTML' | 'other';
  /** Fetched only at zoom 4 and deeper (`ON_DEMAND`), so not part of the first load. */
  onDemand: boolean;
  raw: number;
  gzip: number;
  /** What the server sends a browser that accepts brotli: the build's precompressed `.br`, else the file. */
  sent: number;
}

function kindOf(name: string): Asset['kind'] {
  if (/countries/i.test(name)) return 'borders';
  if (name.endsWith('.js')) return 'JS';
  if (name.endsWith('.css')) return 'CSS';
  if (name.endsWith('.html')) return 'HTML';
  return 'other';
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function benchBundle(): Promise<void> {
  const outDir = mkdtempSync(join(tmpdir(), 'trendmap-bundle-'));
  try {
    await build({
      configFile: join(root, 'frontend/vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    const files = filesUnder(outDir);
    const assets: Asset[] = files
      .filter((path) => !/\.(br|gz)$/.test(path))
      .map((path) => {
        const bytes = readFileSync(path);
        const name = relative(outDir, path);
        const sent = files.includes(`${path}.br`) ? statSync(`${path}.br`).size : bytes.length;
        const gzip = gzipSync(bytes, { level: 9 }).length;
        return { name, kind: kindOf(name), onDemand: ON_DEMAND.test(name), raw: bytes.length, gzip, sent };
      });
    assets.sort((a, b) => b.gzip - a.gzip);
    console.log(`\nfrontend bundle: vite build, each file gzipped with zlib level 9, and the .br the build writes beside it`);
    const width = Math.max(...assets.map((a) => a.name.length), 10);
    console.log(`  ${'file'.padEnd(width)}  ${'kind'.padEnd(7)} ${'raw'.padStart(10)} ${'gzip'.padStart(10)} ${'sent (br)'.padStart(10)}`);
    for (const a of assets) {
      const when = a.onDemand ? '  (zoom 4 and deeper only)' : '';
      console.log(
        `  ${a.name.padEnd(width)}  ${a.kind.padEnd(7)} ${kb(a.raw).padStart(10)} ${kb(a.gzip).padStart(10)} ${kb(a.sent).padStart(10)}${when}`,
      );
    }
    const firstLoad = assets.filter((a) => !a.onDemand);
    const sum = (of: Asset[], kind?: Asset['kind']) => of.filter((a) => kind === undefined || a.kind === kind).reduce((s, a) => s + a.gzip, 0);
    const total = sum(firstLoad);
    console.log(
      `  first load, gzip: JS ${kb(sum(firstLoad, 'JS'))}, CSS ${kb(sum(firstLoad, 'CSS'))}, border data ${kb(sum(firstLoad, 'borders'))}, ` +
        `HTML ${kb(sum(firstLoad, 'HTML'))}, other ${kb(sum(firstLoad, 'other'))}; ` +
        `total ${kb(total)} (aim under ${BUDGET_KB} kB: ${total <= BUDGET_KB * 1024 ? 'within' : 'OVER'}); ` +
        `sent precompressed with brotli: ${kb(firstLoad.reduce((s, a) => s + a.sent, 0))}`,
    );
    const later = assets.filter((a) => a.onDemand);
    console.log(
      `  on demand (zoom 4 and deeper), gzip: ${kb(sum(later))}; sent precompressed with brotli: ${kb(later.reduce((s, a) => s + a.sent, 0))}`,
    );
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * Runs before the app: counts what the page's EventSource receives, beside the app's own listeners (a
 * marker is an `"id":` in a `tweets` batch), and `__liveMarkers()` says how many dots the map holds: the
 * marker layer's own count when its canvas publishes one (`data-markers`), else the markers received
 * within a dot's lifetime (60 s), capped at the layer's size.
 */
const STREAM_WATCH = `
  window.__bench = { arrivals: [], stats: null };
  const Native = window.EventSource;
  window.EventSource = class extends Native {
    constructor(url, init) {
      super(url, init);
      this.addEventListener('tweets', (e) => {
        window.__bench.arrivals.push([performance.now(), (e.data.match(/"id":/g) || []).length]);
      });
      this.addEventListener('stats', (e) => { window.__bench.stats = e.data; });
    }
  };
  window.__liveMarkers = () => {
    const hook = document.querySelector('canvas.trend-markers')?.dataset.markers;
    if (hook !== undefined) return Number(hook);
    const since = performance.now() - 60000;
    let received = 0;
    for (const [t, n] of window.__bench.arrivals) if (t >= since) received += n;
    return Math.min(received, ${FULL_LAYER});
  };
  // Frame deltas (requestAnimationFrame) and long tasks over ms, and the dots on the map once a second.
  window.__measure = (ms) => new Promise((resolve) => {
    const deltas = [];
    const longTasks = [];
    const counts = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push(entry.duration);
    });
    observer.observe({ type: 'longtask' });
    const sampler = setInterval(() => counts.push(window.__liveMarkers()), 1000);
    let last = performance.now();
    const end = last + ms;
    const onFrame = (now) => {
      deltas.push(now - last);
      last = now;
      if (now < end) return requestAnimationFrame(onFrame);
      clearInterval(sampler);
      observer.disconnect();
      // The first delta spans the wait for the first frame, not a frame.
      resolve({ deltas: deltas.slice(1), longTasks, counts });
    };
    requestAnimationFrame(onFrame);
  });
`;

type BenchWindow = {
  __liveMarkers(): number;
  __measure(ms: number): Promise<{ deltas: number[]; longTasks: number[]; counts: number[] }>;
  __bench: { stats: string | null };
};

/** CPU ticks (user + system) of a process so far; 100 a second on Linux. */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function benchRendering(): Promise<void> {
  const found = chromiumPath();
  if (!found.ok) {
    console.log(`\nframe time: skipped, ${found.why}`);
    return;
  }
  const product = await startProductProcess(['--source', 'synthetic', '--rate', String(RATE), '--seed', '7']);
  const browser = await launchChromium(found.path);
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.addInitScript({ content: STREAM_WATCH });
    // Labels are on by default; the density layer too for the measurement (by itself it would stay off while
    // the dots fill the map), so the frames pay for both.
    await page.addInitScript({ content: "localStorage.setItem('trendmap.density', 'on');" });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
    const opened = Date.now();
    await page.goto(product.url);
    // Polled from here: the page's CSP forbids the eval that a string predicate would need.
    const liveMarkers = () => page.evaluate(() => (window as unknown as BenchWindow).__liveMarkers());
    let full = false;
    while (!full && Date.now() - opened < 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      full = (await liveMarkers()) >= FULL_LAYER;
    }
    const fillS = (Date.now() - opened) / 1_000;
    const atStart = await liveMarkers();

    // The renderer's main thread: busy seconds so far (Chrome's own accounting, over CDP).
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const busy = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
      return { task: get('TaskDuration'), script: get('ScriptDuration') };
    };
    const busyBefore = await busy();
    const serverBefore = cpuTicks(product.process.pid!);
    const started = Date.now();
    const result = await page.evaluate((ms) => (window as unknown as BenchWindow).__measure(ms), MEASURE_MS);
    const elapsedS = (Date.now() - started) / 1_000;
    const busyAfter = await busy();
    const serverCpu = ((cpuTicks(product.process.pid!) - serverBefore) / 100 / elapsedS) * 100;
    const stats = await page.evaluate(() => (window as unknown as BenchWindow).__bench.stats);
    const hooked = await page.evaluate(() => document.querySelector<HTMLCanvasElement>('canvas.trend-markers')?.dataset.markers !== undefined);
    const layers = await page.evaluate(() => ({
      labels: document.querySelectorAll('.trend-label:not([hidden])').length,
      cells: document.querySelectorAll('path.density-cell').length,
    }));

    const sorted = [...result.deltas].sort((a, b) => a - b);
    const counts = [...result.counts].sort((a, b) => a - b);
    const longTotal = result.longTasks.reduce((s, d) => s + d, 0);
    const ms = (v: number | undefined) => `${(v ?? Number.NaN).toFixed(1)} ms`;
    console.log(
      `\nframe time: headless Chromium ${browser.version()}, ${VIEWPORT.width}x${VIEWPORT.height}, npm start --rate ${RATE} (synthetic), ${MEASURE_MS / 1_000} s`,
    );
    const how = hooked ? "the marker layer's count" : `received in the last 60 s, capped at ${FULL_LAYER.toLocaleString('en')}`;
    console.log(
      `  markers on screen: ${atStart.toLocaleString('en')} at the start, min ${counts[0]?.toLocaleString('en')}, ` +
        `max ${counts.at(-1)?.toLocaleString('en')} during (${how}; ${full ? `full ${fillS.toFixed(1)} s after opening` : 'never full'})`,
    );
    console.log(`  labels written: ${layers.labels}; density cells: ${layers.cells} (at the end)`);
    console.log(
      `  frames: ${result.deltas.length} (${(result.deltas.length / elapsedS).toFixed(1)} fps); frame time p50 ${ms(percentile(sorted, 50))}, ` +
        `p95 ${ms(percentile(sorted, 95))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted.at(-1))}`,
    );
    console.log(
      `  long tasks: ${result.longTasks.length}, ${longTotal.toFixed(0)} ms in total` +
        (result.longTasks.length > 0 ? ` (longest ${Math.max(...result.longTasks).toFixed(0)} ms)` : ''),
    );
    console.log(
      `  renderer main thread busy ${(((busyAfter.task - busyBefore.task) / elapsedS) * 100).toFixed(0)}% ` +
        `(script ${(((busyAfter.script - busyBefore.script) / elapsedS) * 100).toFixed(0)}%); server CPU ${serverCpu.toFixed(0)}% of one core`,
    );
    if (stats) console.log(`  last stream stats: ${stats}`);
    if (errors.length > 0) console.log(`  page errors: ${errors.slice(0, 5).join('; ')}`);
  } finally {
    await browser.close();
    await product.stop();
  }
}

export async function benchFrontend(): Promise<void> {
  await benchBundle();
  await benchRendering();
}
