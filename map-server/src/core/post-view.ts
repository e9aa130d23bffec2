/**
 * How the API shows accepted posts: which of them an area and a tag select (`/api/posts` and the SSE `posts`
 * event use the same rule), and what of a post is shown (its data, never markup).
 */
import { WORLD, type Post } from '../../../common/browser/api';
import type { GeoEvent } from '../../../common/node/event';
import { bboxSpans, spansContain } from '../../../common/browser/bbox';
import type { Area } from './area';

/** Whether a post is in an area (exactly, by its coordinates for a box) and carries a tag (null: any). */
export function postFilter(area: Area, tag: string | null): (event: GeoEvent) => boolean {
  const hasTag = (event: GeoEvent) => tag === null || event.tags.includes(tag);
  if (area.bbox !== null) {
    const spans = bboxSpans(area.bbox);
    return (event) => spansContain(spans, event.lat, event.lon) && hasTag(event);
  }
  if (area.region === WORLD) return hasTag;
  return (event) => event.cc === area.region && hasTag(event);
}

/** The API's view of a post: its data only, never markup. */
export function toPost(event: GeoEvent): Post {
  return {
    id: event.id,
    ts: event.ts,
    lat: event.lat,
    lon: event.lon,
    cc: event.cc,
    place: event.place ?? null,
    text: event.text ?? null,
    tags: event.display,
  };
}
