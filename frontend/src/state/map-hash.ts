/**
 * The map position in the URL fragment, as OpenStreetMap writes it: `#map=zoom/lat/lon`. Coordinates get
 * just enough decimals to pin the centre to about a pixel at that zoom, so a link is short and reopening it
 * lands on the same spot. Other `&name=value` parts of the fragment are kept.
 */
import { wrapLon } from '../../../common/browser/bbox';

export interface MapPosition {
  /** Leaflet zoom; fractional (the map snaps to quarters). */
  zoom: number;
  lat: number;
  lon: number;
}

/** The limits a position from a URL is clamped to (the map's own zoom range and Web Mercator's latitudes). */
export const POSITION_LIMITS = { minZoom: 0, maxZoom: 10, maxLat: 85 } as const;

const KEY = 'map';

/**
 * Decimals for a coordinate at `zoom`: one pixel spans 360 / (256 · 2^zoom) degrees at the equator, so
 * ceil(log10(256 · 2^zoom / 360)) decimals resolve it. Zoom 2: 1 decimal; zoom 6: 2; zoom 10: 3.
 */
export function positionPrecision(zoom: number): number {
  return Math.max(0, Math.ceil(Math.log10((256 * 2 ** zoom) / 360)));
}

/** `5/48.9/2.4`: zoom with up to 2 decimals, coordinates rounded to `positionPrecision`. */
export function formatPosition(position: MapPosition): string {
  const zoom = Math.round(position.zoom * 100) / 100;
  const digits = positionPrecision(zoom);
  const lat = clean(position.lat.toFixed(digits));
  const lon = clean(wrapLon(position.lon).toFixed(digits));
  return `${zoom}/${lat}/${lon}`;
}

/** The position in a fragment (`#map=…`), or null when it has none or it is malformed. */
export function parseMapHash(hash: string): MapPosition | null {
  const raw = fragmentParams(hash).get(KEY);
  if (raw === undefined || raw === null) return null;
  const parts = raw.split('/');
  if (parts.length !== 3 || parts.some((part) => !/^-?\d+(\.\d+)?$/.test(part))) return null;
  const [zoom, lat, lon] = parts.map(Number);
  const { minZoom, maxZoom, maxLat } = POSITION_LIMITS;
  return {
    zoom: Math.min(maxZoom, Math.max(minZoom, zoom)),
    lat: Math.min(maxLat, Math.max(-maxLat, lat)),
    lon: wrapLon(lon),
  };
}

/** `hash` with its `map=` part set to `position`, other parts kept in order. */
export function formatMapHash(position: MapPosition, hash = ''): string {
  const params = fragmentParams(hash);
  params.set(KEY, formatPosition(position));
  return `#${[...params].map(([name, value]) => (value === null ? name : `${name}=${value}`)).join('&')}`;
}

/**
 * The fragment's `&`-separated parts. Not URLSearchParams: it would percent-encode the slashes of `map=`,
 * and foreign parts must come back exactly as they were.
 */
function fragmentParams(hash: string): Map<string, string | null> {
  const params = new Map<string, string | null>();
  for (const part of hash.replace(/^#/, '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) params.set(part, null);
    else params.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return params;
}

/** "-0" and "2.50" are valid but untidy in a link. */
function clean(fixed: string): string {
  const trimmed = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}
