/**
 * trendmap: wires the components together. The URL state is the single source of truth for what is shown
 * (region, window, sort, tag, the moment `at`; the map position in the fragment); every component is told about changes
 * here and reports user actions back as events, so no component knows about another.
 *
 * Data flow: one EventSource (StreamClient) carries markers, the panel's trends, the tag's regions, new
 * posts and stats for the current query; it is reopened whenever the query changes (region, window, sort,
 * tag, or the viewport in "Trends in this view"). Recent posts start from one `GET /api/posts` per scope.
 *
 * History: at a moment (`at`) or over a window the stream does not take (7d, 30d), the panel's trends and the
 * tag's regions come from requests instead (MomentLoader), and the stream's are ignored; at a moment the
 * live dots are cleared and kept off. The stream stays open for the stats. `/api/history`, read every
 * `HISTORY_REFRESH_MS`, tells the time control and the tag timeline which hours there are.
 */
import 'leaflet/dist/leaflet.css';
import './style.css';
import type { Bbox, HistoryResponse, TagRegionsResponse, TrendsResponse } from '../../common/browser/api';
import { POSTS_LIMIT, VIEW, WORLD } from '../../common/browser/api-constants';
import { isLiveWindow } from '../../common/browser/windows';
import { fetchConfig, fetchHistory } from './api/api-client';
import type { MomentQuery, ScopeQuery, StreamQuery, TimelineRequest } from './api/query-urls';
import { BaseTiles } from './map/base-tiles';
import { BorderLayer, type RegionSelectEvent } from './map/border-layer';
import { ChoroplethLegend } from './map/choropleth-legend';
import { createMap, moveMapTo } from './map/create-map';
import { DensityControl } from './map/density-control';
import { LIGHT_CHOROPLETH_COLOURS } from './map/choropleth-scale';
import { ThemeSwitch, type Theme } from './theme/theme-switch';
import { DensityLayer } from './map/density-layer';
import { LabelLayer, type LabelAnswerEvent, type LabelFollowEvent } from './map/label-layer';
import { MapFollower } from './map/map-follower';
import { MarkerLayer } from './map/marker-layer';
import { RegionControls } from './map/region-controls';
import { tagShading } from './map/tag-shading';
import { TextAttribution } from './map/text-attribution';
import { ViewTracker, type ViewChangeEvent } from './map/view-tracker';
import { LiveStatus } from './panel/live-status';
import { TrendsPanel, regionHeading } from './panel/trends-panel';
import { PostsLoader } from './posts/posts-loader';
import { RecentPosts } from './posts/recent-posts';
import { SearchBox } from './search/search-box';
import { followChoice } from './search/follow-choice';
import { UrlState, formatViewSearch, type ViewState } from './state/url-state';
import { sameBbox } from './state/view-bbox';
import { StreamClient, type ConnectionStatus } from './stream/stream-client';
import { MomentLoader } from './time/moment-loader';
import { TagTimeline } from './time/tag-timeline';
import { TimeControl } from './time/time-control';
import { hourRange, momentPhrase, timelineSpan } from './time/time-math';
import { spannedWindow } from './panel/window-selector';
import type * as L from 'leaflet';

const ALL_FIELDS: ReadonlySet<keyof ViewState> = new Set(['region', 'window', 'sort', 'tag', 'at']);

/** How often `/api/history` is read again, in ms: the slider's newest hour moves on with the clock. */
const HISTORY_REFRESH_MS = 60_000;

/** The stream's window while the panel shows a longer one (7d, 30d): the stream only carries stats then. */
const STREAM_WINDOW_FOR_HISTORY = '24h';

/** Whether the panel's trends come from requests rather than the stream: a moment, or a window the stream does not take. */
const fromHistory = (view: ViewState): boolean => view.at !== null || !isLiveWindow(view.window);

function element(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`trendmap: index.html lacks #${id}`);
  return node;
}

