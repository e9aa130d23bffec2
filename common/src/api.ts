/**
 * The HTTP and SSE contract between the map-server and its clients (the frontend, outside checks).
 * Response schemas double as Fastify serialisers; the frontend imports the types only.
 */
import Type, { type Static } from 'typebox';
import { SKIP_REASONS } from './skip-reasons';

/** `GET /api/trends` limits. */
export const TRENDS_LIMIT = { default: 10, min: 1, max: 50 } as const;

export const WORLD = 'world';

export const TrendSchema = Type.Object({
  /** The grouping key (NFKC, lower case). */
  tag: Type.String(),
  /** The most frequent original spelling. */
  display: Type.String(),
  count: Type.Integer(),
});

export const TrendsResponseSchema = Type.Object({
  /** `world` or an ISO 3166-1 alpha-2 code. */
  region: Type.String(),
  window: Type.String(),
  /** The end of the window, ms since the epoch (event time); null before any event was seen. */
  asOf: Type.Union([Type.Integer(), Type.Null()]),
  /** Accepted posts in this region and window. */
  total: Type.Integer(),
  trends: Type.Array(TrendSchema),
});

export type Trend = Static<typeof TrendSchema>;
export type TrendsResponse = Static<typeof TrendsResponseSchema>;

/** One marker on the map, as the SSE `tweets` event carries it (an array of these per event). */
export const MarkerSchema = Type.Object({
  id: Type.String(),
  ts: Type.Integer(),
  lat: Type.Number(),
  lon: Type.Number(),
  cc: Type.Union([Type.String(), Type.Null()]),
  tags: Type.Array(Type.String()),
});

export type Marker = Static<typeof MarkerSchema>;

/** SSE event names. */
export const SSE_EVENTS = { tweets: 'tweets', stats: 'stats' } as const;

/** The SSE `stats` event: what this connection and the server have seen. */
export const StreamStatsSchema = Type.Object({
  /** Accepted posts per second over the last few seconds (all posts, not only this client's filter). */
  rate: Type.Number(),
  ingested: Type.Integer(),
  /** Markers this client did not receive because it could not keep up. */
  dropped: Type.Integer(),
});

export type StreamStats = Static<typeof StreamStatsSchema>;

export const SkippedSchema = Type.Object(
  Object.fromEntries(Object.keys(SKIP_REASONS).map((reason) => [reason, Type.Optional(Type.Integer())])),
);

export const HealthResponseSchema = Type.Object({
  /** `rebuilding` while the windows are read back from Kafka after a start; `degraded` while Kafka is away. */
  status: Type.Union([Type.Literal('ok'), Type.Literal('rebuilding'), Type.Literal('degraded')]),
  /** Accepted posts. */
  ingested: Type.Integer(),
  skipped: SkippedSchema,
  /** Open SSE connections. */
  clients: Type.Integer(),
  /** The newest event time seen, ms since the epoch. */
  newestEventTs: Type.Union([Type.Integer(), Type.Null()]),
  /** The source's connection, in the embedded mode, for sources that hold one (the X API stream). */
  source: Type.Optional(
    Type.Object({
      name: Type.String(),
      state: Type.String(),
      lastError: Type.Union([Type.String(), Type.Null()]),
      reconnects: Type.Integer(),
    }),
  ),
  /** The Kafka connection, when the server reads from Kafka. */
  kafka: Type.Optional(
    Type.Object({
      connection: Type.Union([Type.Literal('connected'), Type.Literal('disconnected')]),
      /** Messages not yet read, per partition. */
      lag: Type.Record(Type.String(), Type.Integer()),
      lastError: Type.Union([Type.String(), Type.Null()]),
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
