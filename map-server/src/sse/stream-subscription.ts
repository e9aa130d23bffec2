/**
 * A stream's subscription: what one SSE stream follows, fixed when it opens. It is the server's checked form
 * of the `/api/stream?tag=&region=&bbox=&window=&sort=&limit=` query (the page's `StreamQuery` is the asking
 * side): every default filled in, the bbox parsed, the tag reduced to its key. Markers carry its tag,
 * `trends` answer its trends query, `tag-regions` its tag and window, `posts` its area and tag. Streams with
 * equal keys share one computation and one serialised chunk.
 */
import type { WindowName } from '../../../common/browser/windows';
import { areaKey } from '../core/area';
import type { TrendsQuery } from '../core/trends-query';

export interface StreamSubscription extends TrendsQuery {
  /** The tag filter's key, or null for every tag. */
  tag: string | null;
}

/** A stream with a tag also gets `tag-regions`, keyed by tag and window. */
export function tagRegionsKey(tag: string, window: WindowName): string {
  return `${tag}|${window}`;
}

export function postsKey(subscription: StreamSubscription): string {
  return `${areaKey(subscription)}|${subscription.tag ?? ''}`;
}
