/**
 * Trends written on the map: each map tile's top hashtag over the window, at the weighted centre of the
 * tile's posts (`GET /api/labels`, counted by the server's tile counts), sized by volume, the largest first,
 * and a label that would overlap a larger one left out (label-placement.ts). With the panel on Rising, each
 * tile's rising hashtag instead (scored as the panel scores them, none where nothing rises), sized and
 * ordered by its score and marked with an arrow. In tag mode each label is the tag's count in that tile:
 * where in the world it is trending.
 *
 * Labels are links (`<a href="?tag=…">`): text that can be read, selected and copied, reached with Tab in
 * order of volume, named to screen readers with their count; a click enters tag mode without a reload, a
 * middle click opens it in a new tab. The pane is hidden while Leaflet animates a zoom and the labels are
 * placed again after it, since their sizes in pixels do not scale with the map.
 *
 * At a moment in history (`at`) the labels are those of that moment, asked for again only when the view or
 * the query changes; an answer ending after the moment (a server that ignores `at`) shows no labels. The
 * history windows (`7d`, `30d`) are asked for like the live ones.
 *
 * Live without flicker: the labels are asked for again when the view settles, when the window or the tag
 * changes, and when the stream says the trends changed (`refresh`, at most every `refreshMs`). An answer
 * updates the labels in place: a label of the same tag near where one was (its tile's centre drifts as posts
 * arrive) keeps its element, and only labels new to the view fade in.
 *
 * Events: `follow` ({ tag }) when a label is clicked; `answer` ({ response, tiles, tagMode }) with each
 * answer shown (response null when the labels were cleared). `tiles` is for the density layer: an answer
 * whose tiles hold every post of the window (the labels' own, or with Rising labels a second answer sorted
 * by top, asked for only while `tilesWanted()` says so), or null.
 */
import * as L from 'leaflet';
import type { Label, LabelsResponse, SortName } from '../../../common/browser/api';
import { LABELS_LIMIT } from '../../../common/browser/api-constants';
import type { HistoryWindowName } from '../../../common/browser/windows';
import { fetchLabels } from '../api/api-client';
import { describeRise } from '../panel/trend-format';
import { formatCount, formatInteger } from '../util/dom';
import { viewBbox } from '../state/view-bbox';
import { labelSize, nearestCopy, placeLabels } from './label-placement';

const DEFAULTS = {
  /** Labels asked for per view; most are dropped for overlap at world zoom, so this bounds the work, not the map. */
  limit: LABELS_LIMIT.default,
  /** Live refreshes at most this often: labels that change every second could not be read. */
  refreshMs: 5_000,
  /** Quiet time after the map stops moving before the view's labels are asked for. */
  debounceMs: 250,
  /** A label of the same tag within this many pixels of an old one is the same label, moved. */
  matchPx: 48,
  /** Own pane above the dots (450) and below popups (700) and the controls. */
  paneName: 'trendLabels',
  paneZIndex: 620,
};

export type LabelLayerOptions = typeof DEFAULTS;

/** What the labels are about: the panel's window and sort, the tag filter and the moment (ms, null for now). */
export interface LabelQuery {
  window: HistoryWindowName;
  sort: SortName;
  tag: string | null;
  at: number | null;
}

/** The event fired by `answer`. */
export interface LabelAnswerEvent extends L.LeafletEvent {
  response: LabelsResponse | null;
  /** An answer counting every post of the window per tile (null: none asked for). */
  tiles: LabelsResponse | null;
  tagMode: boolean;
}

/** The event fired by `follow`. */
export interface LabelFollowEvent extends L.LeafletEvent {
  tag: string;
}

/** One label on the map: its element and where it is. */
interface Shown {
  element: HTMLAnchorElement;
  label: Label;
}

