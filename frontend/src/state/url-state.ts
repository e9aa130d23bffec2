/**
 * What the page shows (region, window, followed tag), kept in the query string so a view can be shared:
 * `?region=FR&window=6h&tag=worldcup`. Read once at load; every change is written back with
 * `history.replaceState` (no new history entries: flipping windows should not fill the back button).
 */
import type { WORLD as API_WORLD } from '../../../common/src/api';
import { isCountryCode } from '../../../common/src/countries';
import { DEFAULT_WINDOW, isWindowName, type WindowName } from '../../../common/src/windows';
import { Emitter } from '../util/emitter';

export interface ViewState {
  /** `world` or an ISO 3166-1 alpha-2 code (upper case). */
  region: string;
  window: WindowName;
  /** The followed tag as a grouping key (no `#`, NFKC, lower case), or null for all posts. */
  tag: string | null;
}

export interface ViewStateChange {
  state: ViewState;
  /** Which fields differ from the previous state (never empty). */
  changed: ReadonlySet<keyof ViewState>;
}

interface UrlStateEvents {
  change: ViewStateChange;
}

/**
 * The region value meaning "everywhere". Mirrors `WORLD` in common/src/api.ts, which the frontend imports
 * types from only (its runtime pulls in the schema library); the `typeof` keeps the two from drifting.
 */
export const WORLD: typeof API_WORLD = 'world';

/** Longest tag accepted from a URL; real hashtags are far shorter, this only bounds silly input. */
const MAX_TAG_LENGTH = 140;

/** Query parameter names, in the order they are written. */
const PARAMS = { region: 'region', window: 'window', tag: 'tag' } as const;

/** `world` for anything that is not a known country code; accepts lower case ("fr"). */
export function normaliseRegion(raw: string | null | undefined): string {
  const code = (raw ?? '').trim().toUpperCase();
  return isCountryCode(code) ? code : WORLD;
}

/**
 * A tag as the server groups it: leading `#` removed, NFKC, lower case. Null for empty input, whitespace
 * inside (not a single hashtag) or absurd lengths.
 */
export function normaliseTag(raw: string | null | undefined): string | null {
  const tag = (raw ?? '').trim().replace(/^[#＃]+/, '').normalize('NFKC').toLowerCase();
  if (tag === '' || tag.length > MAX_TAG_LENGTH || /\s/.test(tag)) return null;
  return tag;
}

export function parseViewState(search: string): ViewState {
  const params = new URLSearchParams(search);
  const windowName = params.get(PARAMS.window) ?? '';
  return {
    region: normaliseRegion(params.get(PARAMS.region)),
    window: isWindowName(windowName) ? windowName : DEFAULT_WINDOW,
    tag: normaliseTag(params.get(PARAMS.tag)),
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
  if (state.tag !== null) params.set(PARAMS.tag, state.tag);
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}

export class UrlState extends Emitter<UrlStateEvents> {
  private state: ViewState;

  constructor(
    private readonly location: Location = window.location,
    private readonly history: History = window.history,
  ) {
    super();
    this.state = parseViewState(location.search);
    // Rewrite the URL once so a hand-typed `?region=fr&window=bogus` shows what is really displayed.
    this.writeUrl();
  }

  get(): ViewState {
    return { ...this.state };
  }

  /** Applies a partial update (normalised like URL input) and emits `change` if anything differs. */
  set(patch: Partial<ViewState>): void {
    const next: ViewState = {
      region: patch.region !== undefined ? normaliseRegion(patch.region) : this.state.region,
      window: patch.window !== undefined && isWindowName(patch.window) ? patch.window : this.state.window,
      tag: patch.tag !== undefined ? normaliseTag(patch.tag) : this.state.tag,
    };
    const changed = new Set<keyof ViewState>();
    for (const key of Object.keys(next) as (keyof ViewState)[]) {
      if (next[key] !== this.state[key]) changed.add(key);
    }
    if (changed.size === 0) return;
    this.state = next;
    this.writeUrl();
    this.emit('change', { state: this.get(), changed });
  }

  destroy(): void {
    this.removeAllListeners();
  }

  private writeUrl(): void {
    const search = formatViewSearch(this.state, this.location.search);
    if (search === this.location.search) return;
    const url = `${this.location.pathname}${search}${this.location.hash}`;
    try {
      this.history.replaceState(this.history.state, '', url);
    } catch {
      // Some embedded browsers refuse replaceState (sandboxed frames); the view still works, only unshared.
    }
  }
}
