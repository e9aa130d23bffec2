/**
 * A post's hashtags: taken from its own entities when it has them, found in its text otherwise, then
 * checked by one rule (`common/node/hashtag.ts`) whichever way they came, and grouped by key so that `#AI`,
 * `#ai` and `＃ＡＩ` count once. Tags that fail the rule are left out and counted by reason.
 */
import twitter from 'twitter-text';
import { EVENT_LIMITS } from '../../../common/node/event';
import { checkHashtag, ruledTags } from '../../../common/node/hashtag';
import type { TagDropCounts, TagDropReason } from '../../../common/browser/skip-reasons';

/**
 * A post's distinct hashtags: grouping keys and, index for index, the first original spelling of each. Both
 * lists are frozen (`ruledTags`).
 */
export interface Hashtags {
  /** Frozen: typed mutable because the event takes them as they are; a push would throw. */
  tags: string[];
  display: string[];
  /** Tags left out, by reason; null when none was (the usual case, which then allocates nothing). */
  dropped: TagDropCounts | null;
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
  // A text no longer than a run may be has no run to cut (nor anything past MAX_SCAN_LENGTH): it is scanned
  // as it is, without running LONG_RUN over it (about 0.8 µs a post's text, issue 14).
  const scanned = text.length <= MAX_RUN_LENGTH ? text : text.replace(LONG_RUN, (run) => run.slice(0, MAX_RUN_LENGTH)).slice(0, MAX_SCAN_LENGTH);
  try {
    return twitter.extractHashtags(scanned);
  } catch {
    // A library failure on a strange text costs that post its hashtags, never the pipeline.
    return [];
  }
}

/**
 * Groups a post's hashtags: one entry per distinct key, in order of first appearance, spelled as first
 * written. Each tag must pass `checkHashtag`, whether the post's entities named it or it was found in the
 * text; one that does not is left out and counted (`dropped`). At most `EVENT_LIMITS.maxTags` are kept;
 * past them the rest are counted as `too_many_tags` without being examined, which bounds the work a post
 * with thousands of entities can cause.
 * `entityTags` are the post's own hashtag entities and are authoritative when given (an empty list means
 * none); when undefined, hashtags are found in `text`.
 */
export function hashtags(entityTags: readonly unknown[] | undefined, text: string | undefined): Hashtags {
  const originals = entityTags ?? (text ? hashtagsInText(text) : []);
  const tags: string[] = [];
  const display: string[] = [];
  let dropped: TagDropCounts | null = null;
  const seen = new Set<string>();
  for (let i = 0; i < originals.length; i += 1) {
    if (tags.length >= EVENT_LIMITS.maxTags) {
      dropped = counted(dropped, 'too_many_tags', originals.length - i);
      break;
    }
    const original = originals[i];
    if (typeof original !== 'string') {
      dropped = counted(dropped, 'invalid_hashtag'); // an entity without a usable tag: null, a number, an object
      continue;
    }
    const checked = checkHashtag(original);
    if (!checked.ok) {
      dropped = counted(dropped, checked.reason);
      continue;
    }
    if (seen.has(checked.key)) continue;
    seen.add(checked.key);
    tags.push(checked.key);
    display.push(original);
  }
  // Frozen and recorded as ruled: the event's check need not take them through `checkHashtag` again.
  ruledTags(tags, display);
  return { tags, display, dropped };
}

/**
 * `dropped` with `n` more for `reason`, created on the first drop. A plain function, not a closure over
 * `hashtags`' locals: allocating that closure for every post cost about 0.4 µs a post, more than the checks.
 */
function counted(dropped: TagDropCounts | null, reason: TagDropReason, n = 1): TagDropCounts {
  const counts = dropped ?? {};
  counts[reason] = (counts[reason] ?? 0) + n;
  return counts;
}