/** What the recent posts are about, in words: "in France · #worldcup · up to Fri 20 Nov, 18:00". */
function scopeLabel(view: ViewState): string {
  const where = view.region === WORLD ? 'Worldwide' : view.region === VIEW ? 'In this view' : `In ${regionHeading(view.region)}`;
  const what = view.tag === null ? where : `${where} · #${view.tag}`;
  return view.at === null ? what : `${what} · up to ${momentPhrase(view.at)}`;
}

function start(): void {
  const state = new UrlState();
  // The time bar first: the map measures its container when made, and the bar under it takes its height.
  const timeBar = element('time');
  const timeline = new TagTimeline().mount(timeBar);
  const timeControl = new TimeControl().mount(timeBar);
  const map = createMap(element('map'), state.getPosition());
  const attribution = new TextAttribution().setPart('borders', 'Borders: Natural Earth').addTo(map);
  const borders = new BorderLayer().addTo(map);
  const markers = new MarkerLayer().addTo(map);
  const density = new DensityLayer();
  // Light or dark: the page's CSS follows by itself; the canvas borders, the dots, the density cells and the
  // tag shading are told.
  let theme: Theme = 'dark';
  let lastTagRegions: TagRegionsResponse | null = null;
  const themeSwitch = new ThemeSwitch();
  themeSwitch.on('change', (next) => {
    theme = next;
    borders.setTheme(next);
    markers.setTheme(next);
    density.setTheme(next);
    if (lastTagRegions !== null) showTagRegions(lastTagRegions);
  });
  // A label's link is this page in tag mode for its tag (a middle click opens it in a new tab).
  const labels = new LabelLayer(
    (tag) => `${location.pathname}${formatViewSearch({ ...state.get(), tag }, location.search)}${location.hash}`,
    // Rising labels do not cover every tile with posts: the density layer, when shown, has its own answer.
    () => map.hasLayer(density),
  );
  const regionControls = new RegionControls().addTo(map);
  const legend = new ChoroplethLegend();
  const tracker = new ViewTracker(map);
  const panel = new TrendsPanel().mount(element('panel'));
  const posts = new PostsLoader(new RecentPosts(POSTS_LIMIT.default).mount(element('posts')), POSTS_LIMIT.default);
  const live = new LiveStatus().mount(element('live-status'));
  const stream = new StreamClient();
  const follower = new MapFollower(map);
  const moments = new MomentLoader();
  let history: HistoryResponse | null = null;
  /** Whether the panel's trends came from requests at the last `show`. */
  let requested = false;
  /** The viewport as the contract's bbox; what region `view` means. */
  let viewBox: Bbox = tracker.bbox();
  let hoveredTag: string | null = null;
  let connection: ConnectionStatus = stream.status;

  const scope = (view: ViewState): ScopeQuery => ({
    region: view.region,
    bbox: view.region === VIEW ? viewBox : null,
    tag: view.tag,
  });
  const streamQuery = (view: ViewState): StreamQuery => ({
    ...scope(view),
    window: isLiveWindow(view.window) ? view.window : STREAM_WINDOW_FOR_HISTORY,
    sort: view.sort,
  });
  const momentQuery = (view: ViewState): MomentQuery => ({ ...scope(view), window: view.window, sort: view.sort, at: view.at });
  /** The followed tag's timeline over the hourly history in the current region; null outside tag mode. */
  const timelineRequest = (view: ViewState): TimelineRequest | null => {
    const range = history === null ? null : hourRange(history);
    if (view.tag === null || history === null || range === null) return null;
    return { ...scope(view), tag: view.tag, ...timelineSpan(range, history.hourlyFrom) };
  };

  /** Opens the stream for `view`, and asks for the panel's trends when the stream cannot give them. */
  const loadTrends = (view: ViewState): void => {
    const opened = stream.open(streamQuery(view));
    const wasRequested = requested;
    requested = fromHistory(view);
    panel.setStreamed(!requested);
    if (requested) {
      if (moments.load(momentQuery(view))) panel.setPending();
      return;
    }
    moments.stop();
    if (opened) panel.setPending();
    else if (wasRequested) {
      // Back to live on the same stream: open it again, its first events are the trends as they stand.
      panel.setPending();
      stream.reopen();
    }
  };

  // Dots to highlight: the hovered trend's, else the selected country's.
  const updateHighlight = (view: ViewState): void => {
    const country = view.region === WORLD || view.region === VIEW ? null : view.region;
    markers.setHighlight(hoveredTag !== null ? { tag: hoveredTag } : { region: country });
  };

  const showTagRegions = (response: TagRegionsResponse | null): void => {
    lastTagRegions = response;
    const view = state.get();
    const current = response !== null && view.tag !== null && response.tag === view.tag ? response : null;
    if (current !== null) panel.setTagRegions(current);
    // A tag with no posts in the window gets no shading and no legend: a scale of nothing means nothing.
    if (current === null || current.total === 0) {
      borders.setShading(null);
      legend.remove(); // a no-op when it is not on the map
      return;
    }
    const { scale, countries, someFew } = tagShading(current, theme === 'light' ? LIGHT_CHOROPLETH_COLOURS : undefined);
    borders.setShading(countries);
    legend.setContent({ display: current.display, window: spannedWindow(view.window, current.at), scale, noneColour: borders.landColour, someFew });
    if (!legend.shown) legend.addTo(map);
  };

  const show = (view: ViewState, changed: ReadonlySet<keyof ViewState>, fromHistory: boolean): void => {
    if (changed.has('region')) {
      if (view.region === VIEW) {
        viewBox = tracker.bbox();
        // The link to a view must carry the map position, or it would open on another viewport.
        if (!fromHistory) state.setPosition(tracker.position());
      }
      panel.setRegion(view.region);
      borders.setSelected(view.region === VIEW ? null : view.region);
      regionControls.setRegion(view.region);
    }
    if (changed.has('window')) panel.setWindow(view.window);
    if (changed.has('window') || changed.has('tag') || changed.has('sort') || changed.has('at')) {
      labels.setQuery({ window: view.window, sort: view.sort, tag: view.tag, at: view.at });
    }
    if (changed.has('at')) {
      timeControl.setAt(view.at);
      timeline.setAt(view.at);
      live.setPast(view.at);
      // Live dots over a past moment would mislead: cleared, and kept off until Live.
      if (view.at !== null) markers.clear();
    }
    if (changed.has('sort')) panel.setSort(view.sort);
    if (changed.has('tag')) {
      panel.setTag(view.tag);
      // Dots and shading from the old filter would be misleading under the new one.
      markers.clear();
      showTagRegions(null);
    }
    loadTrends(view);
    if (changed.has('region') || changed.has('tag') || changed.has('at')) {
      posts.load(scope(view), scopeLabel(view), view.at);
      timeline.setQuery(timelineRequest(view));
    }
    updateHighlight(view);
    document.title = `${regionHeading(view.region)}${view.tag === null ? '' : ` · #${view.tag}`} · trendmap`;
  };

  themeSwitch.mount(element('theme'));

  // Components → state.
  borders.on('select', (event) => state.set({ region: (event as RegionSelectEvent).region }));
  regionControls.onRegion((region) => state.set({ region }));
  panel.on('region', (region) => state.set({ region }));
  panel.on('window', (name) => state.set({ window: name }));
  panel.on('sort', (sort) => state.set({ sort }));
  panel.on('follow', (tag) => state.set({ tag }));
  timeControl.on('at', (at) => state.set({ at }));
  timeline.on('pick', (at) => timeControl.pick(at));
  // Leaflet measures its container on window resizes only: the chart coming or going changes the map's height.
  timeline.on('toggle', () => map.invalidateSize());
  labels.on('follow', (event) => state.set({ tag: (event as LabelFollowEvent).tag }));
  // The density layer draws the tiles the labels were counted in: one answer serves both (two with rising labels).
  labels.on('answer', (event) => density.setAnswer((event as LabelAnswerEvent).tiles, (event as LabelAnswerEvent).tagMode));
  density.on('add', () => labels.tilesNeeded());
  new DensityControl(density, () => markers.liveCount).addTo(map);
  new SearchBox()
    .mount(element('search'))
    .on('choose', (choice) =>
      followChoice(choice, { setState: (patch) => state.set(patch), moveMap: (lat, lon, zoom) => moveMapTo(map, { lat, lon, zoom }) }),
    );
  panel.on('hover', (tag) => {
    hoveredTag = tag;
    updateHighlight(state.get());
  });
  tracker.on('view', (event) => {
    const { bbox, position } = event as ViewChangeEvent;
    state.setPosition(position);
    const view = state.get();
    if (view.region !== VIEW || sameBbox(bbox, viewBox)) return;
    viewBox = bbox;
    loadTrends(view);
    posts.load(scope(view), scopeLabel(view), view.at);
    timeline.setQuery(timelineRequest(view));
  });

  // Stream → components.
  // At a moment in history the stream carries only the stats: its dots, trends and regions are of now.
  stream.on('markers', (batch) => {
    if (state.get().at === null) markers.addMarkers(batch);
  });
  stream.on('stats', (stats) => live.setStats(stats));
  // The trends (or the tag's regions) changed: so may the labels.
  const showTrends = (response: TrendsResponse): void => {
    panel.setTrends(response);
    // The labels of a moment change only with the query, which asks for them itself.
    if (state.get().at === null) labels.refresh();
  };
  const showRegions = (response: TagRegionsResponse): void => {
    showTagRegions(response);
    follower.tagRegions(response);
    if (state.get().at === null) labels.refresh();
  };
  stream.on('trends', (response) => {
    if (!fromHistory(state.get())) showTrends(response);
  });
  stream.on('tagRegions', (response) => {
    if (!fromHistory(state.get())) showRegions(response);
  });
  moments.on('trends', showTrends);
  moments.on('tagRegions', showRegions);
  stream.on('posts', (batch) => posts.add(batch));
  stream.on('status', (status) => {
    // Back after an outage: posts written meanwhile never came as events; fetch them.
    if (status === 'live' && (connection === 'reconnecting' || connection === 'offline')) posts.refresh();
    connection = status;
    live.setConnection(status);
    panel.setConnection(status);
  });

  // State → components: the map position first (a `view` region depends on it), then the rest.
  state.on('position', (position) => moveMapTo(map, position));
  state.on('change', ({ state: view, changed, fromHistory }) => show(view, changed, fromHistory));
  state.on('change', ({ state: view, changed, fromHistory }) => follower.follow(view, changed, !fromHistory));
  show(state.get(), ALL_FIELDS, false);
  labels.addTo(map);
  // The map follows the region and tag, but a link with a map position shows what was shared.
  if (state.getPosition() === null) follower.follow(state.get(), ALL_FIELDS, false);
  // Publish the position from the start, as OpenStreetMap does: the URL then always says where the map is.
  state.setPosition(tracker.position());

  void addTiles(map, borders, attribution);
  const readHistory = (): void => {
    fetchHistory().then(
      (answer) => {
        history = answer;
        timeControl.setHistory(answer);
        timeline.setQuery(timelineRequest(state.get()));
      },
      (error: unknown) => console.warn('trendmap: history unavailable', error),
    );
  };
  readHistory();
  setInterval(readHistory, HISTORY_REFRESH_MS);

  // Close the stream when the page is put away so the server frees the connection (and bfcache works).
  window.addEventListener('pagehide', () => stream.close());
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) stream.reopen();
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
