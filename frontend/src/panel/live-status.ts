/**
 * The live line in the page header: what the map shows (Live, Replay with the archive's date and time and
 * how far the replay got, or Past with the moment the time control is at), the connection when it is not up (Connecting, Reconnecting, Offline with the time
 * of the last update), and the posts per second the server accepts (from the SSE `stats` event). In the
 * header rather than the panel so it stays in sight however far the panel is scrolled.
 *
 * Accessible names: the indicator is `role="status"` named "Connection" (its text is the state, announced
 * politely when it changes); the replay's time and progress sit beside it, outside the live region, as they
 * change every two seconds; the counter is an `<output>` named "Posts per second" with `aria-live="off"`.
 */
import type { StreamStats } from '../../../common/browser/api';
import type { ConnectionStatus } from '../stream/stream-client';
import { el, formatCount, formatRate, setText } from '../util/dom';
import { formatMoment } from '../util/moment';
import { momentPhrase } from '../time/time-math';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

const RATE_TITLE = 'Posts per second accepted by the server, all regions';

const DEFAULTS = {
  /** A connection down this long is shown as Offline, whatever the browser's EventSource still tries. */
  offlineAfterMs: 10_000,
};

/** What the header shows: the connection's state, or the map's mode once connected. */
type Shown = ConnectionStatus | 'replay' | 'past';

export class LiveStatus {
  private readonly opts: typeof DEFAULTS;
  private root: HTMLElement | null = null;
  private connection!: HTMLElement;
  private connectionText!: HTMLElement;
  private detail!: HTMLElement;
  private rate!: HTMLOutputElement;
  private status: ConnectionStatus = 'connecting';
  private stats: StreamStats | null = null;
  /** When the last `stats` event came (wall clock): the "last update" an Offline header gives. */
  private lastUpdate: number | null = null;
  private offlineTimer: ReturnType<typeof setTimeout> | undefined;
  /** The connection has been down for `offlineAfterMs`. */
  private longDown = false;
  /** The past moment the map shows (ms), or null: live. */
  private at: number | null = null;

  constructor(options: Partial<typeof DEFAULTS> = {}) {
    this.opts = { ...DEFAULTS, ...options };
  }

  mount(parent: HTMLElement): this {
    const root = el('div', 'live-status');
    this.connection = el('p', 'connection');
    this.connection.setAttribute('role', 'status');
    this.connection.setAttribute('aria-label', 'Connection');
    const dot = el('span', 'connection-dot');
    dot.setAttribute('aria-hidden', 'true');
    this.connectionText = el('span', 'connection-text');
    this.connection.append(dot, this.connectionText);
    this.detail = el('span', 'connection-detail');

    this.rate = el('output', 'stream-rate');
    this.rate.setAttribute('aria-label', 'Posts per second');
    this.rate.setAttribute('aria-live', 'off');
    this.rate.title = RATE_TITLE;

    root.append(this.connection, this.detail, this.rate);
    parent.append(root);
    this.root = root;
    this.setConnection('connecting');
    return this;
  }

  destroy(): void {
    clearTimeout(this.offlineTimer);
    this.root?.remove();
    this.root = null;
  }

  setStats(stats: StreamStats): void {
    if (!this.root || this.status !== 'live') return;
    this.stats = stats;
    this.lastUpdate = Date.now();
    setText(this.rate, `${formatRate(stats.rate)} posts/s`);
    this.rate.title = RATE_TITLE + (stats.dropped > 0 ? `. ${formatCount(stats.dropped)} markers skipped to keep this page fluid.` : '');
    this.render();
  }

  /** The map shows a past moment (`at`, ms), or, with null, what is live again. */
  setPast(at: number | null): void {
    this.at = at;
    if (this.root) this.render();
  }

  setConnection(status: ConnectionStatus): void {
    if (!this.root) return;
    this.status = status;
    clearTimeout(this.offlineTimer);
    this.longDown = false;
    if (status === 'reconnecting' || status === 'connecting') {
      // EventSource retries by itself, for ever: past a while the page says plainly that it is offline.
      this.offlineTimer = setTimeout(() => {
        this.longDown = true;
        this.render();
      }, this.opts.offlineAfterMs);
    }
    // A rate from before the drop would be a stale number presented as live.
    if (status !== 'live') setText(this.rate, '– posts/s');
    this.render();
  }

  private render(): void {
    const down = this.status === 'offline' || (this.longDown && this.status !== 'live');
    const shown: Shown = down
      ? 'offline'
      : this.at !== null
        ? 'past'
        : this.status === 'live' && this.stats?.mode === 'replay'
          ? 'replay'
          : this.status;
    this.connection.dataset.status = shown;
    setText(this.connectionText, shown === 'replay' ? 'Replay' : shown === 'past' ? 'Past' : STATUS_TEXT[shown]);
    setText(this.detail, this.detailText(shown));
    this.detail.title =
      shown === 'replay'
        ? 'The time of the replayed archive: the windows end at its newest post'
        : shown === 'past'
          ? 'The map and the panel show this moment from history; Live, under the map, returns to now'
          : '';
  }

  /** Beside the state: a replay's archive time and progress, or when an Offline page last heard the server. */
  private detailText(shown: Shown): string {
    if (shown === 'offline') return this.lastUpdate === null ? 'no update yet' : `last update ${formatMoment(this.lastUpdate, Date.now())}`;
    if (shown === 'past' && this.at !== null) return momentPhrase(this.at);
    if (shown !== 'replay' || !this.stats) return '';
    const { asOf, source } = this.stats;
    const when = asOf === undefined || asOf === null ? '' : formatMoment(asOf, Date.now());
    const progress = source === undefined ? '' : source.state === 'running' ? `${formatCount(source.read)} posts read` : source.state;
    return [when, progress].filter((part) => part !== '').join(' · ');
  }
}
