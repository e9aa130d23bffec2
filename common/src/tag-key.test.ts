import { describe, expect, it } from 'vitest';
import { parseTagParam, tagKey } from './tag-key';

describe('tagKey', () => {
  it('folds width and case: #AI, #ai and ＃ＡＩ are one trend', () => {
    expect(tagKey('AI')).toBe('ai');
    expect(tagKey('ＡＩ')).toBe('ai');
    expect(tagKey('WorldCup')).toBe('worldcup');
    expect(tagKey('İstanbul')).toBe('i̇stanbul');
    expect(tagKey('東京')).toBe('東京');
  });

  it('folds compatibility forms with NFKC', () => {
    expect(tagKey('ｻｯｶｰ')).toBe('サッカー'); // half-width katakana
    expect(tagKey('ﬁnance')).toBe('finance'); // ligature
    expect(tagKey('Fe\u0302te')).toBe('f\u00eate'); // decomposed ê composes
  });

  it('leaves scripts without case alone', () => {
    expect(tagKey('サッカー')).toBe('サッカー');
  });
});

describe('parseTagParam', () => {
  it('accepts the key, #Display, full-width ＃ and any casing', () => {
    for (const raw of ['worldcup', '#WorldCup', '＃ＷｏｒｌｄＣｕｐ', ' WORLDCUP ']) expect(parseTagParam(raw)).toBe('worldcup');
  });

  it('refuses what cannot be a hashtag', () => {
    for (const raw of ['#', '', 'a b', '<script>', 'x'.repeat(141), 'a,b']) expect(parseTagParam(raw)).toBeNull();
  });
});
