/**
 * Follows the map's viewport for "Trends in this view" and for the `#map=` part of the URL. Fires, at most
 * once per `debounceMs` of quiet after the map stops moving (a drag or a scroll-zoom ends in a burst of
 * `moveend`s, and each bbox change reopens the stream):
 * - `view` ({ bbox, position }) with the viewport as the contract's bbox and the map position.
 */
import * as L from 'leaflet';
import type { Bbox } from '../../../common/browser/api';
import type { MapPosition } from '../state/map-hash';
import { viewBbox } from '../state/view-bbox';

/** The event fired by `view`. */
export interface ViewChangeEvent extends L.LeafletEvent {
  bbox: Bbox;
  position: MapPosition;
}

const DEFAULTS = {
  /** Quiet time after the last `moveend` before the view counts as settled, in ms. */
  debounceMs: 300,
};

export class ViewTracker extends L.Evented {
  private readonly opts: typeof DEFAULTS;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly map: L.Map,
    options: Partial<typeof DEFAULTS> = {},
  ) {
    super();
    this.opts = { ...DEFAULTS, ...options };
    map.on('moveend', this.onMoveEnd);
  }

  /** The viewport now, as the contract's bbox. */
  bbox(): Bbox {
    const bounds = this.map.getBounds();
    return viewBbox(bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth());
  }

  /** The map position now, for the URL. */
  position(): MapPosition {
    const centre = this.map.getCenter();
    return { zoom: this.map.getZoom(), lat: centre.lat, lon: centre.lng };
  }

  destroy(): void {
    clearTimeout(this.timer);
    this.map.off('moveend', this.onMoveEnd);
    this.off();
  }

  private readonly onMoveEnd = (): void => {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire('view', { bbox: this.bbox(), position: this.position() }), this.opts.debounceMs);
  };
}
