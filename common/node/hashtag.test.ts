import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import twitter from 'twitter-text';
import { areRuledTags, checkHashtag, isHashtag, ruledTags } from './hashtag';
import { parseTagParam, tagKey } from '../browser/tag-key';
import { hashtagCandidate, hashtagText as text } from '../../test/hashtag-text';

describe('isHashtag (twitter-text)', () => {
  it('takes letters and marks of any script, digits, _ and joiners, with at least one letter', () => {
    for (const tag of [
      'Paris',
      'ＡＩ',
      'Fête',
      'Fe\u0302te',
      '日本語',
      'サッカー',
      'ｻｯｶｰ',
      'عربي',
      'a_b',
      '16a',
      '٣a',
      'İstanbul',
      'ß',
      'a\u200db',
      'a・b',
      'a～b',
      'x\ufe0f',
    ]) {
      expect(isHashtag(tag), tag).toBe(true);
    }
  });

  it("agrees with twitter-text's isValidHashtag('#' + tag) on any string (fast-check)", () => {
    const anyTag = fc.oneof(
      text,
      fc.string({ unit: 'binary', maxLength: 20 }),
      hashtagCandidate,
      text.map((t) => t.replace(/^[#＃ ]+/, '')),
    );
    fc.assert(
      fc.property(anyTag, (tag) => {
        expect(isHashtag(tag)).toBe(twitter.isValidHashtag(`#${tag}`));
      }),
      { numRuns: 20_000 },
    );
  });

  it('refuses what X would not link as that whole tag', () => {
    const refused = [
      'xss<img src=x onerror=alert(1)>',
      'javascript:alert(1)',
      'x</textarea>',
      '{{7*7}}', // the issue's
      '',
      '123',
      '١٢٣',
      '_',
      '😀',
      'a😀',
      'a b',
      'a.b',
      'a-b',
      'a~b',
      '#a',
      '＃a',
      'a#',
      'ab#cd',
      'Ⅻ',
      '℃',
    ];
    for (const tag of refused) expect(isHashtag(tag), tag).toBe(false);
  });
});

describe('checkHashtag', () => {
  it('returns the grouping key of a hashtag', () => {
    expect(checkHashtag('WorldCup')).toEqual({ ok: true, key: 'worldcup' });
    expect(checkHashtag('ＡＩ')).toEqual({ ok: true, key: 'ai' });
    expect(checkHashtag('T\u0308')).toEqual({ ok: true, key: '\u1e97' });
  });

  it('gives the reason for anything else', () => {
    expect(checkHashtag('x</textarea>')).toEqual({ ok: false, reason: 'invalid_hashtag' });
    expect(checkHashtag('a'.repeat(141))).toEqual({ ok: false, reason: 'tag_too_long' });
    expect(checkHashtag('a'.repeat(140))).toEqual({ ok: true, key: 'a'.repeat(140) });
    // Within the limit as written, past it as a key: U+FDFA is one letter that NFKC makes 18.
    expect(checkHashtag('a'.repeat(130) + '\ufdfa')).toEqual({ ok: false, reason: 'tag_too_long' });
    // A hashtag to X, but its key has spaces, which ?tag= refuses: listed, it could not be followed.
    expect(isHashtag('\ufdfa')).toBe(true);
    expect(checkHashtag('\ufdfa')).toEqual({ ok: false, reason: 'invalid_hashtag' });
  });

  it('passes every tag twitter-text finds in any text, unless its key cannot be followed (fast-check)', () => {
    let found = 0;
    fc.assert(
      fc.property(text, (t) => {
        for (const tag of twitter.extractHashtags(t)) {
          found += 1;
          expect(isHashtag(tag)).toBe(true);
          const checked = checkHashtag(tag);
          if (!checked.ok) {
            const key = tagKey(tag);
            expect(checked.reason === 'tag_too_long' ? key.length > 140 || tag.length > 140 : /\s/.test(key)).toBe(true);
          }
        }
      }),
      { numRuns: 5_000 },
    );
    expect(found).toBeGreaterThan(1_000); // a check on the generator: it makes hashtags
  });

  it('round-trips whatever it passes: X finds it again, in any context, and ?tag= reads back its key (fast-check)', () => {
    const candidate = fc.oneof(
      text,
      text.chain((t) => fc.constantFrom(...twitter.extractHashtags(`#${t}`), 'x')),
    );
    let passed = 0;
    fc.assert(
      fc.property(candidate, fc.constantFrom('', 'go ', '(', '「'), fc.constantFrom('', ' now', '!', '」', '.'), (tag, before, after) => {
        const checked = checkHashtag(tag);
        if (!checked.ok) return;
        passed += 1;
        expect(twitter.extractHashtags(`#${tag}`)).toEqual([tag]);
        expect(twitter.extractHashtags(`${before}#${tag}${after}`)).toEqual([tag]);
        expect(checked.key.length).toBeLessThanOrEqual(140);
        expect(tagKey(checked.key)).toBe(checked.key);
        expect(parseTagParam(checked.key)).toBe(checked.key);
        expect(parseTagParam(`#${tag}`)).toBe(checked.key);
        expect(decodeURIComponent(encodeURIComponent(checked.key))).toBe(checked.key);
      }),
      { numRuns: 5_000 },
    );
    expect(passed).toBeGreaterThan(1_000);
  });
});

describe('ruledTags', () => {
  it('freezes a pair of lists and knows that very pair again, not a copy nor another pairing', () => {
    const tags = ['ai', '東京'];
    const display = ['AI', '東京'];
    expect(areRuledTags(tags, display)).toBe(false);
    ruledTags(tags, display);
    expect(Object.isFrozen(tags) && Object.isFrozen(display)).toBe(true);
    expect(() => tags.push('more')).toThrow(TypeError);
    expect(areRuledTags(tags, display)).toBe(true);
    expect(areRuledTags([...tags], display)).toBe(false);
    expect(areRuledTags(tags, [...display])).toBe(false);
    expect(areRuledTags(display, tags)).toBe(false);
    // An array that only inherits the mark (a marked array as its prototype) is not marked.
    expect(areRuledTags(Object.setPrototypeOf(['x<y', 'zz'], tags) as string[], display)).toBe(false);
  });
});
