/**
 * A post's hashtags: taken from its own entities when it has them, found in its text otherwise, then
 * grouped by key so that `#AI`, `#ai` and `＃ＡＩ` count once.
 */
import twitter from 'twitter-text';
import { EVENT_LIMITS } from '../../../common/src/event';
import { tagKey } from '../../../common/src/tag-key';

/** A post's distinct hashtags: grouping keys and, index for index, the first original spelling of each. */
export interface Hashtags {
  tags: string[];
  display: string[];
}

/** The longest post X accepts; nothing past it is a real post's text. */
const MAX_SCAN_LENGTH = 25_000;
/**
 * twitter-text's URL matching is quadratic in the length of a run without spaces (50,000 × "a." takes
 * seconds). A hashtag lives in a run of at most a classic post's length, so longer runs are cut to that.
 */
const MAX_RUN_LENGTH = 280;
const LONG_RUN = new RegExp(`\\S{${MAX_RUN_LENGTH + 1},}`, 'g');

/**
 * Hashtags (without `#`) in a text, as X finds them: `＃` starts one, punctuation ends one, `#16` and a
 * URL's `#fragment` are not one.
 */
export function hashtagsInText(text: string): string[] {
  const scanned = text
    .replace(LONG_RUN, (run) => run.slice(0, MAX_RUN_LENGTH))
    .slice(0, MAX_SCAN_LENGTH);
  try {
    return twitter.extractHashtags(scanned);
  } catch {
    // A library failure on a strange text costs that post its hashtags, never the pipeline.
    return [];
  }
}

/**
 * Groups a post's hashtags: one entry per distinct key, in order of first appearance, spelled as first
 * written. Empty tags and tags over 140 UTF-16 units (as written or as a key) are dropped, and at most
 * `EVENT_LIMITS.maxTags` kept.
 * `entityTags` are the post's own hashtag entities and are authoritative when given (an empty list means
 * none); when undefined, hashtags are found in `text`.
 */
export function hashtags(entityTags: readonly unknown[] | undefined, text: string | undefined): Hashtags {
  const originals = entityTags ?? (text ? hashtagsInText(text) : []);
  const tags: string[] = [];
  const display: string[] = [];
  const seen = new Set<string>();
  for (const original of originals) {
    if (tags.length >= EVENT_LIMITS.maxTags) break;
    if (typeof original !== 'string' || original === '' || tooLong(original)) continue;
    const key = tagKey(original);
    if (seen.has(key) || tooLong(key)) continue;
    seen.add(key);
    tags.push(key);
    display.push(original);
  }
  return { tags, display };
}

/**
 * True when longer than a tag may be. Counted in UTF-16 units, as `common/src/tag-key.ts` counts: the
 * schema counts code points, so this is the stricter reading and an event passes under both.
 */
function tooLong(s: string): boolean {
  return s.length > EVENT_LIMITS.maxTagLength;
}
