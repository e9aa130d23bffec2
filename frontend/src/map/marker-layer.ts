/**
 * Live posts as fading dots, all on one canvas. DOM markers would cost a node each and stall the page at a
 * few hundred; a canvas redraw of 3,000 dots is a handful of fills (see MarkerPainter).
 *
 * Two layers of work keep frames cheap. Settled dots (past their arrival pulse) fade slowly, so they are
 * painted into an offscreen canvas only a few times a second, or when the view moves. Each animation frame
 * then copies that canvas and paints just the few newest, pulsing dots on top. Positions are cached as
 * projected pixels at the current zoom, and frames run only while dots are alive: an empty map costs nothing.
 */
import * as L from 'leaflet';
import type { Marker } from '../../../common/browser/api';
import { tagKey } from '../../../common/browser/tag-key';
import { MarkerBuffer } from './marker-buffer';
import { MarkerPainter } from './marker-painter';

const DEFAULTS = {
  /** A dot fades from full to nothing over this long after it arrives (arrival, not post time: replays too). */
  lifetimeMs: 60_000,
  /** Live dots kept; past this the oldest go first, so a burst cannot slow drawing down. */
  maxMarkers: 3_000,
  /** Dot radius, CSS pixels. */
  radius: 2.5,
  /** A new dot starts this large and shrinks to `radius`, so arrivals catch the eye. */
  pulseRadius: 6,
  /** How long that arrival pulse lasts. */
  pulseMs: 800,
  /** Opacity steps: dots sharing a step are filled as one path. 20 steps are invisible to the eye. */
  alphaSteps: 20,
  /** Settled dots only fade, slowly: repainting them a few times a second is enough. */
  fadeFrameMs: 250,
  /** Frame interval while dots pulse; 30 fps is smooth for a shrinking dot and halves the compositing. */
  pulseFrameMs: 33,
  /** Default dot colour: cool, reads well on the dark ocean and land (`MARKER_THEMES` has the light one). */
  colour: '#4fd1ff',
  /** Dots of the selected region or hovered tag: warm against the cool default, visible but not loud. */
  highlightColour: '#ffc857',
  /** Opacity factor for the other dots while a highlight is active. */
  dimmedAlpha: 0.45,
  /** Own pane above the borders (overlayPane, 400) and below popups; it never takes pointer events. */
  paneName: 'trendMarkers',
  /** z-index of that pane. */
  paneZIndex: 450,
};

export type MarkerLayerOptions = typeof DEFAULTS;

/**
 * The dot colours of each theme (the dark ones are `DEFAULTS`'). Each has a WCAG non-text contrast of at
 * least 3:1 against its theme's land and ocean (BORDER_THEMES' `landColour`, the CSS `--ocean`), at full
 * opacity: dark #4fd1ff 8.2 and 9.8, #ffc857 9.5 and 11.3 (land #1b2a3d, ocean #0e1b2b); light #0057b8 6.6
 * and 5.4, #9a5b00 5.2 and 4.3 (land #f8fafc, ocean #dce6f0). The light highlight is the page's `--warm`.
 */
export const MARKER_THEMES: Record<'light' | 'dark', Pick<MarkerLayerOptions, 'colour' | 'highlightColour'>> = {
  dark: { colour: DEFAULTS.colour, highlightColour: DEFAULTS.highlightColour },
  light: { colour: '#0057b8', highlightColour: '#9a5b00' },
};

/** What to highlight: posts from a region, posts carrying a tag (wins over region), or nothing. */
export interface MarkerHighlight {
  region?: string | null;
  tag?: string | null;
}

