/**
 * Checks recent posts, from `GET /api/posts` (`{ posts }`) and the SSE `posts` event (a bare array). Every
 * text field stays a plain string: the list inserts them as text nodes, so nothing here needs escaping, only
 * bounding (a hostile post cannot make the page hold megabytes of text).
 */
import type { Post } from '../../../common/browser/api';
import { isFiniteNumber, isObject } from './json-guards';

/** Longest post text kept, in UTF-16 units; real posts are far shorter (X allows 280 characters, or 25,000 paid). */
const MAX_TEXT = 1_000;
/** Longest place name kept. */
const MAX_PLACE = 200;
/** The largest time a Date can hold, in ms; past it `toISOString` throws. */
const MAX_TIME = 8.64e15;
/** Hashtags kept per post. */
const MAX_TAGS = 30;

/** The posts of a `/api/posts` body or a `posts` event; malformed items are skipped. */
export function parsePosts(body: unknown): Post[] {
  const items = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.posts) ? body.posts : null;
  if (items === null) throw new Error('malformed posts response');
  const posts: Post[] = [];
  for (const item of items) {
    const post = toPost(item);
    if (post) posts.push(post);
  }
  return posts;
}

function toPost(item: unknown): Post | null {
  if (!isObject(item)) return null;
  const { id, ts, lat, lon } = item;
  if (typeof id !== 'string' || id === '' || !isFiniteNumber(ts) || Math.abs(ts) > MAX_TIME) return null;
  if (!isFiniteNumber(lat) || !isFiniteNumber(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return {
    id,
    ts,
    lat,
    lon,
    cc: typeof item.cc === 'string' && /^[A-Za-z]{2}$/.test(item.cc) ? item.cc.toUpperCase() : null,
    place: boundedString(item.place, MAX_PLACE),
    text: boundedString(item.text, MAX_TEXT),
    tags: Array.isArray(item.tags) ? item.tags.filter((tag): tag is string => typeof tag === 'string' && tag !== '').slice(0, MAX_TAGS) : [],
  };
}

function boundedString(value: unknown, max: number): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