export class LabelLayer extends L.Layer {
  private readonly opts: LabelLayerOptions;
  private leafletMap: L.Map | null = null;
  private pane: HTMLElement | null = null;
  private query: LabelQuery = { window: '1h', sort: 'top', tag: null, at: null };
  private shown: Shown[] = [];
  private inFlight: AbortController | null = null;
  private lastAsked = Number.NEGATIVE_INFINITY;
  private moveTimer: ReturnType<typeof setTimeout> | undefined;
  private liveTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `hrefOf(tag)`: the page's URL in tag mode for that tag, for the labels' links. `tilesWanted()`: whether
   * an answer of every tile's posts is wanted (the density layer is shown) when the labels are rising ones.
   */
  constructor(
    private readonly hrefOf: (tag: string) => string,
    private readonly tilesWanted: () => boolean = () => false,
    options: Partial<LabelLayerOptions> = {},
  ) {
    super();
    this.opts = { ...DEFAULTS, ...options };
  }

  override onAdd(map: L.Map): this {
    this.leafletMap = map;
    const pane = map.getPane(this.opts.paneName) ?? map.createPane(this.opts.paneName);
    pane.style.zIndex = String(this.opts.paneZIndex);
    // leaflet-zoom-hide: hidden while a zoom animates; the labels are placed again when it ends.
    pane.classList.add('trend-labels', 'leaflet-zoom-hide');
    pane.setAttribute('role', 'group');
    pane.setAttribute('aria-label', 'Trends on the map');
    this.pane = pane;
    map.on('moveend', this.onMoveEnd);
    map.on('zoomend viewreset', this.onZoomEnd);
    this.load();
    return this;
  }

  override onRemove(map: L.Map): this {
    map.off('moveend', this.onMoveEnd);
    map.off('zoomend viewreset', this.onZoomEnd);
    this.stop();
    for (const { element } of this.shown) element.remove();
    this.shown = [];
    this.leafletMap = null;
    this.pane = null;
    return this;
  }

  /**
   * Follows the panel's window and sort and the tag filter; a new tag or sort clears the old labels at once
   * (they would mislead: a top tag is not a rising one).
   */
  setQuery(query: LabelQuery): void {
    if (query.window === this.query.window && query.sort === this.query.sort && query.tag === this.query.tag && query.at === this.query.at) return;
    const meaningChanged = query.tag !== this.query.tag || query.sort !== this.query.sort;
    this.query = query;
    if (meaningChanged) this.render(null, null);
    this.load();
  }

  /** The density layer was turned on: with rising labels its tiles are asked for now, not at the next refresh. */
  tilesNeeded(): void {
    if (this.rising()) this.load();
  }

  /** The data changed (the stream said so): ask again, at most every `refreshMs`. */
  refresh(): void {
    if (this.leafletMap === null || this.liveTimer !== undefined) return;
    const wait = this.lastAsked + this.opts.refreshMs - performance.now();
    if (wait <= 0) this.load();
    else
      this.liveTimer = setTimeout(() => {
        this.liveTimer = undefined;
        this.load();
      }, wait);
  }

  /** The labels written now (not those left out for overlap), largest first. */
  visibleLabels(): Label[] {
    return this.shown.filter(({ element }) => !element.hidden).map(({ label }) => label);
  }

  private readonly onMoveEnd = (): void => {
    // Labels that the move cut at the edge or brought whole into view, at once; then the view's own labels.
    this.place();
    clearTimeout(this.moveTimer);
    this.moveTimer = setTimeout(() => this.load(), this.opts.debounceMs);
  };

  private readonly onZoomEnd = (): void => this.place();

  private stop(): void {
    clearTimeout(this.moveTimer);
    clearTimeout(this.liveTimer);
    this.liveTimer = undefined;
    this.inFlight?.abort();
    this.inFlight = null;
  }