export class MarkerLayer extends L.Layer {
  private readonly opts: MarkerLayerOptions;
  private readonly dots: MarkerBuffer;
  private readonly painter: MarkerPainter;
  /** Offscreen canvas holding the settled dots, and when it was painted (dots born before `settledBefore`). */
  private readonly settled = document.createElement('canvas');
  private settledAt = -Infinity;
  private settledBefore = -Infinity;
  private leafletMap: L.Map | null = null;
  private canvas: HTMLCanvasElement | null = null;
  private ctx: CanvasRenderingContext2D | null = null;
  private projectedZoom = NaN;
  private pixelRatio = 1;
  private viewWidth = 0;
  private viewHeight = 0;
  private highlight: { region: string | null; tag: string | null } = { region: null, tag: null };
  private frame = 0;
  /** The view or the highlight changed: settled dots must be repainted. */
  private dirty = false;
  private lastDraw = -Infinity;

  /** Dots on the map now (arrived within `lifetimeMs`, at most `maxMarkers`). */
  get liveCount(): number {
    return this.dots.size;
  }

  constructor(options: Partial<MarkerLayerOptions> = {}) {
    super();
    this.opts = { ...DEFAULTS, ...options };
    this.dots = new MarkerBuffer(this.opts.maxMarkers);
    this.painter = new MarkerPainter(this.opts);
  }

  override onAdd(map: L.Map): this {
    this.leafletMap = map;
    const pane = map.getPane(this.opts.paneName) ?? map.createPane(this.opts.paneName);
    pane.style.zIndex = String(this.opts.paneZIndex);
    pane.style.pointerEvents = 'none';
    // leaflet-zoom-hide: hidden during the zoom animation, redrawn at the new scale when it ends.
    this.canvas = L.DomUtil.create('canvas', 'trend-markers leaflet-zoom-hide', pane);
    this.ctx = this.canvas.getContext('2d');
    this.resize();
    this.reproject();
    this.requestDraw();
    return this;
  }

  override onRemove(): this {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.canvas?.remove();
    this.canvas = null;
    this.ctx = null;
    this.leafletMap = null;
    return this;
  }

  override getEvents(): Record<string, L.LeafletEventHandlerFn> {
    return {
      move: this.requestDraw,
      moveend: this.requestDraw,
      zoom: this.onZoom,
      zoomend: this.onZoom,
      viewreset: this.onZoom,
      resize: this.onResize,
    };
  }

  /** Adds a batch of posts as new dots. */
  addMarkers(markers: readonly Marker[]): void {
    const now = performance.now();
    const zoom = this.leafletMap ? this.projectedZoom : NaN;
    // A batch larger than the buffer would only overwrite itself: keep its newest part.
    for (let m = Math.max(0, markers.length - this.dots.capacity); m < markers.length; m++) {
      const slot = this.dots.push(markers[m], now);
      this.dots.lit[slot] = this.isHighlighted(slot) ? 1 : 0;
      if (!Number.isNaN(zoom)) this.project(slot, zoom);
    }
    // New dots are drawn by the per-frame pass; the settled layer is untouched.
    this.scheduleFrame();
  }

  /** Removes every dot, e.g. when the stream switches to another tag. */
  clear(): void {
    this.dots.clear();
    this.requestDraw();
  }

  /** Draws the dots in a theme's colours (the canvas does not see the page's CSS). */
  setTheme(theme: 'light' | 'dark'): void {
    // The painter reads the same options object: the next draw uses the new colours.
    Object.assign(this.opts, MARKER_THEMES[theme]);
    this.requestDraw();
  }

  /** Sets what to highlight; `{}` clears it. */
  setHighlight(highlight: MarkerHighlight): void {
    const region = highlight.region ? highlight.region.toUpperCase() : null;
    // Dots carry grouping keys (see parseMarkers), so the tag is compared as one.
    const tag = highlight.tag ? tagKey(highlight.tag) : null;
    if (region === this.highlight.region && tag === this.highlight.tag) return;
    this.highlight = { region, tag };
    this.dots.forEach((slot) => (this.dots.lit[slot] = this.isHighlighted(slot) ? 1 : 0));
    this.requestDraw();
  }

  private isHighlighted(slot: number): boolean {
    const { region, tag } = this.highlight;
    if (tag !== null) return this.dots.tags[slot].includes(tag);
    return region !== null && this.dots.cc[slot] === region;
  }

