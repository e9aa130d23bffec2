/**
 * Country borders from world-atlas (Natural Earth), drawn on a canvas. They are the base map: the page
 * stays usable with no tile server at all, and they are what a click selects a region with.
 *
 * Two scales (see load-countries.ts): 1:110m below `fineFromZoom` (4), 1:50m from there on. Each file is
 * its own chunk, so the map and panel do not wait for either; the 50m one (756 kB raw) is fetched only the
 * first time the map reaches `fineFromZoom`, and 110m stays drawn until it has arrived (or when it fails).
 * Both are kept once built, so crossing the zoom again only swaps them; a swap carries the selection, the
 * hover, the shading, the theme and the tiled look over. The map's container says which is drawn, as
 * `data-borders="110m"` or `"50m"` (for tests and debugging).
 *
 * Events: `select` ({ region }): an alpha-2 code when a country is clicked, `world` when the sea is.
 *
 * In tag mode the layer is also a choropleth: `setShading` gives countries a fill colour (and a line for
 * their tooltip); the hover and selection outlines are drawn on top of it.
 */
import * as L from 'leaflet';
import { borderCountryCode, countryName } from '../../../common/browser/countries';
import { WORLD } from '../../../common/browser/api-constants';
import { borderDetail, type BorderPlan, type FineBorders } from './border-detail';
import { loadCountries, type BorderDetail, type CountryFeature } from './load-countries';

const DEFAULTS = {
  /** The zoom from which the 1:50m borders are drawn: at 4, 110m's coasts are visibly coarse. */
  fineFromZoom: 4,
  /** Land colour without tiles: a step lighter than the ocean (the map container background). */
  landColour: '#1b2a3d',
  /** Land opacity without tiles, and with tiles (then only a tint, so the tiles show through). */
  landOpacity: 1,
  tiledLandOpacity: 0.05,
  /** Border lines: visible, but quieter than the dots drawn on top. */
  borderColour: '#3d5573',
  borderWeight: 0.7,
  /** Hovered country: a small lift so the map feels clickable. */
  hoverColour: '#24384f',
  /** Selected country: outlined in the warm accent of highlighted dots, on a warm dark fill. */
  selectedColour: '#ffc857',
  selectedWeight: 1.6,
  selectedLandColour: '#3a3424',
  /** With tiles, the selected country gets an accent tint instead. */
  tiledSelectedOpacity: 0.16,
  tiledHoverOpacity: 0.2,
  /** Hovered country in tag mode: the fill is data, so hover lightens the outline instead. */
  hoverBorderColour: '#a3b3c8',
  /** Shaded countries over tiles: strong enough to read the classes, light enough to see the tiles. */
  tiledShadeOpacity: 0.6,
  /** Renderer padding (share of the view drawn beyond it), so pans do not show undrawn edges. */
  rendererPadding: 0.5,
};

export type BorderLayerOptions = typeof DEFAULTS;

/** The colours of each theme (the dark ones are `DEFAULTS`'): land lighter than the ocean in both. */
export const BORDER_THEMES: Record<'light' | 'dark', Partial<BorderLayerOptions>> = {
  dark: {
    landColour: DEFAULTS.landColour,
    borderColour: DEFAULTS.borderColour,
    hoverColour: DEFAULTS.hoverColour,
    selectedColour: DEFAULTS.selectedColour,
    selectedLandColour: DEFAULTS.selectedLandColour,
    hoverBorderColour: DEFAULTS.hoverBorderColour,
  },
  light: {
    landColour: '#f8fafc',
    borderColour: '#9aabbf',
    hoverColour: '#e6edf5',
    selectedColour: '#b86e00',
    selectedLandColour: '#fbefd9',
    hoverBorderColour: '#536176',
  },
};

/** A country's fill in tag mode, and the line its tooltip adds ("12.3% of posts (45)"). */
export interface CountryShade {
  colour: string;
  detail: string;
}

/** The event fired by `select`. */
export interface RegionSelectEvent extends L.LeafletEvent {
  /** An alpha-2 code, or `world` when the sea was clicked. */
  region: string;
}

/** A detail's borders as built for the map, kept once built. */
interface DrawnBorders {
  geo: L.GeoJSON;
  /** Paths per country: a few countries have several borders (Cyprus with N. Cyprus). */
  pathsByCode: Map<string, L.Path[]>;
}

