/**
 * The panel's trends and the tag's regions when the stream cannot send them: at a moment in history (`at`),
 * or over a window of history (`7d`, `30d`), which the stream does not take. Asks `/api/trends` (and, in tag
 * mode, `/api/tags/:tag/regions`) once per query. A query for now (no `at`) is asked again every
 * `refreshMs`, since its window moves with the clock; a failed one after `retryMs`. An answer to an older query is
 * dropped (aborted).
 *
 * Events: `trends` and `tagRegions` with each answer.
 */
import type { TagRegionsResponse, TrendsResponse } from '../../../common/browser/api';
import { fetchTagRegions, fetchTrends } from '../api/api-client';
import { trendsUrl, type MomentQuery } from '../api/query-urls';
import { Emitter } from '../util/emitter';

interface MomentLoaderEvents {
  trends: TrendsResponse;
  tagRegions: TagRegionsResponse;
}

const DEFAULTS = {
  /** How often a history window of now is asked again, in ms: its hourly buckets change little faster. */
  refreshMs: 60_000,
  /** A failed request is tried again after this long, in ms. */
  retryMs: 5_000,
};

export class MomentLoader extends Emitter<MomentLoaderEvents> {
  private readonly opts: typeof DEFAULTS;
  private query: MomentQuery | null = null;
  private key: string | null = null;
  private inFlight: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: Partial<typeof DEFAULTS> = {}) {
    super();
    this.opts = { ...DEFAULTS, ...options };
  }

  /** Asks for `query`'s answers. False, doing nothing, when that query is already being answered. */
  load(query: MomentQuery): boolean {
    const key = `${trendsUrl(query)} ${query.tag ?? ''}`;
    if (key === this.key) return false;
    this.key = key;
    this.query = query;
    this.ask();
    return true;
  }

  /** Stops asking (the stream answers again). */
  stop(): void {
    this.cancel();
    this.query = null;
    this.key = null;
  }

  destroy(): void {
    this.stop();
    this.removeAllListeners();
  }

  private cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight?.abort();
    this.inFlight = null;
  }

  private readonly ask = (): void => {
    const query = this.query;
    if (query === null) return;
    this.cancel();
    const controller = new AbortController();
    this.inFlight = controller;
    const tag = query.tag;
    const regions = tag === null ? Promise.resolve(null) : fetchTagRegions(tag, query.window, query.at, controller.signal);
    Promise.all([fetchTrends(query, controller.signal), regions]).then(
      ([trends, tagRegions]) => {
        if (this.inFlight !== controller) return;
        this.inFlight = null;
        this.emit('trends', trends);
        if (tagRegions !== null) this.emit('tagRegions', tagRegions);
        if (query.at === null) this.timer = setTimeout(this.ask, this.opts.refreshMs);
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        this.inFlight = null;
        console.warn('trendmap: trends of history unavailable', error);
        this.timer = setTimeout(this.ask, this.opts.retryMs);
      },
    );
  };
}
