/**
 * Where things are on the page's map, from what the page itself publishes: its position in the URL hash
 * (`#map=zoom/lat/lon`, as OpenStreetMap writes it) and the map element's box. With Leaflet's Web Mercator
 * (256 px tiles) that gives the pixel of any latitude/longitude and the bounds of the view, so a test can
 * click a country or check "Trends in this view" without reaching into the page's code.
 */
import type { Locator, Page } from 'playwright-core';

export interface MapPosition {
  zoom: number;
  lat: number;
  lon: number;
}

/** A view's bounds: west, south, east, north in degrees. */
export type Bounds = [number, number, number, number];

/** `map=zoom/lat/lon` among the fragment's `&`-separated parts. */
const MAP_PARAM = /^map=(-?[\d.]+)\/(-?[\d.]+)\/(-?[\d.]+)$/;

/** The map's element: Leaflet's container. */
export const mapElement = (page: Page): Locator => page.locator('.leaflet-container');

export function parseHash(hash: string): MapPosition | null {
  for (const part of hash.replace(/^#/, '').split('&')) {
    const m = MAP_PARAM.exec(part);
    if (m) return { zoom: Number(m[1]), lat: Number(m[2]), lon: Number(m[3]) };
  }
  return null;
}

/** The page's current position; fails with a clear message when the page does not publish one. */
export async function mapPosition(page: Page): Promise<MapPosition> {
  const hash = await page.evaluate(() => location.hash);
  const position = parseHash(hash);
  if (!position) throw new Error(`the page's URL has no #map=zoom/lat/lon position (hash is "${hash}")`);
  return position;
}

/** The most a wait for the map may take, in ms: a ceiling for a broken build, not a measure of speed. */
const MAP_WAIT_MS = 30_000;

/**
 * Waits until the position has stopped changing and returns it. The page may write the hash a while after
 * the map stops (a wheel step: ~40 ms of debounce, a 250 ms animation, then the page's own debounce), so
 * the quiet time is generous; after an action, `moved` first waits for the hash to change at all, and the
 * page writes it only once the map has stood still (300 ms), so what follows is a check, not the wait.
 */
export async function settledPosition(page: Page, quietMs = 1_000, timeoutMs = MAP_WAIT_MS): Promise<MapPosition> {
  const deadline = Date.now() + timeoutMs;
  let last = await page.evaluate(() => location.hash);
  let since = Date.now();
  while (Date.now() < deadline) {
    await page.waitForTimeout(100);
    const hash = await page.evaluate(() => location.hash);
    if (hash !== last) {
      last = hash;
      since = Date.now();
    } else if (Date.now() - since >= quietMs && parseHash(hash)) {
      return parseHash(hash)!;
    }
  }
  throw new Error(`the map's #map= position did not settle within ${timeoutMs / 1_000} s (last "${last}")`);
}

/** Runs a user action on the map and returns the position once the hash has followed it and settled. */
export async function moved(page: Page, action: () => Promise<void>, timeoutMs = MAP_WAIT_MS): Promise<MapPosition> {
  const before = await page.evaluate(() => location.hash);
  await action();
  await page
    .waitForFunction((hash) => location.hash !== hash, before, { timeout: timeoutMs, polling: 50 })
    .catch(() => {
      throw new Error(`the URL's #map= position did not follow the map (still ${before})`);
    });
  return settledPosition(page);
}

/**
 * Drags the map by a few pixels and waits for the hash to follow: proof that it tells where the map is (a
 * page that ignores `#map=` would keep showing the one it was opened with). Returns the new position.
 */
export async function provenPosition(page: Page): Promise<MapPosition> {
  await settledPosition(page);
  const box = await mapElement(page).boundingBox();
  if (!box) throw new Error('the map is not on the page');
  const from = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  return moved(page, async () => {
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 40, from.y + 10, { steps: 8 });
    await page.waitForTimeout(200); // stand still before letting go: no inertia
    await page.mouse.up();
  });
}

const worldSize = (zoom: number) => 256 * 2 ** zoom;

function project(lat: number, lon: number, zoom: number): { x: number; y: number } {
  const size = worldSize(zoom);
  const phi = (Math.max(-85.0511287798, Math.min(85.0511287798, lat)) * Math.PI) / 180;
  return { x: (size * (lon + 180)) / 360, y: size * (0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI)) };
}

function unproject(x: number, y: number, zoom: number): { lat: number; lon: number } {
  const size = worldSize(zoom);
  const lat = ((2 * Math.atan(Math.exp(Math.PI * (1 - (2 * y) / size))) - Math.PI / 2) * 180) / Math.PI;
  return { lat, lon: (x / size) * 360 - 180 };
}

/** The page pixel (for `page.mouse`) of a latitude/longitude, in the current view. */
export async function pixelOf(page: Page, lat: number, lon: number): Promise<{ x: number; y: number }> {
  const position = await mapPosition(page);
  const box = await mapElement(page).boundingBox();
  if (!box) throw new Error('the map is not on the page');
  const centre = project(position.lat, position.lon, position.zoom);
  const point = project(lat, lon, position.zoom);
  return { x: box.x + box.width / 2 + point.x - centre.x, y: box.y + box.height / 2 + point.y - centre.y };
}

/** Whether a page pixel lies on the map's element, `margin` px in from its edges. */
export async function onMap(page: Page, point: { x: number; y: number }, margin = 20): Promise<boolean> {
  const box = await mapElement(page).boundingBox();
  if (!box) return false;
  return point.x >= box.x + margin && point.x <= box.x + box.width - margin && point.y >= box.y + margin && point.y <= box.y + box.height - margin;
}

/** The bounds of the current view, as `map.getBounds()` would give them. */
export async function viewBounds(page: Page): Promise<Bounds> {
  const position = await mapPosition(page);
  const box = await mapElement(page).boundingBox();
  if (!box) throw new Error('the map is not on the page');
  const centre = project(position.lat, position.lon, position.zoom);
  const nw = unproject(centre.x - box.width / 2, centre.y - box.height / 2, position.zoom);
  const se = unproject(centre.x + box.width / 2, centre.y + box.height / 2, position.zoom);
  return [nw.lon, se.lat, se.lon, nw.lat];
}

export function boundsContain([w, s, e, n]: Bounds, lat: number, lon: number): boolean {
  return lat >= s && lat <= n && (w <= e ? lon >= w && lon <= e : lon >= w || lon <= e);
}

/**
 * The colour of the country borders' canvas (land fill and lines, under the dots and labels) at a
 * latitude/longitude, as [r, g, b]: how a test sees a country's selection, shading or theme.
 */
export async function borderColourAt(page: Page, lat: number, lon: number): Promise<[number, number, number]> {
  const { x, y } = await pixelOf(page, lat, lon);
  return page.evaluate(
    ([px, py]) => {
      const canvas = document.querySelector<HTMLCanvasElement>('.leaflet-overlay-pane canvas')!;
      const box = canvas.getBoundingClientRect();
      const scale = canvas.width / box.width;
      const [r, g, b] = canvas.getContext('2d')!.getImageData(Math.round((px - box.left) * scale), Math.round((py - box.top) * scale), 1, 1).data;
      return [r, g, b] as [number, number, number];
    },
    [x, y],
  );
}
