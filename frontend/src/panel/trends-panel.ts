/**
 * The side panel (`aria-label="Trends"`): which region is shown, the followed-tag chip, the window switch,
 * the top 10, and the stream status. It owns no state: the app feeds it with `set…` calls and listens to
 * its events — `window` (a window was chosen), `world` (back to the whole world), `follow` (tag or null),
 * `hover` (tag or null, to highlight dots).
 */
import type { StreamStats, TrendsResponse } from '../../../common/src/api';
import { countryName } from '../../../common/src/countries';
import type { WindowName } from '../../../common/src/windows';
import { WORLD } from '../state/url-state';
import type { ConnectionStatus } from '../stream/stream-client';
import { el, setText } from '../util/dom';
import { Emitter } from '../util/emitter';
import { StreamStatus } from './stream-status';
import { TrendList } from './trend-list';
import { WindowSelector } from './window-selector';

interface TrendsPanelEvents {
  window: WindowName;
  world: void;
  follow: string | null;
  hover: string | null;
}

export class TrendsPanel extends Emitter<TrendsPanelEvents> {
  private root: HTMLElement | null = null;
  private heading!: HTMLHeadingElement;
  private worldButton!: HTMLButtonElement;
  private chip!: HTMLButtonElement;
  private chipText!: HTMLElement;
  private error!: HTMLElement;
  private readonly windows = new WindowSelector();
  private readonly list = new TrendList();
  private readonly status = new StreamStatus();
  private window: WindowName | null = null;

  /** Builds the panel inside `parent` (the Trends aside of index.html). */
  mount(parent: HTMLElement): this {
    const root = el('div', 'trends-panel');

    const head = el('div', 'panel-head');
    const titles = el('div', 'panel-titles');
    titles.append(el('p', 'panel-kicker', 'Trending in'));
    this.heading = el('h2', 'panel-region', 'World');
    titles.append(this.heading);
    this.worldButton = el('button', 'world-button', '← World');
    this.worldButton.type = 'button';
    this.worldButton.title = 'Show trends for the whole world';
    this.worldButton.addEventListener('click', () => this.emit('world', undefined));
    head.append(titles, this.worldButton);

    // The chip is a single button: the whole pill is the click target, the × is decoration.
    this.chip = el('button', 'tag-chip');
    this.chip.type = 'button';
    this.chipText = el('span', 'tag-chip-text');
    const cross = el('span', 'tag-chip-close', '×');
    cross.setAttribute('aria-hidden', 'true');
    this.chip.append(this.chipText, cross);
    this.chip.addEventListener('click', () => this.emit('follow', null));

    this.error = el('p', 'panel-error', 'Trends are unavailable right now; retrying…');
    this.error.setAttribute('role', 'alert');
    this.error.hidden = true;

    root.append(head, this.chip);
    this.windows.mount(root);
    this.list.mount(root);
    root.append(this.error);
    this.status.mount(root);
    const hint = 'Click a country to see its trends, the sea to go back to the world. Click a trend to follow it live.';
    root.append(el('p', 'panel-hint', hint));

    this.windows.on('change', (name) => this.emit('window', name));
    this.list.on('follow', (tag) => this.emit('follow', tag));
    this.list.on('hover', (tag) => this.emit('hover', tag));

    parent.append(root);
    this.root = root;
    this.setTag(null);
    return this;
  }

  destroy(): void {
    this.windows.destroy();
    this.list.destroy();
    this.status.destroy();
    this.root?.remove();
    this.root = null;
    this.removeAllListeners();
  }

  setRegion(region: string): void {
    if (!this.root) return;
    const world = region === WORLD;
    setText(this.heading, world ? 'World' : (countryName(region) ?? region));
    this.worldButton.hidden = world;
  }

  setWindow(name: WindowName): void {
    this.window = name;
    this.windows.setWindow(name);
  }

  /** Shows the chip for a followed tag, or hides it. */
  setTag(tag: string | null): void {
    if (!this.root) return;
    this.chip.hidden = tag === null;
    if (tag !== null) {
      setText(this.chipText, `#${tag}`);
      this.chip.setAttribute('aria-label', `Stop following #${tag}`);
      this.chip.title = `The map shows only posts with #${tag}. Click to show all posts.`;
    }
    this.list.setFollowed(tag);
  }

  /** The region or window changed: the old list no longer applies. */
  setLoading(): void {
    this.list.setTrends([]);
    this.list.setMessage('Loading…');
    this.status.clearTotals();
  }

  setTrends(response: TrendsResponse): void {
    this.error.hidden = true;
    this.list.setTrends(response.trends.slice(0, 10));
    if (this.window !== null) this.status.setTotals(response.total, this.window, response.asOf);
  }

  /** A poll failed: keep the last list (it is still the best we have) and say that it may be stale. */
  setTrendsError(): void {
    if (this.root) this.error.hidden = false;
  }

  setStats(stats: StreamStats): void {
    this.status.setStats(stats);
  }

  setConnection(status: ConnectionStatus): void {
    this.status.setConnection(status);
  }
}
