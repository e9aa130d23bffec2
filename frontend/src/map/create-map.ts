/**
 * The Leaflet map with this app's settings, opened at a position from the URL or, without one, on the
 * inhabited world.
 */
import * as L from 'leaflet';
import type { MapPosition } from '../state/map-hash';
import { POSITION_LIMITS } from '../state/map-hash';

/** The first view without a position in the URL, and region World's: the inhabited world, without the empty polar rows. */
export const WORLD_VIEW = L.latLngBounds([-50, -165], [72, 175]);

export function createMap(container: HTMLElement, position: MapPosition | null): L.Map {
  const map = L.map(container, {
    // Vector layers on canvas: 177 country polygons redraw faster than as SVG nodes.
    preferCanvas: true,
    // Credits go through TextAttribution (plain text) instead of Leaflet's markup-based control.
    attributionControl: false,
    // Fractional zoom so the world fills odd-sized windows instead of leaving wide empty bands.
    zoomSnap: 0.25,
    zoomDelta: 0.5,
    minZoom: POSITION_LIMITS.minZoom,
    maxZoom: POSITION_LIMITS.maxZoom,
    // One copy of the world: borders and dots are drawn once, so panning into a copy would show emptiness.
    maxBounds: L.latLngBounds([-85, -200], [85, 200]),
    maxBoundsViscosity: 0.8,
    worldCopyJump: false,
  });
  moveMapTo(map, position);
  return map;
}

/** Puts the map at `position` at once (no animation: this is restoring a view, not travelling). */
export function moveMapTo(map: L.Map, position: MapPosition | null): void {
  if (position === null) map.fitBounds(WORLD_VIEW, { animate: false });
  else map.setView([position.lat, position.lon], position.zoom, { animate: false });
}
