/**
 * What the page shows, kept in the URL so a view can be shared and walked with back/forward:
 * `?region=FR&window=6h&sort=rising&tag=worldcup&at=2026-11-20T18:00Z#map=5/46.6/2.4` (`at`: a moment in
 * history, absent while live).
 *
 * - Region and tag changes are steps a reader may want to go back to: `history.pushState`.
 * - Window, sort, the moment and the map position are adjustments of the same view: `history.replaceState`,
 *   so flipping windows, playing through history or panning does not fill the back button.
 * - Back/forward (`popstate`) re-reads the URL and reports it like any other change (`position` first, then
 *   `change`), so the app has one code path for "the state changed".
 */
import type { SortName } from '../../../common/browser/api';
import { isCountryCode } from '../../../common/browser/countries';
import { parseTagParam } from '../../../common/browser/tag-key';
import { DEFAULT_WINDOW, HISTORY_WINDOWS, type HistoryWindowName } from '../../../common/browser/windows';
import { floorHour, formatAt, parseAt } from '../time/time-math';
import { DEFAULT_SORT, SORTS, VIEW, WORLD } from '../../../common/browser/api-constants';
import { Emitter } from '../util/emitter';
import { formatMapHash, parseMapHash, type MapPosition } from './map-hash';

export interface ViewState {
  /** `world`, an ISO 3166-1 alpha-2 code (upper case), or `view` (the map's viewport). */
  region: string;
  window: HistoryWindowName;
  sort: SortName;
  /** The tag filter as a grouping key (no `#`, NFKC, lower case), or null for all posts. */
  tag: string | null;
  /** The moment shown (ms, a whole hour: history is kept by the hour), or null for live. */
  at: number | null;
}

export interface ViewStateChange {
  state: ViewState;
  /** Which fields differ from the previous state (never empty). */
  changed: ReadonlySet<keyof ViewState>;
  /** True when the change came from back/forward rather than from the page. */
  fromHistory: boolean;
}

interface UrlStateEvents {
  change: ViewStateChange;
  /** Back/forward landed on an entry with another map position: move the map there. */
  position: MapPosition;
}

/** Where `popstate` is heard; the window in the page, a stub in tests. */
export interface HistoryEvents {
  addEventListener(type: 'popstate', listener: () => void): void;
  removeEventListener(type: 'popstate', listener: () => void): void;
}

/** Query parameter names, in the order they are written. */
const PARAMS = { region: 'region', window: 'window', sort: 'sort', tag: 'tag', at: 'at' } as const;

/** `world` for anything that is not `view` or a known country code; accepts lower case ("fr"). */
export function normaliseRegion(raw: string | null | undefined): string {
  const value = (raw ?? '').trim();
  if (value.toLowerCase() === VIEW) return VIEW;
  const code = value.toUpperCase();
  return isCountryCode(code) ? code : WORLD;
}

/**
 * A tag as the server groups it (the same rule as the server's `?tag=`): leading `#` removed, NFKC, lower
 * case. Null for empty input or characters no hashtag holds, which the server would refuse with a 400.
 */
export function normaliseTag(raw: string | null | undefined): string | null {
  return parseTagParam(raw ?? '');
}

/** One of the contract's sorts, else the default. */
export function normaliseSort(raw: string | null | undefined): SortName {
  return SORTS.find((sort) => sort === raw) ?? DEFAULT_SORT;
}

function isHistoryWindowName(value: string): value is HistoryWindowName {
  return Object.hasOwn(HISTORY_WINDOWS, value);
}

/** One of the live or history windows (`7d`, `30d`), else the default. */
export function normaliseWindow(raw: string | null | undefined): HistoryWindowName {
  const value = raw ?? '';
  return isHistoryWindowName(value) ? value : DEFAULT_WINDOW;
}

/**
 * A moment as `at=` gives it (ISO 8601 or ms since the epoch, see `parseAt`), or as a number, rounded down
 * to its hour; null (live) for anything unreadable.
 */
export function normaliseAt(raw: string | number | null | undefined): number | null {
  const ms = typeof raw === 'number' ? raw : parseAt(raw);
  return ms === null || !Number.isFinite(ms) ? null : floorHour(ms);
}

export function parseViewState(search: string): ViewState {
  const params = new URLSearchParams(search);
  return {
    region: normaliseRegion(params.get(PARAMS.region)),
    window: normaliseWindow(params.get(PARAMS.window)),
    sort: normaliseSort(params.get(PARAMS.sort)),
    tag: normaliseTag(params.get(PARAMS.tag)),
    at: normaliseAt(params.get(PARAMS.at)),
  };
}

/**
 * The query string for `state`, starting from `search` so parameters this app does not own survive.
 * Defaults are left out to keep shared links short.
 */