  /** Asks for the view's labels; an answer to an older question is dropped (aborted). */
  private load(): void {
    const map = this.leafletMap;
    if (map === null) return;
    this.stop();
    const controller = new AbortController();
    this.inFlight = controller;
    this.lastAsked = performance.now();
    const bounds = map.getBounds();
    const request = {
      bbox: viewBbox(bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()),
      zoom: map.getZoom(),
      window: this.query.window,
      sort: this.query.sort,
      tag: this.query.tag,
      limit: this.opts.limit,
      at: this.query.at,
    };
    const rising = this.rising();
    // The density layer's tiles, when asked for, never hold the labels back: an answer that failed is none.
    const tiles =
      rising && this.tilesWanted()
        ? fetchLabels({ ...request, sort: 'top' }, controller.signal).catch((error: unknown) => {
            if (!controller.signal.aborted) console.warn('trendmap: density tiles unavailable', error);
            return null;
          })
        : null;
    Promise.all([fetchLabels(request, controller.signal), tiles]).then(
      ([response, tilesResponse]) => {
        if (this.inFlight !== controller) return;
        this.inFlight = null;
        // A server that does not know `at` answers with now: labels of another moment would mislead, so none.
        const answer = request.at !== null && response.asOf !== null && response.asOf > request.at ? null : response;
        this.render(answer, answer === null ? null : rising ? tilesResponse : answer);
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        this.inFlight = null;
        // Keep what is shown: the next refresh or move asks again.
        console.warn('trendmap: labels unavailable', error);
      },
    );
  }

  /** Whether the labels are each tile's rising tag (the panel on Rising, outside tag mode). */
  private rising(): boolean {
    return this.query.sort === 'rising' && this.query.tag === null;
  }

  /** Shows `response`'s labels (none for null), reusing the elements of labels already shown; `tiles` goes with the `answer` event. */
  private render(response: LabelsResponse | null, tiles: LabelsResponse | null): void {
    const pane = this.pane;
    const map = this.leafletMap;
    if (pane === null || map === null) return;
    const labels = response?.labels ?? [];
    const largest = labels.reduce((most, label) => Math.max(most, sizeOf(label)), 0);
    const old = this.shown;
    const taken = new Set<Shown>();
    const next: Shown[] = labels.map((label) => {
      const point = layerPointOf(map, label);
      const reused = this.nearestUnused(old, taken, label.tag, point, map);
      if (reused !== null) taken.add(reused);
      const element = reused?.element ?? this.createElement();
      this.fill(element, label, largest);
      return { element, label };
    });
    for (const shown of old) if (!taken.has(shown)) shown.element.remove();
    // Document order is reading and Tab order: the largest first. Appending moves an element only where the order changed.
    let previous: Element | null = null;
    for (const { element } of next) {
      const expected: Element | null = previous === null ? pane.firstElementChild : previous.nextElementSibling;
      if (expected !== element) pane.insertBefore(element, expected);
      previous = element;
    }
    this.shown = next;
    this.place();
    this.fire('answer', { response, tiles, tagMode: this.query.tag !== null });
  }

  /** The shown label of `tag` nearest to `point` within `matchPx`, not yet reused. */
  private nearestUnused(old: readonly Shown[], taken: ReadonlySet<Shown>, tag: string, point: L.Point, map: L.Map): Shown | null {
    let best: Shown | null = null;
    let bestDistance = this.opts.matchPx;
    for (const shown of old) {
      if (shown.label.tag !== tag || taken.has(shown)) continue;
      const distance = layerPointOf(map, shown.label).distanceTo(point);
      if (distance <= bestDistance) {
        best = shown;
        bestDistance = distance;
      }
    }
    return best;
  }

  private createElement(): HTMLAnchorElement {
    const element = document.createElement('a');
    element.className = 'trend-label';
    element.draggable = false;
    element.append(document.createElement('span'), document.createElement('span'));
    (element.firstChild as HTMLElement).className = 'trend-label-tag';
    (element.firstChild as HTMLElement).dir = 'auto'; // hashtags in Arabic or Hebrew read right to left
    (element.lastChild as HTMLElement).className = 'trend-label-count';
    // Clicks stay with the label (not the country under it); a plain click follows the tag in place.
    L.DomEvent.disableClickPropagation(element);
    element.addEventListener('click', (event) => {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      const tag = element.dataset.tag;
      if (tag !== undefined) this.fire('follow', { tag });
    });
    // The link is the page's URL as it is when the label is reached, not when it was written: the map may have
    // moved since (`#map=` with it), and a link opened in a new tab or copied must open where the reader is.
    const refresh = () => {
      const tag = element.dataset.tag;
      if (tag !== undefined) element.href = this.hrefOf(tag);
    };
    for (const type of ['pointerenter', 'focus', 'contextmenu', 'touchstart', 'dragstart']) element.addEventListener(type, refresh);
    return element;
  }

