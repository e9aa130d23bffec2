/**
 * Parsing of the SSE payloads. Defensive on purpose: a bad event (truncated JSON, a field of the wrong type,
 * coordinates off the globe) is dropped here, so the map and panel only ever see well-formed values and no
 * handler can throw.
 */
import type { Marker, Post, StreamStats, TagRegionsResponse, TrendsResponse } from '../../../common/browser/api';
import { tagKey } from '../../../common/browser/tag-key';
import { isFiniteNumber, isObject, parseJson } from '../api/json-guards';
import { parsePosts } from '../api/parse-posts';
import { parseTagRegionsResponse } from '../api/parse-tag-regions';
import { parseTrendsResponse } from '../api/parse-trends';

/** Tags kept per marker; posts stuffed with hashtags should not cost memory or highlight checks. */
const MAX_TAGS = 30;

/** The markers of a `tweets` event; malformed items are skipped, a malformed event yields none. */
export function parseMarkers(data: unknown): Marker[] {
  const body = parseJson(data);
  if (!Array.isArray(body)) return [];
  const markers: Marker[] = [];
  for (const item of body) {
    const marker = toMarker(item);
    if (marker) markers.push(marker);
  }
  return markers;
}

/** The numbers of a `stats` event, or null when the event is unusable. */
export function parseStats(data: unknown): StreamStats | null {
  const body = parseJson(data);
  if (!isObject(body) || !isFiniteNumber(body.rate) || body.rate < 0) return null;
  return {
    rate: body.rate,
    ingested: isFiniteNumber(body.ingested) ? body.ingested : 0,
    dropped: isFiniteNumber(body.dropped) ? body.dropped : 0,
  };
}

/** A `trends` event, or null when it is unusable. */
export function parseTrendsEvent(data: unknown): TrendsResponse | null {
  return orNull(() => parseTrendsResponse(parseJson(data)));
}

/** A `tag-regions` event, or null when it is unusable. */
export function parseTagRegionsEvent(data: unknown): TagRegionsResponse | null {
  return orNull(() => parseTagRegionsResponse(parseJson(data)));
}

/** The posts of a `posts` event (newest first); none when it is unusable. */
export function parsePostsEvent(data: unknown): Post[] {
  return orNull(() => parsePosts(parseJson(data))) ?? [];
}

function orNull<T>(parse: () => T): T | null {
  try {
    return parse();
  } catch {
    return null;
  }
}

function toMarker(item: unknown): Marker | null {
  if (!isObject(item)) return null;
  const { id, ts, lat, lon, cc, tags } = item;
  if (typeof id !== 'string' && typeof id !== 'number') return null;
  if (!isFiniteNumber(lat) || !isFiniteNumber(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return {
    id: String(id),
    ts: isFiniteNumber(ts) ? ts : Date.now(),
    lat,
    lon,
    cc: typeof cc === 'string' && cc !== '' ? cc.toUpperCase() : null,
    tags: Array.isArray(tags)
      ? tags
          .filter((tag): tag is string => typeof tag === 'string')
          .slice(0, MAX_TAGS)
          .map(tagKey)
      : [],
  };
}
