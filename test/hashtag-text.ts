/**
 * fast-check arbitraries for the hashtag rule's tests (`common/node/hashtag.ts`): texts that random
 * generation alone would rarely make, full of what makes and breaks a hashtag.
 */
import fc from 'fast-check';
import twitter from 'twitter-text';

/**
 * Pieces of text around which hashtag rules differ: hash signs (`＃` too), ends of a hashtag, scripts and
 * case, combining marks (some that NFKC composes only after lower case: `T` + U+0308, `Ά` + U+0345), the
 * joiners twitter-text allows, numbers of several scripts, emoji, letters whose key has spaces (U+FDFA,
 * U+FE70), and URLs.
 */
export const HASHTAG_PIECES = [
  '#',
  '＃',
  ' ',
  '.',
  ':',
  '/',
  '<',
  '>',
  '-',
  '_',
  '~',
  '"',
  "'",
  '`',
  ',',
  ';',
  'a',
  'Z',
  '7',
  'é',
  'e\u0301',
  'İ',
  'ß',
  'Σ',
  'ς',
  'ﬁ',
  'ＡＩ',
  'ｻｯｶｰ',
  '日本',
  'عربي',
  'עברית',
  'हिन्दी',
  '١',
  '१',
  'ꙮ',
  '𝐀',
  '\u200c',
  '\u200d',
  '・',
  '～',
  '·',
  '\u05be',
  '\u0345',
  '\u0342',
  'T\u0308',
  'Ά',
  '\ufdfa',
  '\ufe70',
  '😀',
  '👍🏽',
  '\ufe0f',
  '\u20e3',
  'Ⅻ',
  '℃',
  'http://x.co/',
  'x.com/',
];

const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HASHTAG_PIECES) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);

/** A run of pieces, often after a hash sign, so that about half of the runs start a hashtag. */
const word = fc
  .tuple(fc.constantFrom('', ' ', ' #', ' #', '#', '＃'), fc.array(piece, { minLength: 1, maxLength: 5 }))
  .map(([start, pieces]) => start + pieces.join(''));

/** A text of up to 8 such runs. */
export const hashtagText = fc.array(word, { maxLength: 8 }).map((words) => words.join(''));

/**
 * Tags (without `#`) worth checking a hashtag rule against: the first hashtag twitter-text finds in such a
 * text, or one at the length limit (140 units as written, as a key, or both).
 */
export const hashtagCandidate = fc.oneof(
  { weight: 9, arbitrary: hashtagText.map((t) => twitter.extractHashtags(`#${t}`)[0]).filter((tag) => tag !== undefined) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'a'.repeat(140),
      '東'.repeat(140),
      'e\u0301'.repeat(70),
      'Ａ'.repeat(140),
      '𝐀'.repeat(70),
      'ﬁ'.repeat(70),
      'ﬁ'.repeat(71),
    ),
  },
);
