/**
 * The recent posts as a list model: newest first, each post once, at most `limit`. Posts arrive from two
 * sides that overlap (the `/api/posts` answer and the live `posts` events, which may come first), so merging
 * is by id and order is by time, never by arrival.
 */
import type { Post } from '../../../common/browser/api';

/** `current` and `incoming` merged: one entry per id (the incoming copy wins), newest first, `limit` kept. */
export function mergePosts(current: readonly Post[], incoming: readonly Post[], limit: number): Post[] {
  const byId = new Map<string, Post>();
  for (const post of current) byId.set(post.id, post);
  for (const post of incoming) byId.set(post.id, post);
  return [...byId.values()].sort(newestFirst).slice(0, Math.max(0, limit));
}

/** By time, then by id (snowflake ids grow with time) so equal times keep a stable order. */
function newestFirst(a: Post, b: Post): number {
  if (a.ts !== b.ts) return b.ts - a.ts;
  if (a.id.length !== b.id.length) return b.id.length - a.id.length;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Where a post was written, for its byline: "Paris, France", "France", or the coordinates. */
export function postPlace(post: Post, countryName: (code: string) => string | undefined): string {
  const country = post.cc ? (countryName(post.cc) ?? post.cc) : null;
  if (post.place && country && !post.place.includes(country)) return `${post.place}, ${country}`;
  if (post.place) return post.place;
  if (country) return country;
  const lat = `${Math.abs(post.lat).toFixed(1)}°${post.lat >= 0 ? 'N' : 'S'}`;
  const lon = `${Math.abs(post.lon).toFixed(1)}°${post.lon >= 0 ? 'E' : 'W'}`;
  return `${lat} ${lon}`;
}
