/**
 * Polls `/api/trends` for the current region and window: every couple of seconds, and at once when the
 * query changes. One request at a time: a change aborts the request in flight so a slow answer for the old
 * region can never overwrite the new one. Polling pauses while the tab is hidden and catches up on return.
 */
import type { TrendsResponse } from '../../../common/src/api';
import { fetchTrends, type TrendsQuery } from '../api/api-client';
import { Emitter } from '../util/emitter';

interface TrendsPollerEvents {
  /** A fresh answer for the current query. */
  trends: TrendsResponse;
  /** The query changed; the previous answer no longer applies. */
  loading: TrendsQuery;
  /** A poll failed; the poller keeps trying on its usual schedule. */
  error: unknown;
}

export interface TrendsPollerOptions {
  intervalMs: number;
  timeoutMs: number;
}

const DEFAULTS: TrendsPollerOptions = {
  /** Time between the end of one poll and the start of the next. */
  intervalMs: 2_000,
  /** A request taking longer is aborted and counted as failed, so one hung request cannot stop polling. */
  timeoutMs: 10_000,
};

export class TrendsPoller extends Emitter<TrendsPollerEvents> {
  private readonly options: TrendsPollerOptions;
  private query: TrendsQuery | null = null;
  private controller: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;

  constructor(options: Partial<TrendsPollerOptions> = {}) {
    super();
    this.options = { ...DEFAULTS, ...options };
  }

  start(query: TrendsQuery): void {
    if (!this.running) document.addEventListener('visibilitychange', this.onVisibilityChange);
    this.running = true;
    this.setQuery(query);
  }

  /** Switches to another query and fetches it now. */
  setQuery(query: TrendsQuery): void {
    const same =
      this.query !== null &&
      this.query.region === query.region &&
      this.query.window === query.window &&
      this.query.limit === query.limit;
    this.query = { ...query };
    if (!same) this.emit('loading', this.query);
    if (this.running) this.poll();
  }

  stop(): void {
    this.running = false;
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    clearTimeout(this.timer);
    this.controller?.abort();
    this.controller = null;
  }

  destroy(): void {
    this.stop();
    this.removeAllListeners();
  }

  /** Fetches the current query now, cancelling whatever was in flight or scheduled. */
  poll(): void {
    clearTimeout(this.timer);
    this.controller?.abort();
    const query = this.query;
    if (!this.running || query === null) return;

    const controller = new AbortController();
    this.controller = controller;
    const timeout = setTimeout(() => controller.abort(), this.options.timeoutMs);
    fetchTrends(query, controller.signal)
      .then((response) => {
        if (this.controller === controller) this.emit('trends', response);
      })
      .catch((error: unknown) => {
        // An abort we caused by a newer poll is not a failure; a timeout abort (still current) is.
        if (this.controller === controller) this.emit('error', error);
      })
      .finally(() => {
        clearTimeout(timeout);
        if (this.controller !== controller) return;
        this.controller = null;
        this.schedule();
      });
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.running || document.hidden) return;
    this.timer = setTimeout(() => this.poll(), this.options.intervalMs);
  }

  private readonly onVisibilityChange = (): void => {
    if (document.hidden) clearTimeout(this.timer);
    else if (this.controller === null) this.poll();
  };
}
