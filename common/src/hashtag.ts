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
 * Not for the browser: twitter-text weighs more than the rest of the page's code. The frontend reads
 * `?tag=` with `parseTagParam`, which accepts every key this rule lets through.
 */
import twitter from 'twitter-text';
import { MAX_TAG_LENGTH, parseTagParam, tagKey } from './tag-key';
import type { TagDropReason } from './skip-reasons';

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
 * How many verdicts `checkHashtag` remembers. A check costs about 0.4 µs (the pattern, then NFKC and case
 * twice for the key), a remembered one a map lookup; tags repeat (a few are in most posts), so most checks
 * are lookups. At most 10,000 tags of up to 140 units: about 3 MB at worst, usually under 1 MB. Emptied
 * when full.
 */
const REMEMBERED_TAGS = 10_000;
const remembered = new Map<string, HashtagCheck>();

/**
 * Checks one tag as written (without `#`) and returns its grouping key, or the reason it is not one
 * trendmap counts. The same tag always gets the same answer.
 */
export function checkHashtag(tag: string): HashtagCheck {
  const known = remembered.get(tag);
  if (known !== undefined) return known;
  const verdict = judge(tag);
  if (remembered.size >= REMEMBERED_TAGS) remembered.clear();
  remembered.set(tag, verdict);
  return verdict;
}

/** Lengths first: they are cheap, and they bound twitter-text's work on hostile input. */
function judge(tag: string): HashtagCheck {
  if (tag.length > MAX_TAG_LENGTH) return TOO_LONG;
  if (!isHashtag(tag)) return INVALID;
  const key = tagKey(tag);
  if (key.length > MAX_TAG_LENGTH) return TOO_LONG;
  // NFKC may turn one letter into words with spaces (U+FDFA ﷺ, the isolated harakat U+FE70-FE7F), which
  // `?tag=` refuses: such a tag could be listed but never followed.
  if (parseTagParam(key) !== key) return INVALID;
  return { ok: true, key };
}