export function formatViewSearch(state: ViewState, search = ''): string {
  const params = new URLSearchParams(search);
  for (const name of Object.values(PARAMS)) params.delete(name);
  if (state.region !== WORLD) params.set(PARAMS.region, state.region);
  if (state.window !== DEFAULT_WINDOW) params.set(PARAMS.window, state.window);
  if (state.sort !== DEFAULT_SORT) params.set(PARAMS.sort, state.sort);
  if (state.tag !== null) params.set(PARAMS.tag, state.tag);
  if (state.at !== null) params.set(PARAMS.at, formatAt(state.at));
  // Colons need no escaping in a query: `at=2026-11-20T18:00Z` reads as written.
  const query = params.toString().replace(/%3A/gi, ':');
  return query === '' ? '' : `?${query}`;
}

/** Which fields differ between two states. */
export function changedFields(before: ViewState, after: ViewState): Set<keyof ViewState> {
  const changed = new Set<keyof ViewState>();
  for (const key of Object.keys(after) as (keyof ViewState)[]) {
    if (after[key] !== before[key]) changed.add(key);
  }
  return changed;
}

/** A new history entry for a new place (region) or subject (tag); the same entry for anything else. */
export function historyMode(changed: ReadonlySet<keyof ViewState>): 'push' | 'replace' {
  return changed.has('region') || changed.has('tag') ? 'push' : 'replace';
}

export class UrlState extends Emitter<UrlStateEvents> {
  private state: ViewState;
  private position: MapPosition | null;

  constructor(
    private readonly location: Location = window.location,
    private readonly history: History = window.history,
    private readonly events: HistoryEvents = window,
  ) {
    super();
    this.state = parseViewState(location.search);
    this.position = parseMapHash(location.hash);
    // Rewrite the URL once so a hand-typed `?region=fr&window=bogus` shows what is really displayed.
    this.writeUrl('replace');
    events.addEventListener('popstate', this.onPopState);
  }

  get(): ViewState {
    return { ...this.state };
  }

  /** The map position from the URL, or null when it has none (the app then shows the whole world). */
  getPosition(): MapPosition | null {
    return this.position ? { ...this.position } : null;
  }

  /** Applies a partial update (normalised like URL input) and emits `change` if anything differs. */
  set(patch: Partial<ViewState>): void {
    const next: ViewState = {
      region: patch.region !== undefined ? normaliseRegion(patch.region) : this.state.region,
      window: patch.window !== undefined && isHistoryWindowName(patch.window) ? patch.window : this.state.window,
      sort: patch.sort !== undefined ? normaliseSort(patch.sort) : this.state.sort,
      tag: patch.tag !== undefined ? normaliseTag(patch.tag) : this.state.tag,
      at: patch.at !== undefined ? normaliseAt(patch.at) : this.state.at,
    };
    const changed = changedFields(this.state, next);
    if (changed.size === 0) return;
    this.state = next;
    this.writeUrl(historyMode(changed));
    this.emit('change', { state: this.get(), changed, fromHistory: false });
  }

  /** Records the map position in the fragment of the current entry (no event: the map already shows it). */
  setPosition(position: MapPosition): void {
    // Kept as the URL rounds it, so comparing with a position read back from history compares like with like.
    this.position = parseMapHash(formatMapHash(position));
    this.writeUrl('replace');
  }

  destroy(): void {
    this.events.removeEventListener('popstate', this.onPopState);
    this.removeAllListeners();
  }

  private readonly onPopState = (): void => {
    const next = parseViewState(this.location.search);
    const position = parseMapHash(this.location.hash);
    const changed = changedFields(this.state, next);
    this.state = next;
    // The position first: for region `view` the viewport decides the bbox, so it must be in place.
    if (position && !samePosition(position, this.position)) {
      this.position = position;
      this.emit('position', { ...position });
    }
    if (changed.size > 0) this.emit('change', { state: this.get(), changed, fromHistory: true });
  };

  private writeUrl(mode: 'push' | 'replace'): void {
    const search = formatViewSearch(this.state, this.location.search);
    const hash = this.position ? formatMapHash(this.position, this.location.hash) : this.location.hash;
    if (mode === 'replace' && search === this.location.search && hash === this.location.hash) return;
    const url = `${this.location.pathname}${search}${hash}`;
    try {
      if (mode === 'push') this.history.pushState(null, '', url);
      else this.history.replaceState(this.history.state, '', url);
    } catch {
      // Sandboxed frames may refuse history calls, and browsers throttle floods of them: the view still
      // works, only the URL lags.
    }
  }
}

function samePosition(a: MapPosition, b: MapPosition | null): boolean {
  return b !== null && a.zoom === b.zoom && a.lat === b.lat && a.lon === b.lon;
}
