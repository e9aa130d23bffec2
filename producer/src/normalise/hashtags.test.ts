import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import twitter from 'twitter-text';
import { tagKey } from '../../../common/browser/tag-key';
import { hashtags, hashtagsInText } from './hashtags';
import { areRuledTags, checkHashtag } from '../../../common/node/hashtag';
import { hashtagText } from '../../../test/hashtag-text';

describe('hashtagsInText (twitter-text)', () => {
  it('finds plain hashtags, without the #', () => {
    expect(hashtagsInText('Tonight #Paris and #TourEiffel')).toEqual(['Paris', 'TourEiffel']);
  });

  it('does not take a number for a hashtag', () => {
    expect(hashtagsInText('Score #16 today')).toEqual([]);
    expect(hashtagsInText('#16a #a16')).toEqual(['16a', 'a16']);
  });

  it('does not take a URL fragment for a hashtag', () => {
    expect(hashtagsInText('see http://x.com/#frag now')).toEqual([]);
    expect(hashtagsInText('see x.com/#frag now')).toEqual([]);
  });

  it('starts a hashtag at a full-width ＃', () => {
    expect(hashtagsInText('＃ＡＩ everywhere')).toEqual(['ＡＩ']);
    expect(hashtagsInText('＃Fête ce soir')).toEqual(['Fête']);
  });

  it('ends a hashtag at punctuation', () => {
    expect(hashtagsInText('#foo, #bar. #baz! #qux? #a-b #c:d')).toEqual(['foo', 'bar', 'baz', 'qux', 'a', 'c']);
  });

  it('keeps underscores and letters of any script', () => {
    expect(hashtagsInText('#a_b #日本語 #café #サッカー')).toEqual(['a_b', '日本語', 'café', 'サッカー']);
  });

  it('needs a boundary before the #', () => {
    expect(hashtagsInText('a#b')).toEqual([]);
    // A # straight after a hashtag spoils it: twitter-text drops both.
    expect(hashtagsInText('#ab#cd')).toEqual([]);
  });

  it('finds nothing in an empty or tagless text', () => {
    expect(hashtagsInText('')).toEqual([]);
    expect(hashtagsInText('@friend see you at noon')).toEqual([]);
  });

  it('stays fast on a long run without spaces, where twitter-text is quadratic', () => {
    // What bounds the cost, checked instead of timed: twitter-text never sees a run over 280 characters
    // (50,000 × "a." handed over whole takes it seconds) nor a text over 25,000.
    const extract = vi.spyOn(twitter, 'extractHashtags');
    try {
      expect(hashtagsInText('a.'.repeat(50_000) + ' #b')).toEqual(['b']);
      expect(hashtagsInText('#start ' + 'x.'.repeat(100_000))).toEqual(['start']);
      const handed = extract.mock.calls.map(([text]) => text);
      expect(handed).toHaveLength(2);
      for (const text of handed) {
        expect(text.length).toBeLessThanOrEqual(25_000);
        expect(Math.max(...text.split(/\s/).map((run) => run.length))).toBeLessThanOrEqual(280);
      }
    } finally {
      extract.mockRestore();
    }
  });
});

