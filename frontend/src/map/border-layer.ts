/**
 * Country borders from world-atlas (Natural Earth, 1:110m), drawn on a canvas. They are the base map: the
 * page stays usable with no tile server at all, and they are what a click selects a region with.
 *
 * Events: `select` ({ region }): an alpha-2 code when a country is clicked, `world` when the sea is.
 * The borders file (~100 kB) is loaded as its own chunk so the map and panel do not wait for it.
 *
 * In tag mode the layer is also a choropleth: `setShading` gives countries a fill colour (and a line for
 * their tooltip); the hover and selection outlines are drawn on top of it.
 */
import * as L from 'leaflet';
import type { Feature, Geometry, Position } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { borderCountryCode, countryName } from '../../../common/browser/countries';
import { WORLD } from '../../../common/browser/api-constants';
import { unwrapRing } from '../../../common/browser/unwrap-ring';

interface CountryProps {
  name?: string;
}

const DEFAULTS = {
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

// Shared by every BorderLayer: the file is parsed once; a failed load is forgotten so a later add retries.
let countriesPromise: Promise<Feature<Geometry, CountryProps>[]> | null = null;

/** The countries' features, continuous across the antimeridian (MapFollower fits to them too). */
export function loadCountries(): Promise<Feature<Geometry, CountryProps>[]> {
  countriesPromise ??= import('world-atlas/countries-110m.json').then((module) => {
    const topology = module.default as unknown as Topology;
    const countries = feature(topology, topology.objects.countries as GeometryCollection<CountryProps>).features;
    for (const country of countries) unwrapAntimeridian(country.geometry);
    return countries;
  });
  countriesPromise.catch(() => (countriesPromise = null));
  return countriesPromise;
}

export class BorderLayer extends L.Layer {
  private readonly opts: BorderLayerOptions;
  private readonly renderer: L.Canvas;
  private geo: L.GeoJSON | null = null;
  private leafletMap: L.Map | null = null;
  /** Paths per country: a few countries have several borders (Cyprus with N. Cyprus). */
  private readonly pathsByCode = new Map<string, L.Path[]>();
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
    loadCountries().then(
      (countries) => {
        if (this.leafletMap !== map || this.geo) return;
        this.build(countries).addTo(map);
        this.raiseSelected(); // a region from the URL was selected before the borders arrived
      },
      (error: unknown) => console.warn('trendmap: country borders unavailable', error),
    );
    return this;
  }

  override onRemove(): this {
    this.geo?.remove();
    this.geo = null;
    this.pathsByCode.clear();
    this.leafletMap = null;
    return this;
  }

  override getEvents(): Record<string, L.LeafletEventHandlerFn> {
    // Clicks on a country stop propagating (see build), so a map click is a click on the sea.
    return { click: () => this.fire('select', { region: WORLD }) };
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

  private build(countries: Feature<Geometry, CountryProps>[]): L.GeoJSON {
    const geo = L.geoJSON(countries, {
      renderer: this.renderer,
      style: (feature) => this.styleFor(this.codeOf(feature)),
      onEachFeature: (feature, layer) => this.register(feature as Feature<Geometry, CountryProps>, layer),
    } as L.GeoJSONOptions);
    geo.on('click', (event) => {
      L.DomEvent.stopPropagation(event);
      const code = this.codeByPath.get(event.propagatedFrom as L.Layer);
      if (code) this.fire('select', { region: code });
    });
    geo.on('mouseover mouseout', (event) => {
      const code = this.codeByPath.get(event.propagatedFrom as L.Layer);
      const previous = this.hovered;
      this.hovered = event.type === 'mouseover' && code ? code : null;
      this.restyle(previous);
      this.restyle(this.hovered);
    });
    this.geo = geo;
    return geo;
  }

  private register(feature: Feature<Geometry, CountryProps>, layer: L.Layer): void {
    const code = this.codeOf(feature);
    const path = layer as L.Path;
    if (code === null) {
      // Unnamed land (none in 110m today) is drawn but not clickable: a click there means the world.
      path.options.interactive = false;
      return;
    }
    this.codeByPath.set(layer, code);
    const paths = this.pathsByCode.get(code) ?? [];
    paths.push(path);
    this.pathsByCode.set(code, paths);
    const name = countryName(code) ?? feature.properties?.name ?? code;
    // A DOM node, not a string: Leaflet would parse a string as markup. Built when shown, so it carries
    // the shading of that moment.
    const tooltip = () => tooltipNode(name, this.shading === null ? null : (this.shading.get(code)?.detail ?? 'No posts with the hashtag'));
    path.bindTooltip(tooltip, { sticky: true, direction: 'top', offset: [0, -10] });
  }

  /** Draws the selected country last, so its outline is not covered by its neighbours' borders. */
  private raiseSelected(): void {
    if (this.selected === null || !this.leafletMap) return;
    for (const path of this.pathsByCode.get(this.selected) ?? []) path.bringToFront();
  }

  private codeOf(feature: Feature<Geometry, CountryProps> | undefined): string | null {
    if (!feature) return null;
    return borderCountryCode(feature.id, feature.properties?.name);
  }

  private restyleAll(): void {
    this.geo?.setStyle((feature) => this.styleFor(this.codeOf(feature)));
  }

  private restyle(code: string | null): void {
    if (code === null) return;
    for (const path of this.pathsByCode.get(code) ?? []) path.setStyle(this.styleFor(code));
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

/**
 * world-atlas is meant for spherical rendering: a few rings (Russia, Fiji) step from 180° to -180° and back.
 * Drawn flat, each step is a line across the whole map. Such rings are made continuous (and moved back
 * into [-180, 180] if most of them fell outside). A ring that circles a pole (Antarctica) really wraps, and
 * is left alone.
 */
function unwrapAntimeridian(geometry: Geometry): void {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  for (const polygon of polygons) {
    for (let r = 0; r < polygon.length; r++) polygon[r] = continuousRing(polygon[r]);
  }
}

function continuousRing(ring: Position[]): Position[] {
  const { ring: out, offset } = unwrapRing(ring);
  if (offset !== 0) return ring; // circles a pole
  const mean = out.reduce((sum, [lon]) => sum + lon, 0) / Math.max(1, ring.length);
  const shift = mean > 180 ? -360 : mean < -180 ? 360 : 0;
  return shift === 0 ? out : out.map(([lon, lat]) => [lon + shift, lat]);
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
