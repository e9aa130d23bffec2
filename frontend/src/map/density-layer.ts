/**
 * Where the window's posts came from: each map tile of the labels' answer (`/api/labels`, the server's tile
 * counts, so every post of the window and not only the fading dots) drawn as a cell, the more posts the
 * stronger its fill, by the square root of its share of the busiest cell. In tag mode the answer counts the
 * tag's posts per tile, so the cells show where the tag is posted. A finished replay or a quiet stream leaves
 * few live dots; the cells still show the whole window.
 *
 * The cells are SVG paths in their own pane, above the borders and below the dots and labels, and never take
 * the pointer: the countries under them stay clickable. A few hundred cells at most (the labels' limit).
 */
import * as L from 'leaflet';
import type { LabelsResponse } from '../../../common/browser/api';
import { tileBoundsAt } from '../../../common/browser/web-mercator';
import { nearestCopy } from './label-placement';
import { MARKER_THEMES } from './marker-layer';

const DEFAULTS = {
  paneName: 'trendDensity',
  /** Above the borders (overlayPane, 400), below the dots (450). */
  paneZIndex: 430,
  /** The dots' colour, so that cells and dots read as the same posts (`setTheme` takes the light one). */
  colour: MARKER_THEMES.dark.colour,
  /** Fill opacity of the quietest and of the busiest cell. */
  minOpacity: 0.08,
  maxOpacity: 0.55,
};

export class DensityLayer extends L.Layer {
  private readonly opts: typeof DEFAULTS;
  private readonly cells: L.LayerGroup = L.layerGroup();
  private renderer: L.Renderer | null = null;
  private last: { response: LabelsResponse; tagMode: boolean } | null = null;

  constructor(options: Partial<typeof DEFAULTS> = {}) {
    super();
    this.opts = { ...DEFAULTS, ...options };
  }

  private map: L.Map | null = null;

  override onAdd(map: L.Map): this {
    this.map = map;
    const pane = map.getPane(this.opts.paneName) ?? map.createPane(this.opts.paneName);
    pane.style.zIndex = String(this.opts.paneZIndex);
    pane.style.pointerEvents = 'none';
    this.renderer ??= L.svg({ pane: this.opts.paneName });
    this.cells.addTo(map);
    if (this.last) this.draw(this.last.response, this.last.tagMode);
    return this;
  }

  override onRemove(): this {
    this.cells.clearLayers();
    this.cells.remove();
    return this;
  }

  /** Draws the cells in a theme's colour: the dots' (`MARKER_THEMES`), cool on dark land, deep blue on light. */
  setTheme(theme: 'light' | 'dark'): void {
    this.opts.colour = MARKER_THEMES[theme].colour;
    if (this.last !== null && this.renderer !== null) this.draw(this.last.response, this.last.tagMode);
  }

  /** Shows the posts of an answer: all of each tile's posts, or in tag mode the tag's (`count`). */
  setAnswer(response: LabelsResponse | null, tagMode: boolean): void {
    this.last = response === null ? null : { response, tagMode };
    // Drawn once the layer has been on a map (it has its renderer then); until then kept for `onAdd`.
    if (this.renderer !== null) this.draw(response, tagMode);
  }

  private draw(response: LabelsResponse | null, tagMode: boolean): void {
    this.cells.clearLayers();
    if (response === null || this.renderer === null) return;
    const weight = (label: LabelsResponse['labels'][number]) => (tagMode ? label.count : label.posts);
    const busiest = response.labels.reduce((most, label) => Math.max(most, weight(label)), 0);
    if (busiest === 0) return;
    const { minOpacity, maxOpacity, colour } = this.opts;
    const centreLon = this.map?.getCenter().lng ?? null;
    for (const label of response.labels) {
      const [south, tileWest, north, tileEast] = tileBoundsAt(label.lat, label.lon, response.level);
      // The copy of the world nearest the map's centre, as the labels are (a view across the antimeridian).
      const shift = centreLon === null ? 0 : nearestCopy(label.lon, centreLon) - label.lon;
      const [west, east] = [tileWest + shift, tileEast + shift];
      const share = Math.sqrt(weight(label) / busiest);
      L.rectangle(
        [
          [south, west],
          [north, east],
        ],
        {
          renderer: this.renderer,
          interactive: false,
          stroke: false,
          fillColor: colour,
          fillOpacity: minOpacity + (maxOpacity - minOpacity) * share,
          className: 'density-cell',
        },
      ).addTo(this.cells);
    }
  }
}
