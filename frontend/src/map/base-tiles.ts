/**
 * The optional raster tile layer from `/api/config`, under the borders. Tiles are decoration: a tile that
 * fails shows as transparent (never a broken-image icon), and when nothing has loaded after a run of
 * failures (tile server unreachable, offline demo) the layer fires `unavailable` and the app falls back to
 * the opaque borders-only look.
 */
import * as L from 'leaflet';

/** A 1×1 transparent GIF, shown in place of a tile that failed. */
const BLANK_TILE = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

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
      errorTileUrl: BLANK_TILE,
      // Borders and dots are drawn for one copy of the world; repeated tiles beside it would look empty.
      noWrap: true,
      // The attribution is shown by TextAttribution (as text); Leaflet's control would render it as markup.
      attribution: undefined,
      crossOrigin: false,
    });
    this.limits = limits;
    this.on('tileload', this.onTileLoad, this);
    this.on('tileerror', this.onTileError, this);
  }

  /** Tiles loaded and failed so far, for diagnostics. */
  get counts(): { loaded: number; failed: number } {
    return { loaded: this.loaded, failed: this.failed };
  }

  private onTileLoad(): void {
    this.loaded++;
  }

  private onTileError(): void {
    this.failed++;
    if (this.givenUp || this.loaded > 0 || this.failed < this.limits.giveUpAfterErrors) return;
    this.givenUp = true;
    this.fire('unavailable', { failed: this.failed });
  }
}