export class BorderLayer extends L.Layer {
  private readonly opts: BorderLayerOptions;
  private readonly renderer: L.Canvas;
  private leafletMap: L.Map | null = null;
  /** The countries of each detail loaded so far. */
  private readonly shapes = new Map<BorderDetail, CountryFeature[]>();
  /** Where the 1:50m borders are: what `borderDetail` decides by. */
  private fine: FineBorders = 'absent';
  /** Each detail's borders once built, and the one on the map. */
  private readonly built = new Map<BorderDetail, DrawnBorders>();
  private drawn: { detail: BorderDetail; borders: DrawnBorders } | null = null;
  private readonly codeByPath = new WeakMap<L.Layer, string>();
  private selected: string | null = null;
  private hovered: string | null = null;
  private tiled = false;
  private shading: ReadonlyMap<string, CountryShade> | null = null;

  constructor(options: Partial<BorderLayerOptions> = {}) {
    super();
    this.opts = { ...DEFAULTS, ...options };
    this.renderer = L.canvas({ padding: this.opts.rendererPadding });
  }

  override onAdd(map: L.Map): this {
    this.leafletMap = map;
    this.load(map, '110m');
    this.update(); // a map opened at fineFromZoom or deeper asks for 50m at once
    return this;
  }

  override onRemove(map: L.Map): this {
    this.drawn?.borders.geo.remove();
    this.drawn = null;
    this.built.clear();
    if (this.fine === 'loading') this.fine = 'absent'; // the load's answer is for a map the layer has left
    delete map.getContainer().dataset.borders;
    this.leafletMap = null;
    return this;
  }

  override getEvents(): Record<string, L.LeafletEventHandlerFn> {
    // Clicks on a country stop propagating (see build), so a map click is a click on the sea.
    return { click: () => this.fire('select', { region: WORLD }), zoomend: () => this.update() };
  }

  /** Highlights a country (alpha-2) or nothing (`world` / null). */
  setSelected(region: string | null): void {
    const code = region && region !== WORLD ? region : null;
    if (code === this.selected) return;
    const previous = this.selected;
    this.selected = code;
    this.restyle(previous);
    this.restyle(code);
    this.raiseSelected();
  }

  /** The fill of land without data: what "none" looks like in a legend. */
  get landColour(): string {
    return this.opts.landColour;
  }

  /** Draws the countries in a theme's colours (the canvas does not see the page's CSS). */
  setTheme(theme: 'light' | 'dark'): void {
    Object.assign(this.opts, BORDER_THEMES[theme]);
    this.restyleAll();
  }

  /** Shades countries by code (tag mode), or with null goes back to plain land. */
  setShading(shading: ReadonlyMap<string, CountryShade> | null): void {
    this.shading = shading;
    this.restyleAll();
  }

  /** With a tile layer under the borders, land becomes a light tint instead of an opaque fill. */
  setTiled(tiled: boolean): void {
    if (tiled === this.tiled) return;
    this.tiled = tiled;
    this.restyleAll();
  }

  /**
   * On add and after every zoom: draws the detail the zoom asks for, and starts loading 1:50m when it is asked
   * for and not there (the first time, or again after a failure). Only a zoom retries, not a load's answer.
   */
  private update(): void {
    const map = this.leafletMap;
    if (!map) return;
    const plan = this.plan(map);
    if (plan.load) this.load(map, '50m');
    this.draw(map, plan.draw);
  }

  private plan(map: L.Map): BorderPlan {
    return borderDetail(map.getZoom(), this.opts.fineFromZoom, this.fine);
  }

  private load(map: L.Map, detail: BorderDetail): void {
    if (detail === '50m') this.fine = 'loading';
    loadCountries(detail).then(
      (countries) => {
        if (this.leafletMap !== map) return;
        this.shapes.set(detail, countries);
        if (detail === '50m') this.fine = 'ready';
        this.draw(map, this.plan(map).draw);
      },
      (error: unknown) => {
        // 110m stays drawn; the next zoom at fineFromZoom or deeper tries again.
        if (detail === '50m' && this.leafletMap === map) this.fine = 'absent';
        console.warn(`trendmap: country borders (1:${detail}) unavailable`, error);
      },
    );
  }

  /** Puts a detail's borders on the map in place of the others; until its countries are loaded, keeps those. */
  private draw(map: L.Map, detail: BorderDetail): void {
    const countries = this.shapes.get(detail);
    if (this.drawn?.detail === detail || countries === undefined) return;
    const borders = this.built.get(detail) ?? this.build(countries);
    this.built.set(detail, borders);
    this.drawn?.borders.geo.remove();
    this.drawn = { detail, borders };
    borders.geo.addTo(map);
    // Built earlier, they may be in the styles of then: the selection, hover, shading, theme or tiles changed.
    this.restyleAll();
    this.raiseSelected(); // a region from the URL was selected before the borders arrived
    map.getContainer().dataset.borders = detail;
  }

