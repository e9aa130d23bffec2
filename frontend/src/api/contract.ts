/**
 * Runtime copies of the few contract constants the frontend needs. common/src/api.ts is imported for its
 * types only: its runtime pulls in the schema library, which would more than double the bundle. Each copy is
 * typed with `typeof` the original, so a change on the server side that is not made here fails `tsc`.
 */
import type {
  RISING as API_RISING,
  SSE_EVENTS as API_SSE_EVENTS,
  VIEW as API_VIEW,
  WORLD as API_WORLD,
  POSTS_LIMIT as API_POSTS_LIMIT,
} from '../../../common/src/api';

/** The region value meaning "everywhere". */
export const WORLD: typeof API_WORLD = 'world';

/** The region value meaning "the map's viewport" (the query then carries a `bbox`). */
export const VIEW: typeof API_VIEW = 'view';

/** SSE event names. */
export const SSE_EVENTS: typeof API_SSE_EVENTS = {
  tweets: 'tweets',
  trends: 'trends',
  tagRegions: 'tag-regions',
  posts: 'posts',
  stats: 'stats',
};

/** The least count a tag needs in the window to be listed as rising (see the README). */
export const RISING_MIN_COUNT: (typeof API_RISING)['minCount'] = 5;

/** How many recent posts the page asks for and keeps: the server's default page size. */
export const RECENT_POSTS: (typeof API_POSTS_LIMIT)['default'] = 20;
