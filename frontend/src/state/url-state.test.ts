import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
// Test-only: the rule needs twitter-text, which the page itself does not load.
import { checkHashtag } from '../../../common/node/hashtag';
import { hashtagCandidate } from '../../../test/hashtag-text';
import {
  changedFields,
  formatViewSearch,
  historyMode,
  normaliseRegion,
  normaliseTag,
  parseViewState,
  UrlState,
  type HistoryEvents,
  type ViewState,
} from './url-state';

const DEFAULTS: ViewState = { region: 'world', window: '1h', sort: 'top', tag: null, at: null };
const T18 = Date.UTC(2026, 10, 20, 18);

describe('parseViewState', () => {
  it('defaults to the world, 1h, top and no tag', () => {
    expect(parseViewState('')).toEqual(DEFAULTS);
  });

  it('reads region, window, sort and tag, normalising them', () => {
    expect(parseViewState('?region=fr&window=6h&sort=rising&tag=%23WorldCup')).toEqual({
      region: 'FR',
      window: '6h',
      sort: 'rising',
      tag: 'worldcup',
      at: null,
    });
    expect(parseViewState('?region=VIEW').region).toBe('view');
  });

  it('reads history windows and a moment, ISO 8601 or ms, rounded down to its hour', () => {
    expect(parseViewState('?window=7d&at=2026-11-20T18:00Z')).toEqual({ ...DEFAULTS, window: '7d', at: T18 });
    expect(parseViewState('?window=30d').window).toBe('30d');
    expect(parseViewState(`?at=${T18 + 59 * 60_000}`).at).toBe(T18);
    expect(parseViewState('?at=2026-11-20T19:30%2B01:00').at).toBe(T18);
    expect(parseViewState('?at=yesterday').at).toBeNull();
  });

  it('falls back on unknown values', () => {
    expect(parseViewState('?region=ZZ&window=2h&sort=hot&tag=%20&at=2026-02-30T00:00Z')).toEqual(DEFAULTS);
  });
});

describe('normalisers', () => {
  it('accepts only world, view and known country codes as regions', () => {
    expect(normaliseRegion(' de ')).toBe('DE');
    expect(normaliseRegion('WORLD')).toBe('world');
    expect(normaliseRegion('view')).toBe('view');
    expect(normaliseRegion('<script>')).toBe('world');
  });

  it('turns tags into grouping keys and rejects what the server would refuse', () => {
    expect(normaliseTag('#ＷｏｒｌｄＣｕｐ')).toBe('worldcup');
    expect(normaliseTag('two words')).toBeNull();
    expect(normaliseTag('x'.repeat(141))).toBeNull();
    expect(normaliseTag('<b>x</b>')).toBeNull();
  });
});

describe('formatViewSearch', () => {
  it('leaves out defaults and keeps foreign parameters', () => {
    expect(formatViewSearch(DEFAULTS)).toBe('');
    expect(formatViewSearch({ region: 'FR', window: '6h', sort: 'rising', tag: 'a&b', at: null }, '?debug=1&region=DE&at=1')).toBe(
      '?debug=1&region=FR&window=6h&sort=rising&tag=a%26b',
    );
    expect(formatViewSearch({ ...DEFAULTS, window: '7d', at: T18 })).toBe('?window=7d&at=2026-11-20T18:00Z');
    expect(formatViewSearch({ ...DEFAULTS, region: 'view' })).toBe('?region=view');
  });
});

describe('a followed tag in the URL', () => {
  it('round-trips every tag the normaliser lists, and the spelling shown reads as the same key (fast-check)', () => {
    let listed = 0;
    fc.assert(
      fc.property(hashtagCandidate, fc.constantFrom('', '?debug=1', '?tag=old&region=DE'), (tag, search) => {
        const checked = checkHashtag(tag);
        if (!checked.ok) return;
        listed += 1;
        const state: ViewState = { ...DEFAULTS, tag: checked.key };
        expect(parseViewState(formatViewSearch(state, search))).toEqual(state);
        expect(normaliseTag(tag)).toBe(checked.key);
        expect(normaliseTag(`#${tag}`)).toBe(checked.key);
      }),
      { numRuns: 3_000 },
    );
    expect(listed).toBeGreaterThan(1_000);
  });
});

describe('history policy', () => {
  it('pushes for region and tag, replaces for window and sort', () => {
    expect(historyMode(changedFields(DEFAULTS, { ...DEFAULTS, region: 'JP' }))).toBe('push');
    expect(historyMode(changedFields(DEFAULTS, { ...DEFAULTS, tag: 'x', sort: 'rising' }))).toBe('push');
    expect(historyMode(changedFields(DEFAULTS, { ...DEFAULTS, window: '6h', sort: 'rising' }))).toBe('replace');
    expect(historyMode(changedFields(DEFAULTS, { ...DEFAULTS, at: T18 }))).toBe('replace');
  });
});

