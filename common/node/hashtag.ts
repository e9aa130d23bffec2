/**
 * What counts as a hashtag: the one rule the producer applies to every tag of a post (from its entities or
 * found in its text) and the map-server to every tag of every event it consumes.
 *
 * A tag (written without `#`) is a hashtag when X would link it: twitter-text, given `#` and the tag, finds
 * exactly that tag and nothing else. So letters and marks of any script, digits, `_` and a few joiners
 * (ZWJ, `・`, `～`...), with at least one letter; not `16`, not `a-b`, not `x<img>`, not `😀`. It must also
 * fit in 140 UTF-16 units, as written and as its key, and its key must be one `?tag=` reads back unchanged,
 * so that every tag trendmap lists can be followed (`#ﷺ` is a hashtag, but its key has spaces in it).
 *
 * Not for the browser: it loads twitter-text, which the page has no other use for. The frontend reads
 * `?tag=` with `parseTagParam`, which accepts every key this rule lets through.
 */
import twitter from 'twitter-text';
import { isFollowableKey, MAX_TAG_LENGTH, tagKey } from '../browser/tag-key';
import type { TagDropReason } from '../browser/skip-reasons';

export type HashtagCheck = { ok: true; key: string } | { ok: false; reason: Exclude<TagDropReason, 'too_many_tags'> };

const TOO_LONG: HashtagCheck = { ok: false, reason: 'tag_too_long' };
const INVALID: HashtagCheck = { ok: false, reason: 'invalid_hashtag' };

const { hashtagAlpha, hashtagAlphaNumeric } = twitter.regexen;
/**
 * twitter-text's own hashtag pattern (`regexen.validHashtag`, flags and all) anchored to a whole tag:
 * its letters, marks, digits and joiners, at least one letter, not starting with U+FE0F or a keycap.
 * Anchored it takes about 0.1 µs a tag; `isValidHashtag('#' + tag)`, which searches the text and then
 * scans it for URLs, about 2 µs. `hashtag.test.ts` checks that the two agree.
 */
const WHOLE_HASHTAG = new RegExp(
  `^(?!\\uFE0F|\\u20E3)(?=(?:${hashtagAlphaNumeric.source})*?${hashtagAlpha.source})(?:${hashtagAlphaNumeric.source})+$`,
  'i',
);

/** True when X would link `#` + `tag` as that whole tag: twitter-text's `isValidHashtag`, faster. */
export function isHashtag(tag: string): boolean {
  return WHOLE_HASHTAG.test(tag);
}

/**
 * Checks one tag as written (without `#`) and returns its grouping key, or the reason it is not one
 * trendmap counts. About 0.3 µs a tag (the pattern, then NFKC and case for the key). Lengths first: they
 * are cheap, and they bound the pattern's work on hostile input.
 */
export function checkHashtag(tag: string): HashtagCheck {
  if (tag.length > MAX_TAG_LENGTH) return TOO_LONG;
  if (!isHashtag(tag)) return INVALID;
  const key = tagKey(tag);
  if (key.length > MAX_TAG_LENGTH) return TOO_LONG;
  // NFKC may turn one letter into words with spaces (U+FDFA ﷺ, the isolated harakat U+FE70-FE7F), which
  // `?tag=` refuses: such a tag could be listed but never followed.
  if (!isFollowableKey(key)) return INVALID;
  return { ok: true, key };
}

/**
 * Where a list of keys that went through `checkHashtag` where it was made holds its spellings (`ruledTags`): a
 * property under a symbol this module does not export, not enumerable, so that JSON, structuredClone and
 * equality in tests do not see it (code in the process could still find it with
 * `Object.getOwnPropertySymbols`: the mark guards against mistakes, not against code run in the process).
 * Cheaper to set and read than a WeakMap entry (about 0.5 µs a post, issue 14).
 */
const RULED = Symbol('ruled spellings');

/**
 * Freezes the keys and spellings the caller has just taken through `checkHashtag` (each spelling `display[i]`
 * passed, with `tags[i]` its key, the keys distinct), and marks them as such: `checkEvent` then need not take
 * the same tags through the rule a second time (about 0.3 µs a tag and a Set a post, issue 14). Frozen, they
 * can never hold anything but what passed. Only for lists built that way: the mark is the caller's word.
 */
export function ruledTags(tags: string[], display: string[]): void {
  Object.defineProperty(tags, RULED, { value: display });
  Object.freeze(tags);
  Object.freeze(display);
}

/**
 * Whether `tags` and `display` are a pair `ruledTags` marked (frozen since, so still as they passed). The mark
 * must be the array's own: an array made with a marked one as its prototype is not marked.
 */
export function areRuledTags(tags: readonly string[], display: readonly string[]): boolean {
  return Object.hasOwn(tags, RULED) && (tags as { [RULED]?: readonly string[] })[RULED] === display;
}
