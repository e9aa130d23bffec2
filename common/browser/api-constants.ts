/**
 * The contract's constants: region values, sorts, limits, the rising rule, sparkline slots and SSE event
 * names. Browser-safe and free of the schema library, so the frontend imports the same values the server
 * uses (its defaults included) without bundling TypeBox; `api.ts` re-exports them beside the schemas.
 */

/** A `limit=` parameter's range, and its value when absent. */
export interface Limit {
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

/** `GET /api/trends` limits. */
export const TRENDS_LIMIT = { default: 10, min: 1, max: 50 } as const satisfies Limit;

export const WORLD = 'world';

/** How `/api/trends` orders tags: by volume, or by how fast they grow (see `RISING` and the README). */
export const SORTS = ['top', 'rising'] as const;
export type SortName = (typeof SORTS)[number];
export const DEFAULT_SORT: SortName = 'top';

/** The region a `bbox` query answers for: the browser's viewport ("Trends in this view"). */
export const VIEW = 'view';

/**
 * "Rising": a tag's count over the window against what its rate over a longer reference period predicts.
 * - The reference for a window is the period just before it, out to the next longer window: 15m is compared
 *   with the 45 minutes before it, 1h with the 5 h before, 6h with the 18 h before. 24h, having no longer
 *   window in a 24 h ring, uses 6h's comparison (`basis`): its `expected` and `score` are exactly 6h's (the
 *   last 6 h against the 18 h before), its `count`, `share` and `spark` are over 24 h, and `sort=rising` at
 *   24h lists the same tags in the same order as at 6h.
 * - expected = reference count x (recent length / reference length), for the `recent` window of `basis`
 * - score = (recent count - expected) / sqrt(expected + 1): growth measured in Poisson standard deviations,
 *   so a big tag that doubles outranks a tiny one that goes from 0 to 2.
 * - Just after a start the reference period reaches back before the first post: the rate is taken over the
 *   part with history (`referenceMinutes` in the answer), and with none at all nothing is listed.
 * - Only tags with at least `minCount` posts in the `recent` window (the window itself, except at 24h: its
 *   last 6 h) and a positive score are listed, by score descending, then tag.
 */
export const RISING = {
  minCount: 5,
  /** Per window: the window whose growth is scored, and the longer one whose rest is its reference. */
  basis: {
    '15m': { recent: '15m', outer: '1h' },
    '1h': { recent: '1h', outer: '6h' },
    '6h': { recent: '6h', outer: '24h' },
    '24h': { recent: '6h', outer: '24h' },
  },
} as const;

/** `GET /api/tags/:tag/regions` limits: by default every country, so a map can shade them all. */
export const TAG_REGIONS_LIMIT = { default: 250, min: 1, max: 250 } as const satisfies Limit;

/** `GET /api/labels` limits: a viewport of 64-128 px tiles holds a few hundred at most. */
export const LABELS_LIMIT = { default: 300, min: 1, max: 1000 } as const satisfies Limit;

/** `GET /api/labels` zoom: the map's zoom, as Leaflet reports it (fractions allowed). */
export const LABELS_ZOOM = { default: 2, min: 0, max: 22 } as const;

/**
 * Below this many posts, a share is not shown as if it meant something: 1 post of 2 is 50 %, and the next
 * post can halve it. The panel's region or box, and each country in tag mode, show their counts and say
 * "few posts" instead (frontend; the API still gives every share).
 */
export const FEW_POSTS = 30;

/** `GET /api/tags?prefix=` limits: a search box's hashtag suggestions. */
export const TAGS_LIMIT = { default: 10, min: 1, max: 50 } as const satisfies Limit;

/**
 * The window `GET /api/tags?prefix=` ranks by: the day, so that every tag the counts still hold can be found
 * (the dictionary forgets a tag once no count of the day holds it), the busiest of them first.
 */
export const TAG_SEARCH_WINDOW = '24h';

/** `GET /api/places?prefix=` limits: a search box's city suggestions. */
export const PLACES_LIMIT = { default: 10, min: 1, max: 50 } as const satisfies Limit;

/** `GET /api/posts` limits. */
export const POSTS_LIMIT = { default: 20, min: 1, max: 100 } as const satisfies Limit;

/**
 * The bounds of one post as the event contract accepts it (common/node/event.ts), and so as the API sends
 * it: a post or marker outside them is not from this server, and the page drops it.
 */
export const POST_LIMITS = {
  /** UTF-16 units of its text; the producer cuts longer text (X allows 280 characters, or 25,000 paid). */
  maxTextLength: 1_000,
  /** UTF-16 units of its place's name. */
  maxPlaceLength: 200,
  maxTags: 64,
  /** The largest time a `Date` can hold, in ms since the epoch. */
  maxTimeMs: 8.64e15,
} as const;

/** SSE event names: the key is the name in the code, the value the name on the wire. */
export const SSE_EVENTS = {
  /**
   * Batched markers (`Marker[]`) from anywhere in the world, filtered by the stream's `tag`. On the wire it
   * keeps its first name, `tweets`: user scripts listen for it, and a new name would mean sending both.
   */
  markers: 'tweets',
  /** `TrendsResponse` for the stream's region (or bbox), window and sort: on connect and when it changes. */
  trends: 'trends',
  /** `TagRegionsResponse` for the stream's tag and window, when it has a tag: on connect and on change. */
  tagRegions: 'tag-regions',
  /** `Post[]`, newest first: new posts in the stream's region (or bbox) with its tag, a few per batch. */
  posts: 'posts',
  /** `StreamStats`. */
  stats: 'stats',
} as const;

/** Sparkline slots per window: `slots` slots of `slotMinutes` each, the newest ending with the window. */
export const SPARK_SLOTS = {
  '15m': { slots: 15, slotMinutes: 1 },
  '1h': { slots: 30, slotMinutes: 2 },
  '6h': { slots: 36, slotMinutes: 10 },
  '24h': { slots: 48, slotMinutes: 30 },
} as const;