/** A location + history pair that behaves like the browser's for same-document navigation. */
function fakeBrowser(url: string) {
  const entries: string[] = [url];
  let index = 0;
  const location = {} as Location;
  const calls: string[] = [];
  const apply = (href: string) => {
    const parsed = new URL(href, 'http://localhost');
    Object.assign(location, { pathname: parsed.pathname, search: parsed.search, hash: parsed.hash });
  };
  apply(url);
  let popstate: (() => void) | null = null;
  const history = {
    state: null,
    pushState(_state: unknown, _title: string, href: string) {
      entries.splice(index + 1, Infinity, href);
      index++;
      calls.push(`push ${href}`);
      apply(href);
    },
    replaceState(_state: unknown, _title: string, href: string) {
      entries[index] = href;
      calls.push(`replace ${href}`);
      apply(href);
    },
  } as unknown as History;
  const events: HistoryEvents = {
    addEventListener: (_type, listener) => (popstate = listener),
    removeEventListener: () => (popstate = null),
  };
  const back = () => {
    index--;
    apply(entries[index]);
    popstate?.();
  };
  return { location, history, events, calls, back };
}

describe('UrlState', () => {
  it('rewrites a sloppy URL once, then reports what changed', () => {
    const browser = fakeBrowser('/?region=fr&window=bogus');
    const state = new UrlState(browser.location, browser.history, browser.events);
    expect(browser.calls).toEqual(['replace /?region=FR']);
    const changes: string[][] = [];
    state.on('change', ({ changed }) => changes.push([...changed]));
    state.set({ window: '24h', region: 'FR' });
    state.set({ window: '24h' }); // no change, no event
    state.set({ sort: 'rising' });
    state.set({ tag: '#News' });
    expect(changes).toEqual([['window'], ['sort'], ['tag']]);
    expect(browser.calls.slice(1)).toEqual([
      'replace /?region=FR&window=24h',
      'replace /?region=FR&window=24h&sort=rising',
      'push /?region=FR&window=24h&sort=rising&tag=news',
    ]);
  });

  it('sets and clears the moment, replacing the entry: playing through hours does not fill the back button', () => {
    const browser = fakeBrowser('/?tag=news&at=2026-11-20T18:00:00.000Z');
    const state = new UrlState(browser.location, browser.history, browser.events);
    expect(state.get().at).toBe(T18);
    expect(browser.calls).toEqual(['replace /?tag=news&at=2026-11-20T18:00Z']);
    const changes: string[][] = [];
    state.on('change', ({ changed, state: view }) => changes.push([...changed, String(view.at)]));
    state.set({ at: T18 + 3_600_000 + 1 });
    state.set({ at: null });
    expect(changes).toEqual([
      ['at', String(T18 + 3_600_000)],
      ['at', 'null'],
    ]);
    expect(browser.calls.slice(1)).toEqual(['replace /?tag=news&at=2026-11-20T19:00Z', 'replace /?tag=news']);
  });

  it('keeps the map position in the fragment, replacing the entry as the map moves', () => {
    const browser = fakeBrowser('/?region=JP#map=5/36.2/138.3');
    const state = new UrlState(browser.location, browser.history, browser.events);
    expect(state.getPosition()).toEqual({ zoom: 5, lat: 36.2, lon: 138.3 });
    state.setPosition({ zoom: 6, lat: 35.6895, lon: 139.6917 });
    expect(browser.calls).toEqual(['replace /?region=JP#map=6/35.69/139.69']);
    state.set({ region: 'view' });
    expect(browser.calls.at(-1)).toBe('push /?region=view#map=6/35.69/139.69');
  });

  it('walks back through region and tag changes, map position first', () => {
    const browser = fakeBrowser('/#map=2/20/0');
    const state = new UrlState(browser.location, browser.history, browser.events);
    state.set({ region: 'FR' });
    state.setPosition({ zoom: 5, lat: 46.6, lon: 2.4 });
    state.set({ tag: 'paris' });
    const seen: string[] = [];
    state.on('position', (position) => seen.push(`position ${position.zoom}`));
    state.on('change', ({ state: view, changed, fromHistory }) =>
      seen.push(`change ${[...changed].join(',')} ${view.region} ${view.tag} ${fromHistory}`),
    );
    browser.back();
    expect(seen).toEqual(['change tag FR null true']);
    browser.back();
    expect(seen.slice(1)).toEqual(['position 2', 'change region world null true']);
    expect(state.get()).toEqual(DEFAULTS);
  });

  it('stops listening when destroyed', () => {
    const browser = fakeBrowser('/');
    const state = new UrlState(browser.location, browser.history, browser.events);
    state.set({ region: 'DE' });
    let events = 0;
    state.on('change', () => events++);
    state.destroy();
    browser.back();
    expect(events).toBe(0);
    // Not only deaf: no longer following the URL at all (the popstate listener is gone).
    expect(state.get().region).toBe('DE');
  });
});