  /** Writes `label` into `element`: text, size, link and spoken name. */
  private fill(element: HTMLAnchorElement, label: Label, largest: number): void {
    const [tagSpan, countSpan] = [element.firstChild as HTMLElement, element.lastChild as HTMLElement];
    const tagMode = this.query.tag !== null;
    const rising = label.score !== undefined;
    const name = `#${label.display}`;
    if (tagSpan.textContent !== name) tagSpan.textContent = name;
    // In tag mode every label is the same tag: the count is what tells them apart. A rising label carries an
    // arrow (its title says it in words).
    const count = tagMode ? formatCount(label.count) : rising ? '↑' : '';
    if (countSpan.textContent !== count) countSpan.textContent = count;
    countSpan.hidden = count === '';
    if (rising && !tagMode) countSpan.setAttribute('aria-hidden', 'true');
    else countSpan.removeAttribute('aria-hidden');
    element.classList.toggle('trend-label-rising', rising);
    element.dataset.tag = label.tag;
    element.href = this.hrefOf(label.tag);
    element.style.fontSize = `${labelSize(sizeOf(label), largest)}px`;
    const posts = `${formatInteger(label.count)} of ${formatInteger(label.posts)} posts here`;
    const rise = label.recent !== undefined && label.expected !== undefined ? `, rising ${describeRise(label.recent, label.expected)}` : '';
    element.title = `${name}: ${posts}${rise}`;
  }

  /**
   * Puts every label at its place for the current zoom and hides those that would overlap a larger one or
   * stick out of the map (a label cut by the edge cannot be read; panning brings it back whole).
   */
  private place(): void {
    const map = this.leafletMap;
    if (map === null) return;
    const topLeft = map.containerPointToLayerPoint([0, 0]);
    const size = map.getSize();
    const points = this.shown.map(({ label, element }) => {
      const point = layerPointOf(map, label);
      element.style.left = `${point.x}px`;
      element.style.top = `${point.y}px`;
      element.hidden = false;
      return point;
    });
    // One layout for all the sizes (every write above, then every read).
    const boxes = this.shown.map(({ element }, i) => ({ x: points[i].x, y: points[i].y, width: element.offsetWidth, height: element.offsetHeight }));
    const inside = (box: (typeof boxes)[number]) =>
      box.x - box.width / 2 >= topLeft.x &&
      box.x + box.width / 2 <= topLeft.x + size.x &&
      box.y - box.height / 2 >= topLeft.y &&
      box.y + box.height / 2 <= topLeft.y + size.y;
    const candidates = boxes.flatMap((box, i) => (inside(box) ? [i] : []));
    for (const { element } of this.shown) element.hidden = true;
    placeLabels(candidates.map((i) => boxes[i])).forEach((kept, k) => {
      this.shown[candidates[k]].element.hidden = !kept;
    });
  }
}

/** What a label's size follows: its count, or a rising label's score (the order the labels come in). */
function sizeOf(label: Label): number {
  return label.score ?? label.count;
}

/**
 * Where a label goes on the map: at its longitude moved to the copy of the world nearest the map's centre.
 * The answer's longitudes run from -180 to 180, but the map may look across the antimeridian (Fiji, Russia:
 * the view then runs past 180), where a label of 179.9° east and one of 179.9° west sit side by side.
 */
function layerPointOf(map: L.Map, label: Pick<Label, 'lat' | 'lon'>): L.Point {
  return map.latLngToLayerPoint([label.lat, nearestCopy(label.lon, map.getCenter().lng)]);
}