  private build(countries: CountryFeature[]): DrawnBorders {
    const pathsByCode = new Map<string, L.Path[]>();
    const geo = L.geoJSON(countries, {
      renderer: this.renderer,
      style: (feature) => this.styleFor(this.codeOf(feature)),
      onEachFeature: (feature, layer) => this.register(feature as CountryFeature, layer, pathsByCode),
    } as L.GeoJSONOptions);
    geo.on('click', (event) => {
      L.DomEvent.stopPropagation(event);
      const code = this.codeByPath.get(event.propagatedFrom as L.Layer);
      if (code) this.fire('select', { region: code });
    });
    // After a swap, the canvas still fires the mouseout of the path it last hovered, from the borders taken
    // off: that clears the hover as usual, and the mouseover of the new path sets it again.
    geo.on('mouseover mouseout', (event) => {
      const code = this.codeByPath.get(event.propagatedFrom as L.Layer);
      const previous = this.hovered;
      this.hovered = event.type === 'mouseover' && code ? code : null;
      this.restyle(previous);
      this.restyle(this.hovered);
    });
    return { geo, pathsByCode };
  }

  private register(feature: CountryFeature, layer: L.Layer, pathsByCode: Map<string, L.Path[]>): void {
    const code = this.codeOf(feature);
    const path = layer as L.Path;
    if (code === null) {
      // Land of no country (in 50m: Indian Ocean Ter., Siachen Glacier) is drawn but not clickable: a click
      // there means the world.
      path.options.interactive = false;
      return;
    }
    this.codeByPath.set(layer, code);
    const paths = pathsByCode.get(code) ?? [];
    paths.push(path);
    pathsByCode.set(code, paths);
    const name = countryName(code) ?? feature.properties?.name ?? code;
    // A DOM node, not a string: Leaflet would parse a string as markup. Built when shown, so it carries
    // the shading of that moment.
    const tooltip = () => tooltipNode(name, this.shading === null ? null : (this.shading.get(code)?.detail ?? 'No posts with the hashtag'));
    path.bindTooltip(tooltip, { sticky: true, direction: 'top', offset: [0, -10] });
  }

  /** Draws the selected country last, so its outline is not covered by its neighbours' borders. */
  private raiseSelected(): void {
    if (this.selected === null || !this.leafletMap) return;
    for (const path of this.drawn?.borders.pathsByCode.get(this.selected) ?? []) path.bringToFront();
  }

  private codeOf(feature: CountryFeature | undefined): string | null {
    if (!feature) return null;
    return borderCountryCode(feature.id, feature.properties?.name);
  }

  private restyleAll(): void {
    this.drawn?.borders.geo.setStyle((feature) => this.styleFor(this.codeOf(feature)));
  }

  private restyle(code: string | null): void {
    if (code === null) return;
    for (const path of this.drawn?.borders.pathsByCode.get(code) ?? []) path.setStyle(this.styleFor(code));
  }

  private styleFor(code: string | null): L.PathOptions {
    const o = this.opts;
    const base: L.PathOptions = {
      color: o.borderColour,
      weight: o.borderWeight,
      fillColor: o.landColour,
      fillOpacity: this.tiled ? o.tiledLandOpacity : o.landOpacity,
    };
    if (this.shading !== null) return this.shadedStyle(code, base);
    if (code !== null && code === this.selected) {
      const fillColor = this.tiled ? o.selectedColour : o.selectedLandColour;
      const fillOpacity = this.tiled ? o.tiledSelectedOpacity : o.landOpacity;
      return { ...base, color: o.selectedColour, weight: o.selectedWeight, fillColor, fillOpacity };
    }
    if (code !== null && code === this.hovered) {
      return { ...base, fillColor: o.hoverColour, fillOpacity: this.tiled ? o.tiledHoverOpacity : o.landOpacity };
    }
    return base;
  }

  /** Tag mode: the fill shows the data, so selection and hover only change the outline. */
  private shadedStyle(code: string | null, base: L.PathOptions): L.PathOptions {
    const o = this.opts;
    const shade = code !== null ? this.shading?.get(code) : undefined;
    const style: L.PathOptions = shade ? { ...base, fillColor: shade.colour, fillOpacity: this.tiled ? o.tiledShadeOpacity : 1 } : base;
    if (code !== null && code === this.selected) return { ...style, color: o.selectedColour, weight: o.selectedWeight };
    if (code !== null && code === this.hovered) return { ...style, color: o.hoverBorderColour, weight: o.selectedWeight };
    return style;
  }
}

function tooltipNode(name: string, detail: string | null): HTMLElement {
  const node = document.createElement('span');
  node.className = 'country-tooltip';
  node.textContent = name;
  if (detail !== null) {
    const line = document.createElement('span');
    line.className = 'country-tooltip-detail';
    line.textContent = detail;
    node.append(line);
  }
  return node;
}
