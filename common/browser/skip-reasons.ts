/**
 * Why an input was not counted. Every skipped input is counted under exactly one of these, so that
 * `/api/health` and the producer's progress line account for everything that came in.
 */
export const SKIP_REASONS = {
  not_json: 'the line is not JSON',
  line_too_long: 'the line is longer than the limit (1 MB), so it was skipped unread',
  notice: 'a stream notice (delete, limit, scrub_geo, ...), not a post',
  unknown_shape: 'JSON that is neither a v1.1 status nor a v2 envelope',
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
