import { describe, expect, it } from 'vitest';
import { formatViewSearch, normaliseRegion, normaliseTag, parseViewState, UrlState } from './url-state';

describe('parseViewState', () => {
  it('defaults to the world, 1h and no tag', () => {
    expect(parseViewState('')).toEqual({ region: 'world', window: '1h', tag: null });
  });

  it('reads region, window and tag, normalising them', () => {
    expect(parseViewState('?region=fr&window=6h&tag=%23WorldCup')).toEqual({
      region: 'FR',
      window: '6h',
      tag: 'worldcup',
    });
  });

  it('falls back on unknown values', () => {
    expect(parseViewState('?region=ZZ&window=2h&tag=%20')).toEqual({ region: 'world', window: '1h', tag: null });
  });
});

describe('normalisers', () => {
  it('accepts only known country codes as regions', () => {
    expect(normaliseRegion(' de ')).toBe('DE');
    expect(normaliseRegion('WORLD')).toBe('world');
    expect(normaliseRegion('<script>')).toBe('world');
  });

  it('turns tags into grouping keys and rejects non-tags', () => {
    expect(normaliseTag('##ＷｏｒｌｄＣｕｐ')).toBe('worldcup');
    expect(normaliseTag('two words')).toBeNull();
    expect(normaliseTag('x'.repeat(141))).toBeNull();
    expect(normaliseTag('<b>x</b>')).toBe('<b>x</b>'); // kept as data: it is only ever shown as text
  });
});

describe('formatViewSearch', () => {
  it('leaves out defaults and keeps foreign parameters', () => {
    expect(formatViewSearch({ region: 'world', window: '1h', tag: null })).toBe('');
    expect(formatViewSearch({ region: 'FR', window: '6h', tag: 'a&b' }, '?debug=1&region=DE')).toBe(
      '?debug=1&region=FR&window=6h&tag=a%26b',
    );
  });
});

describe('UrlState', () => {
  function fakeWindow(search: string) {
    const location = { pathname: '/', search, hash: '' } as Location;
    const urls: string[] = [];
    const history = {
      state: null,
      replaceState(_state: unknown, _title: string, url: string) {
        urls.push(url);
        location.search = url.slice(1).includes('?') ? url.slice(url.indexOf('?')) : '';
      },
    } as unknown as History;
    return { location, history, urls };
  }

  it('rewrites a sloppy URL once, then on every change, and reports what changed', () => {
    const { location, history, urls } = fakeWindow('?region=fr&window=bogus');
    const state = new UrlState(location, history);
    expect(urls).toEqual(['/?region=FR']);
    const changes: string[][] = [];
    state.on('change', ({ changed }) => changes.push([...changed]));
    state.set({ window: '24h', region: 'FR' });
    state.set({ window: '24h' }); // no change, no event
    state.set({ tag: '#News' });
    expect(changes).toEqual([['window'], ['tag']]);
    expect(urls.at(-1)).toBe('/?region=FR&window=24h&tag=news');
    expect(state.get()).toEqual({ region: 'FR', window: '24h', tag: 'news' });
  });
});
