/**
 * The grouping key of a hashtag: `#AI`, `#ai` and `＃ＡＩ` are one trend. Shared by the producer (which
 * writes keys into events), the server (which matches `?tag=`) and the frontend (which builds links).
 * NFKC folds widths and compatibility forms, lower case folds case, and NFKC once more composes what lower
 * case leaves apart (`T` + U+0308 has no composed capital, but lowers to `t` + U+0308, which NFKC makes
 * `ẗ`): so a key is its own key, `#T̈` and `#ẗ` are one trend, and a link built from a key finds it.
 */
export function tagKey(tag: string): string {
  // ASCII is its own NFKC, and lower case keeps it ASCII: most tags need only the case folded (about 0.2 µs
  // a tag less than the two normalisations, which the normaliser and the event check pay on every tag).
  if (ASCII.test(tag)) return tag.toLowerCase();
  return tag.normalize('NFKC').toLowerCase().normalize('NFKC');
}

const ASCII = /^[\0-\x7f]*$/;

/** Longest tag accepted anywhere, in UTF-16 units, as written and as a key (the event contract's `maxTagLength`). */
export const MAX_TAG_LENGTH = 140;

/**
 * Characters no hashtag holds, refused in `?tag=`: white space, `#`, separators, slashes, markup, and `%`
 * (what is left of percent-encoding the query parser could not decode, such as `?tag=%ff`). `ONLY_DOTS`
 * below is refused too.
 */
const NOT_IN_A_TAG = /[\s#,;/\\<>"'`%]/u;
/**
 * A key of dots only: no hashtag (a hashtag has a letter), and as a path segment (`/api/tags/../timeline`) a
 * browser resolves `.` and `..` away, so that the page would ask another endpoint.
 */
const ONLY_DOTS = /^\.+$/;

/**
 * Reads a tag as a person types it in a URL (`worldcup`, `#WorldCup`, `＃worldcup`, `%23worldcup`) and
 * returns its key, or null when nothing usable is left or it contains characters no hashtag can hold.
 */
export function parseTagParam(raw: string): string | null {
  const key = tagKey(raw.trim()).replace(/^#/, '');
  return isFollowableKey(key) ? key : null;
}

/**
 * True when a key (a `tagKey` result) reads back from `?tag=` as itself: `parseTagParam(key) === key`.
 * A key is its own key, so only its length and characters can stand in the way.
 */
export function isFollowableKey(key: string): boolean {
  return key.length > 0 && key.length <= MAX_TAG_LENGTH && !NOT_IN_A_TAG.test(key) && !ONLY_DOTS.test(key);
}