  private project(slot: number, zoom: number): void {
    const point = this.leafletMap!.project([this.dots.lat[slot], this.dots.lon[slot]], zoom);
    this.dots.px[slot] = point.x;
    this.dots.py[slot] = point.y;
  }

  private reproject(): void {
    if (!this.leafletMap) return;
    const zoom = this.leafletMap.getZoom();
    this.projectedZoom = zoom;
    this.dots.forEach((slot) => this.project(slot, zoom));
  }

  private readonly onZoom = (): void => {
    if (this.leafletMap && this.leafletMap.getZoom() !== this.projectedZoom) this.reproject();
    this.requestDraw();
  };

  private readonly onResize = (): void => {
    this.resize();
    this.requestDraw();
  };

  private resize(): void {
    if (!this.leafletMap || !this.canvas) return;
    const size = this.leafletMap.getSize();
    // Backing store at device resolution so dots stay round and crisp on high-DPI screens.
    this.pixelRatio = window.devicePixelRatio || 1;
    this.viewWidth = size.x;
    this.viewHeight = size.y;
    this.canvas.width = Math.round(size.x * this.pixelRatio);
    this.canvas.height = Math.round(size.y * this.pixelRatio);
    this.canvas.style.width = `${size.x}px`;
    this.canvas.style.height = `${size.y}px`;
    this.settled.width = this.canvas.width;
    this.settled.height = this.canvas.height;
  }

  private readonly requestDraw = (): void => {
    this.dirty = true;
    this.scheduleFrame();
  };

  private scheduleFrame(): void {
    if (this.frame === 0 && this.leafletMap) this.frame = requestAnimationFrame(this.onFrame);
  }

  private readonly onFrame = (): void => {
    this.frame = 0;
    const now = performance.now();
    this.dots.expire(now, this.opts.lifetimeMs);
    const fresh = this.dots.newestAge(now) < now - this.settledBefore; // dots outside the settled layer
    const due = now - this.lastDraw >= (fresh ? this.opts.pulseFrameMs : this.opts.fadeFrameMs);
    if (this.dirty || due) this.draw(now);
    // Keep animating only while something is fading.
    if (this.dots.size > 0 || this.dirty) this.scheduleFrame();
  };

  private draw(now: number): void {
    const { leafletMap: map, canvas, ctx, dots } = this;
    if (!map || !canvas || !ctx) return;
    if (map.getZoom() !== this.projectedZoom) this.reproject();
    this.lastDraw = now;
    // How many dots the map holds, for tests and the frame-time benchmark to read.
    canvas.dataset.markers = String(dots.size);

    // Pin the canvas to the viewport: it sits in a pane that moves with the map, so undo the pane offset.
    const topLeft = map.containerPointToLayerPoint([0, 0]);
    L.DomUtil.setPosition(canvas, topLeft);
    const origin = map.getPixelOrigin();
    const pass = {
      now,
      bornFrom: -Infinity,
      bornUntil: Infinity,
      offsetX: -origin.x - topLeft.x,
      offsetY: -origin.y - topLeft.y,
      width: this.viewWidth,
      height: this.viewHeight,
      dim: this.highlight.region !== null || this.highlight.tag !== null ? this.opts.dimmedAlpha : 1,
    };

    if (this.dirty || now - this.settledAt >= this.opts.fadeFrameMs) {
      this.dirty = false;
      this.settledAt = now;
      this.settledBefore = now - this.opts.pulseMs;
      const settledCtx = this.settled.getContext('2d');
      if (settledCtx) {
        settledCtx.setTransform(this.pixelRatio, 0, 0, this.pixelRatio, 0, 0);
        settledCtx.clearRect(0, 0, this.viewWidth, this.viewHeight);
        this.painter.paint(settledCtx, dots, { ...pass, bornUntil: this.settledBefore });
      }
    }

    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (dots.size === 0) return;
    ctx.drawImage(this.settled, 0, 0);
    ctx.setTransform(this.pixelRatio, 0, 0, this.pixelRatio, 0, 0);
    this.painter.paint(ctx, dots, { ...pass, bornFrom: this.settledBefore });
  }
}
