import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isFollowableKey, parseTagParam, tagKey } from './tag-key';

describe('tagKey', () => {
  it('folds width and case: #AI, #ai and ＃ＡＩ are one trend', () => {
    expect(tagKey('AI')).toBe('ai');
    expect(tagKey('ＡＩ')).toBe('ai');
    expect(tagKey('WorldCup')).toBe('worldcup');
    expect(tagKey('İstanbul')).toBe('i̇stanbul');
    expect(tagKey('ªµ½')).toBe('aμ1⁄2');
    expect(tagKey('東京')).toBe('東京');
  });

  it('folds compatibility forms with NFKC', () => {
    expect(tagKey('ｻｯｶｰ')).toBe('サッカー'); // half-width katakana
    expect(tagKey('ﬁnance')).toBe('finance'); // ligature
    expect(tagKey('Fe\u0302te')).toBe('f\u00eate'); // decomposed ê composes
  });

  it('is NFKC, lower case, NFKC for any tag, ASCII or not (fast-check)', () => {
    const full = (tag: string) => tag.normalize('NFKC').toLowerCase().normalize('NFKC');
    const ascii = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((code) => String.fromCharCode(code)) });
    // ASCII with one other character somewhere (often just past ASCII: ª, µ, ½, İ fold): the ASCII path must not take it.
    const other = fc.oneof(
      fc.integer({ min: 0x80, max: 0x2ff }).map((code) => String.fromCharCode(code)),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    const almost = fc.tuple(ascii, other, ascii).map(([a, one, b]) => a + one + b);
    fc.assert(
      fc.property(fc.oneof(ascii, almost, fc.string({ unit: 'binary' })), (tag) => {
        expect(tagKey(tag)).toBe(full(tag));
      }),
      { numRuns: 5_000 },
    );
  });

  it('leaves scripts without case alone', () => {
    expect(tagKey('サッカー')).toBe('サッカー');
  });

  it('composes what lower case leaves apart, so that #T̈ and #ẗ are one trend', () => {
    // No capital T with diaeresis exists; lower case makes t + U+0308, which NFKC composes.
    expect(tagKey('T\u0308')).toBe('\u1e97');
    expect(tagKey('\u1e97')).toBe('\u1e97');
    expect(tagKey('\u0386\u0345')).toBe('\u1fb4'); // Greek capital alpha with tonos, and ypogegrammeni
  });

  it('is its own key: a link built from a key finds the same tag (fast-check)', () => {
    const marks = fc.constantFrom('', '\u0300', '\u0301', '\u0307', '\u0308', '\u0313', '\u0342', '\u0345', '\u3099');
    const letter = fc.oneof(fc.string({ unit: 'binary', maxLength: 2 }), fc.constantFrom('T', 'İ', 'Ϊ', 'Ά', 'ᵀ', 'ẞ', 'K', 'Ω'));
    const tag = fc
      .array(
        fc.tuple(letter, marks).map(([l, m]) => l + m),
        { maxLength: 6 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(tag, (t) => {
        const key = tagKey(t);
        expect(tagKey(key)).toBe(key);
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('parseTagParam', () => {
  it('accepts the key, #Display, full-width ＃ and any casing', () => {
    for (const raw of ['worldcup', '#WorldCup', '＃ＷｏｒｌｄＣｕｐ', ' WORLDCUP ']) expect(parseTagParam(raw)).toBe('worldcup');
  });

  it('reads a key back as itself exactly when isFollowableKey says so (fast-check)', () => {
    const raw = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 150 }),
      fc.constantFrom('\ufdfa', '\ufe70a', ' a', '#a', 'a'.repeat(141), '..', '．'),
    );
    fc.assert(
      fc.property(raw, (s) => {
        const key = tagKey(s);
        expect(isFollowableKey(key)).toBe(parseTagParam(key) === key);
      }),
      { numRuns: 10_000 },
    );
  });

  it('refuses what cannot be a hashtag', () => {
    for (const raw of ['#', '', 'a b', '<script>', 'x'.repeat(141), 'a,b', '%ff', '%', '50%']) expect(parseTagParam(raw)).toBeNull();
    // Dots only (full-width ones fold to them): `/api/tags/../timeline` would be /api/timeline in a browser.
    for (const raw of ['.', '..', '#..', '...', '．．']) expect(parseTagParam(raw)).toBeNull();
    expect(parseTagParam('a.b')).toBe('a.b');
  });
});
