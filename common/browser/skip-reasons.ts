/**
 * Why an input was not counted. Every skipped input is counted under exactly one of these, so that
 * `/api/health` and the producer's progress line account for everything that came in.
 */
export const SKIP_REASONS = {
  not_json: 'the line is not JSON',
  line_too_long: 'the line is longer than the limit (1 MB), so it was skipped unread',
  notice: 'a stream notice (delete, limit, scrub_geo, ...), not a post',
  empty_page: 'an API page or list of posts (twarc2, v2 search) that holds none',
  unknown_shape: 'JSON that is none of: a v1.1 status, a v2 post, envelope or page, a list of those',
  no_id: 'the post has no usable id',
  no_location: 'the post has neither coordinates nor a place',
  bad_coordinates: 'coordinates out of range or not numbers',
  unknown_place: 'the post names a place that its payload does not describe',
  no_hashtag: 'the post carries no hashtag',
  bad_timestamp: 'the post has no parseable creation time',
  invalid_event: 'a message on the bus that breaks the event contract',
  duplicate: 'the same post id was already counted',
  stale: 'older than the largest live window (history still counts it)',
  future: 'timestamped more than the allowed clock skew ahead',
  out_of_range: "created outside the replay's --from/--to range",
} as const;

export type SkipReason = keyof typeof SKIP_REASONS;

export type SkipCounts = Partial<Record<SkipReason, number>>;

/**
 * Why a hashtag was left out of a post that was otherwise read. These count tags, not inputs: a post that
 * loses a tag may still be accepted, and one that loses all of them is also skipped as `no_hashtag`. Kept
 * apart from `SKIP_REASONS` so that `read = accepted + skipped` stays true.
 */
export const TAG_DROP_REASONS = {
  invalid_hashtag: 'not a hashtag as X reads one (twitter-text), or its key could not be followed with ?tag=',
  tag_too_long: 'longer than 140 UTF-16 units, as written or as a key',
  too_many_tags: 'past the first 64 distinct tags of a post (not examined)',
} as const;

export type TagDropReason = keyof typeof TAG_DROP_REASONS;

export type TagDropCounts = Partial<Record<TagDropReason, number>>;

/**
 * The kinds of error an X API v2 answer lists beside its data (`errors`: a page's referenced post deleted, a
 * stream's disconnect), by the last part of the problem's `type`. They count errors, not inputs: a page keeps
 * its posts whatever its errors. A fixed set, so that what a hostile file writes cannot grow the counts or
 * the metrics' labels: any other kind is `other`.
 */
export const API_ERROR_KINDS = {
  'resource-not-found': 'a post, user or place the answer refers to does not exist (deleted)',
  'not-authorized-for-resource': 'a post or user the answer refers to is protected or suspended',
  'not-authorized-for-field': 'a field the request asked for is not available to its app',
  'resource-unavailable': 'a post or user the answer refers to is unavailable for now',
  'operational-disconnect': 'X closed the stream (a deploy, a slow reader)',
  other: 'any other kind, or an error without a type',
} as const;

export type ApiErrorKind = keyof typeof API_ERROR_KINDS;

export type ApiErrorCounts = Partial<Record<ApiErrorKind, number>>;

/** A tally by reason. */
export class Tally<R extends string> {
  private readonly counts = new Map<R, number>();

  add(reason: R, n = 1): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + n);
  }

  /** Adds another tally's counts, e.g. the tags one post lost. */
  addAll(counts: Partial<Record<R, number>>): void {
    for (const [reason, n] of Object.entries(counts) as [R, number][]) this.add(reason, n);
  }

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  toJSON(): Partial<Record<R, number>> {
    return Object.fromEntries(this.counts) as Partial<Record<R, number>>;
  }
}

/** A tally of skipped inputs by reason. */
export class SkipCounter extends Tally<SkipReason> {}
