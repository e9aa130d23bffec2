/**
 * The live line in the page header: the connection indicator (Live / Connecting / Reconnecting / Offline)
 * and the posts per second the server accepts (from the SSE `stats` event). In the header rather than the
 * panel so it stays in sight however far the panel is scrolled.
 *
 * Accessible names: the indicator is `role="status"` named "Connection" (its text is the state, announced
 * politely when it changes); the counter is an `<output>` named "Posts per second" with `aria-live="off"`,
 * because a number that changes every two seconds must not be read out each time.
 */
import type { StreamStats } from '../../../common/browser/api';
import type { ConnectionStatus } from '../stream/stream-client';
import { el, formatCount, formatRate, setText } from '../util/dom';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline, retrying…',
};

const RATE_TITLE = 'Posts per second accepted by the server, all regions';

export class LiveStatus {
  private root: HTMLElement | null = null;
  private connection!: HTMLElement;
  private connectionText!: HTMLElement;
  private rate!: HTMLOutputElement;

  mount(parent: HTMLElement): this {
    const root = el('div', 'live-status');
    this.connection = el('p', 'connection');
    this.connection.setAttribute('role', 'status');
    this.connection.setAttribute('aria-label', 'Connection');
    const dot = el('span', 'connection-dot');
    dot.setAttribute('aria-hidden', 'true');
    this.connectionText = el('span', 'connection-text');
    this.connection.append(dot, this.connectionText);

    this.rate = el('output', 'stream-rate');
    this.rate.setAttribute('aria-label', 'Posts per second');
    this.rate.setAttribute('aria-live', 'off');
    this.rate.title = RATE_TITLE;

    root.append(this.connection, this.rate);
    parent.append(root);
    this.root = root;
    this.setConnection('connecting');
    return this;
  }

  destroy(): void {
    this.root?.remove();
    this.root = null;
  }

  setStats(stats: StreamStats): void {
    if (!this.root || this.connection.dataset.status !== 'live') return;
    setText(this.rate, `${formatRate(stats.rate)} posts/s`);
    this.rate.title = RATE_TITLE + (stats.dropped > 0 ? `. ${formatCount(stats.dropped)} markers skipped to keep this page fluid.` : '');
  }

  setConnection(status: ConnectionStatus): void {
    if (!this.root) return;
    this.connection.dataset.status = status;
    setText(this.connectionText, STATUS_TEXT[status]);
    // A rate from before the drop would be a stale number presented as live.
    if (status !== 'live') setText(this.rate, '– posts/s');
  }
}
