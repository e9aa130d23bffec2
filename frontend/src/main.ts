/**
 * trendmap: wires the components together. The URL state is the single source of truth for what is shown
 * (region, window, followed tag); every component is told about changes here and reports user actions back
 * as events, so no component knows about another.
 */
import 'leaflet/dist/leaflet.css';
import './style.css';
import * as L from 'leaflet';
import { fetchConfig } from './api/api-client';
import { BaseTiles } from './map/base-tiles';
import { BorderLayer, type RegionSelectEvent } from './map/border-layer';
import { MarkerLayer } from './map/marker-layer';
import { TextAttribution } from './map/text-attribution';
import { TrendsPanel } from './panel/trends-panel';
import { UrlState, WORLD, type ViewState } from './state/url-state';
import { StreamClient } from './stream/stream-client';
import { TrendsPoller } from './trends/trends-poller';

/** Trends shown in the panel. */
const TOP_N = 10;

/** The first view: the inhabited world, without the empty polar rows. */
const WORLD_VIEW = L.latLngBounds([-50, -165], [72, 175]);

function createMap(container: HTMLElement): L.Map {
  const map = L.map(container, {
    // Vector layers on canvas: 177 country polygons redraw faster than as SVG nodes.
    preferCanvas: true,
    // Credits go through TextAttribution (plain text) instead of Leaflet's markup-based control.
    attributionControl: false,
    // Fractional zoom so the world fills odd-sized windows instead of leaving wide empty bands.
    zoomSnap: 0.25,
    zoomDelta: 0.5,
    minZoom: 0,
    maxZoom: 10,
    // One copy of the world: borders and dots are drawn once, so panning into a copy would show emptiness.
    maxBounds: L.latLngBounds([-85, -200], [85, 200]),
    maxBoundsViscosity: 0.8,
    worldCopyJump: false,
  });
  map.fitBounds(WORLD_VIEW);
  return map;
}

function start(): void {
  const mapElement = document.getElementById('map');
  const panelElement = document.getElementById('panel');
  if (!mapElement || !panelElement) throw new Error('trendmap: index.html lacks #map or #panel');

  const state = new UrlState();
  const map = createMap(mapElement);
  const attribution = new TextAttribution().setPart('borders', 'Borders: Natural Earth').addTo(map);
  const borders = new BorderLayer().addTo(map);
  const markers = new MarkerLayer().addTo(map);
  const panel = new TrendsPanel().mount(panelElement);
  const stream = new StreamClient();
  const poller = new TrendsPoller();
  let hoveredTag: string | null = null;

  // Dots to highlight: the hovered trend's, else the selected country's.
  const updateHighlight = (view: ViewState): void => {
    const region = view.region === WORLD ? null : view.region;
    markers.setHighlight(hoveredTag !== null ? { tag: hoveredTag } : { region });
  };

  const show = (view: ViewState, changed: ReadonlySet<keyof ViewState>): void => {
    if (changed.has('region')) {
      panel.setRegion(view.region);
      borders.setSelected(view.region);
    }
    if (changed.has('window')) panel.setWindow(view.window);
    if (changed.has('tag')) {
      panel.setTag(view.tag);
      // Dots from the old filter would be misleading under the new one.
      markers.clear();
      stream.open(view.tag);
    }
    if (changed.has('region') || changed.has('window')) {
      poller.setQuery({ region: view.region, window: view.window, limit: TOP_N });
    }
    updateHighlight(view);
  };

  // Components → state.
  borders.on('select', (event) => state.set({ region: (event as RegionSelectEvent).region }));
  panel.on('world', () => state.set({ region: WORLD }));
  panel.on('window', (name) => state.set({ window: name }));
  panel.on('follow', (tag) => state.set({ tag }));
  panel.on('hover', (tag) => {
    hoveredTag = tag;
    updateHighlight(state.get());
  });

  // Data → components.
  stream.on('markers', (batch) => markers.addMarkers(batch));
  stream.on('stats', (stats) => panel.setStats(stats));
  stream.on('status', (status) => panel.setConnection(status));
  // Log the first failure of a run only: during an outage the poller fails every couple of seconds.
  let pollFailing = false;
  poller.on('loading', () => panel.setLoading());
  poller.on('trends', (response) => {
    pollFailing = false;
    panel.setTrends(response);
  });
  poller.on('error', (error) => {
    if (!pollFailing) console.warn('trendmap: trends poll failed; retrying', error);
    pollFailing = true;
    panel.setTrendsError();
  });

  // State → components: once for the initial view, then on every change.
  state.on('change', ({ state: view, changed }) => show(view, changed));
  const initial = state.get();
  show(initial, new Set(['region', 'window', 'tag'] as const));
  poller.start({ region: initial.region, window: initial.window, limit: TOP_N });

  void addTiles(map, borders, attribution);

  // Close the stream when the page is put away so the server frees the connection (and bfcache works).
  window.addEventListener('pagehide', () => stream.close());
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) stream.open(state.get().tag);
  });
}

/** Adds the configured tile layer, if any; the borders alone are the fallback at every step. */
async function addTiles(map: L.Map, borders: BorderLayer, attribution: TextAttribution): Promise<void> {
  const config = await fetchConfig();
  if (config.tileUrl === '') return;
  let tiles: BaseTiles;
  try {
    tiles = new BaseTiles(config.tileUrl);
  } catch (error) {
    console.warn('trendmap: unusable tile URL', error);
    return;
  }
  tiles.on('unavailable', () => {
    console.warn('trendmap: tile server unreachable; showing borders only');
    tiles.remove();
    borders.setTiled(false);
    attribution.setPart('tiles', '');
  });
  // Leaflet puts tiles in tilePane, under the borders' overlayPane, whatever the order of adding.
  tiles.addTo(map);
  borders.setTiled(true);
  attribution.setPart('tiles', config.tileAttribution);
}

start();
