/**
 * The small print under the list: posts in the window (from the trends poll), posts per second (from the
 * SSE `stats` event) and the connection indicator (live / connecting / reconnecting).
 */
import type { StreamStats } from '../../../common/src/api';
import type { WindowName } from '../../../common/src/windows';
import type { ConnectionStatus } from '../stream/stream-client';
import { el, formatCount, formatRate, formatTime, setText } from '../util/dom';
import { windowPhrase } from './window-selector';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

export class StreamStatus {
  private root: HTMLElement | null = null;
  private totals!: HTMLElement;
  private rate!: HTMLElement;
  private connection!: HTMLElement;
  private connectionText!: HTMLElement;

  mount(parent: HTMLElement): this {
    const root = el('div', 'stream-status');
    this.totals = el('p', 'stream-totals', '\u00a0');

    const line = el('p', 'stream-line');
    this.connection = el('span', 'connection');
    const dot = el('span', 'connection-dot');
    dot.setAttribute('aria-hidden', 'true');
    this.connectionText = el('span', 'connection-text');
    // Polite live region on the status word only: the rate changes every second and must not be read out.
    this.connectionText.setAttribute('role', 'status');
    this.connection.append(dot, this.connectionText);
    this.rate = el('span', 'stream-rate', '– posts/s');
    this.rate.title = 'Posts per second accepted by the server, all regions';
    line.append(this.connection, this.rate);

    root.append(this.totals, line);
    parent.append(root);
    this.root = root;
    this.setConnection('connecting');
    return this;
  }

  destroy(): void {
    this.root?.remove();
    this.root = null;
  }

  /** "12,345 posts in the last hour"; before the first post, says so. */
  setTotals(total: number, windowName: WindowName, asOf: number | null): void {
    if (!this.root) return;
    const posts = total === 1 ? 'post' : 'posts';
    const text = `${formatCount(total)} ${posts} in ${windowPhrase(windowName)}`;
    setText(this.totals, asOf === null ? 'Waiting for the first posts…' : text);
    // The window ends at the newest event seen, which lags the wall clock when replaying an archive.
    this.totals.title = asOf === null ? '' : `Window ending ${formatTime(asOf)}`;
  }

  clearTotals(): void {
    if (this.root) setText(this.totals, '\u00a0');
  }

  setStats(stats: StreamStats): void {
    if (!this.root) return;
    setText(this.rate, `${formatRate(stats.rate)} posts/s`);
    this.rate.title =
      'Posts per second accepted by the server, all regions' +
      (stats.dropped > 0 ? `. ${formatCount(stats.dropped)} markers skipped to keep this page fluid.` : '');
  }

  setConnection(status: ConnectionStatus): void {
    if (!this.root) return;
    this.connection.dataset.status = status;
    setText(this.connectionText, STATUS_TEXT[status]);
    // A rate from before the drop would be a stale number presented as live.
    if (status !== 'live') setText(this.rate, '– posts/s');
  }
}