describe('hashtags', () => {
  it('counts a key once, keeping the first spelling', () => {
    expect(hashtags(['AI', 'ai', 'ＡＩ'], undefined)).toEqual({ tags: ['ai'], display: ['AI'], dropped: null });
    expect(hashtags(['ＡＩ', 'AI'], undefined)).toEqual({ tags: ['ai'], display: ['ＡＩ'], dropped: null });
  });

  it('hands its lists frozen and ruled, each spelling passing the rule with its key, the keys distinct', () => {
    fc.assert(
      fc.property(hashtagText, (t) => {
        const { tags, display } = hashtags(undefined, t);
        expect(areRuledTags(tags, display)).toBe(true);
        expect(Object.isFrozen(tags) && Object.isFrozen(display)).toBe(true);
        expect(new Set(tags).size).toBe(tags.length);
        expect(display.map((spelling) => checkHashtag(spelling))).toEqual(tags.map((key) => ({ ok: true, key })));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps order of first appearance, with parallel display', () => {
    expect(hashtags(['Paris', 'WorldCup', 'paris', 'FRA', 'worldcup'], undefined)).toEqual({
      tags: ['paris', 'worldcup', 'fra'],
      display: ['Paris', 'WorldCup', 'FRA'],
      dropped: null,
    });
  });

  it('treats entities as authoritative: an empty list means no hashtag, whatever the text says', () => {
    expect(hashtags([], '#ghost in the text')).toEqual({ tags: [], display: [], dropped: null });
  });

  it('finds hashtags in the text when there are no entities', () => {
    expect(hashtags(undefined, '#AI #ai ＃ＡＩ #16 see http://x.com/#frag #end.')).toEqual({
      tags: ['ai', 'end'],
      display: ['AI', 'end'],
      dropped: null,
    });
    expect(hashtags(undefined, undefined)).toEqual({ tags: [], display: [], dropped: null });
  });

  it('drops tags longer than 140 UTF-16 units, keeps 140', () => {
    const ok = 'a'.repeat(140);
    expect(hashtags(['a'.repeat(141), ok], undefined)).toEqual({ tags: [ok], display: [ok], dropped: { tag_too_long: 1 } });
    // A letter outside the BMP is two UTF-16 units, and units are what common/browser/tag-key.ts counts.
    const astral = '𝐀'.repeat(70); // U+1D400, whose key is 'a'
    expect(hashtags(['𝐀'.repeat(71), astral], undefined)).toEqual({ tags: ['a'.repeat(70)], display: [astral], dropped: { tag_too_long: 1 } });
  });

  it('drops a tag whose key grows past the limit under NFKC', () => {
    // U+FDFA is one code point that NFKC expands to 18.
    const tag = 'a'.repeat(130) + '\ufdfa';
    expect(tagKey(tag).length).toBe(148);
    expect(hashtags([tag, 'ok'], undefined)).toEqual({ tags: ['ok'], display: ['ok'], dropped: { tag_too_long: 1 } });
  });

  it('keeps at most 64 distinct tags, and counts the rest unexamined', () => {
    const many = [...Array.from({ length: 100 }, (_, i) => `t${i}`), 'junk<b>'];
    const result = hashtags(many, undefined);
    expect(result.tags).toHaveLength(64);
    expect(result.tags[63]).toBe('t63');
    expect(result.display).toEqual(many.slice(0, 64));
    expect(result.dropped).toEqual({ too_many_tags: 37 });
  });

  it('counts repeats toward nothing when capping', () => {
    const repeated = [...Array.from({ length: 70 }, () => 'same'), 'other'];
    expect(hashtags(repeated, undefined)).toEqual({ tags: ['same', 'other'], display: ['same', 'other'], dropped: null });
  });

  it('drops entity values that are not non-empty strings, and counts them', () => {
    expect(hashtags([null, 42, '', { text: 'x' }, 'real'], undefined)).toEqual({
      tags: ['real'],
      display: ['real'],
      dropped: { invalid_hashtag: 4 },
    });
  });

  it('checks entity tags as X reads hashtags: junk is dropped and counted, the rest kept', () => {
    const junk = ['xss<img src=x onerror=alert(1)>', 'javascript:alert(1)', 'x</textarea>', '{{7*7}}', '123', '#Paris', '＃Paris', 'a b', '😀'];
    expect(hashtags([...junk, 'Paris'], 'the text does not matter')).toEqual({
      tags: ['paris'],
      display: ['Paris'],
      dropped: { invalid_hashtag: junk.length },
    });
    expect(hashtags(junk, undefined)).toEqual({ tags: [], display: [], dropped: { invalid_hashtag: junk.length } });
  });

  it('drops a hashtag whose key ?tag= could not follow, wherever it came from', () => {
    // U+FDFA is one letter to X, and words with spaces under NFKC.
    expect(hashtags(['\ufdfa', 'ok'], undefined)).toEqual({ tags: ['ok'], display: ['ok'], dropped: { invalid_hashtag: 1 } });
    expect(hashtags(undefined, '#\ufdfa #ok')).toEqual({ tags: ['ok'], display: ['ok'], dropped: { invalid_hashtag: 1 } });
  });

  it('checks entity tags by the same rule as tags found in the text (fast-check)', () => {
    fc.assert(
      fc.property(hashtagText, (t) => {
        expect(hashtags(hashtagsInText(t), undefined)).toEqual(hashtags(undefined, t));
      }),
      { numRuns: 3000 },
    );
  });
});
