/**
 * The optional raster tile layer from `/api/config`, under the borders. Tiles are decoration: a tile that
 * fails is hidden (never a broken-image icon; not swapped for a data: image, which the CSP refuses), and when nothing has loaded after a run of
 * failures (tile server unreachable, offline demo) the layer fires `unavailable` and the app falls back to
 * the opaque borders-only look.
 */
import * as L from 'leaflet';

/** The world as Web Mercator tiles cover it. */
const WORLD_BOUNDS = L.latLngBounds([-85.0511, -180], [85.0511, 180]);

const DEFAULTS = {
  /** Failures with no success at all before the layer gives up and fires `unavailable`. */
  giveUpAfterErrors: 8,
  /** Tiles above the dark map: dimmed so borders and dots keep the contrast. */
  opacity: 0.55,
  /** Beyond this the 110m borders are too coarse to matter, so more tile detail buys nothing. */
  maxZoom: 10,
};

export type BaseTilesOptions = typeof DEFAULTS;

export class BaseTiles extends L.TileLayer {
  private readonly limits: BaseTilesOptions;
  private loaded = 0;
  private failed = 0;
  private givenUp = false;

  constructor(urlTemplate: string, options: Partial<BaseTilesOptions> = {}) {
    const limits = { ...DEFAULTS, ...options };
    super(urlTemplate, {
      opacity: limits.opacity,
      maxZoom: limits.maxZoom,
      // Borders and dots are drawn for one copy of the world; repeated tiles beside it would look empty.
      noWrap: true,
      // With noWrap, Leaflet still asks for the columns left and right of the world (x = -1, x = 2^z), which
      // tile servers answer with 404s; tiles are only requested where they overlap these bounds.
      bounds: WORLD_BOUNDS,
      // The attribution is shown by TextAttribution (as text); Leaflet's control would render it as markup.
      attribution: undefined,
      crossOrigin: false,
    });
    this.limits = limits;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- bound by Leaflet's context argument
    this.on('tileload', this.onTileLoad, this);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- bound by Leaflet's context argument
    this.on('tileerror', this.onTileError, this);
  }

  private onTileLoad(): void {
    this.loaded++;
  }

  private onTileError(event: L.TileErrorEvent): void {
    // CSSOM, not a style attribute: allowed under the page's Content-Security-Policy.
    event.tile.style.visibility = 'hidden';
    this.failed++;
    if (this.givenUp || this.loaded > 0 || this.failed < this.limits.giveUpAfterErrors) return;
    this.givenUp = true;
    this.fire('unavailable', { failed: this.failed });
  }
}
