import { describe, expect, it } from 'vitest';
import { TrendEngine } from '../trend-engine';
import { event } from '../../test/helpers';
import { answerTagSearch, tagPrefixOf } from './tag-search';
import { TagDictionary } from './tag-dictionary';

describe('tag search', () => {
  const ts = Date.UTC(2026, 0, 1, 12, 0);
  const engine = new TrendEngine();
  const add = (tags: string[], display = tags, cc: string | null = 'FR', at = ts) => engine.ingestEvent(event({ cc, tags, display, ts: at }), ts);
  for (let i = 0; i < 3; i += 1) add(['worldcup'], ['WorldCup']);
  add(['worldcup']);
  for (let i = 0; i < 2; i += 1) add(['world'], ['World'], null); // at sea: counted in the world
  add(['wordle']);
  add(['word'], ['word'], 'JP', ts - 20 * 3_600_000); // 20 h ago: in the day's window
  add(['paris'], ['Paris']);
  add(['東京']);
  const search = (prefix: string, limit = 10) => engine.tagSearch({ prefix: tagPrefixOf(prefix), limit });
  const tags = (prefix: string, limit = 10) => search(prefix, limit).tags.map(({ tag, count }) => `${tag}:${count}`);

  it('answers the tags whose key starts with the prefix, by posts worldwide over 24 h, then key', () => {
    expect(search('wor')).toEqual({
      prefix: 'wor',
      window: '24h',
      tags: [
        { tag: 'worldcup', display: 'WorldCup', count: 4 },
        { tag: 'world', display: 'World', count: 2 },
        { tag: 'word', display: 'word', count: 1 },
        { tag: 'wordle', display: 'wordle', count: 1 },
      ],
    });
    expect(tags('東')).toEqual(['東京:1']);
  });

  it('reads the prefix as tags are keyed: case, width and a leading # aside', () => {
    for (const typed of ['WOR', '#Wor', '＃ｗｏｒ', '  wor ']) expect(search(typed).prefix).toBe('wor');
    expect(tags('＃ＷＯＲＬＤＣ')).toEqual(['worldcup:4']);
  });

  it('keeps to the limit, and an empty prefix answers the busiest tags', () => {
    expect(tags('wor', 2)).toEqual(['worldcup:4', 'world:2']);
    expect(tags('', 3)).toEqual(['worldcup:4', 'world:2', 'paris:1']);
    expect(tags('#', 1)).toEqual(['worldcup:4']);
  });

  it('answers nothing for a prefix no tag has', () => {
    expect(search('zz')).toEqual({ prefix: 'zz', window: '24h', tags: [] });
    expect(tags('wor ld')).toEqual([]);
  });

  it('leaves out freed ids and tags with no posts in the window', () => {
    const dictionary = new TagDictionary();
    const gone = dictionary.intern('worn', 'Worn');
    const kept = dictionary.intern('worm', 'Worm');
    dictionary.intern('word', 'Word'); // interned, never counted
    dictionary.retain((id) => id !== gone);
    const store = { tally: () => new Map([[kept, 5]]) };
    expect(answerTagSearch({ prefix: '', limit: 10 }, { store, dictionary }).tags).toEqual([{ tag: 'worm', display: 'Worm', count: 5 }]);
  });
});
