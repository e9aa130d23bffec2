/**
 * The side panel (`aria-label="Trends"` on its aside): the region heading ("World", "France", "This view"),
 * the moment shown when it is not now ("as of Fri 20 Nov, 18:00 · hourly"), the window selector, the Top | Rising switch, the tag section when a tag filters the map, and the top 10.
 * It owns no state: the app feeds it with `set…` calls and listens to its events — `window`, `sort`,
 * `follow` (tag or null), `hover` (tag or null, to highlight dots), `region` (a country picked in the tag
 * section).
 *
 * States of the list: loading (a new query, nothing for it yet: the old list stays dimmed with
 * `aria-busy`), empty (said in words, different for Top and Rising), not live (the last list stays,
 * with a note saying how old it is; only for a list that follows the stream), unavailable (offline with
 * nothing to show).
 */
import type { SortName, TagRegionsResponse, TrendsResponse } from '../../../common/browser/api';
import { DEFAULT_SORT, FEW_POSTS, RISING, TRENDS_LIMIT, VIEW, WORLD } from '../../../common/browser/api-constants';
import { countryName } from '../../../common/browser/countries';
import { fewPosts } from '../../../common/browser/few-posts';
import { DEFAULT_WINDOW, type HistoryWindowName } from '../../../common/browser/windows';
import { momentPhrase, resolutionWord } from '../time/time-math';
import type { ConnectionStatus } from '../stream/stream-client';
import { el, formatCount, formatTime, setText } from '../util/dom';
import { Emitter } from '../util/emitter';
import { createSortSwitch } from './sort-switch';
import { TagFocus } from './tag-focus';
import { TrendList } from './trend-list';
import { createWindowSelector, spannedWindow, windowPhrase } from './window-selector';

interface TrendsPanelEvents {
  window: HistoryWindowName;
  sort: SortName;
  follow: string | null;
  hover: string | null;
  region: string;
}

/** The heading for a region value: "World", "This view", or the country's English name. */
export function regionHeading(region: string): string {
  if (region === WORLD) return 'World';
  if (region === VIEW) return 'This view';
  return countryName(region) ?? region;
}

export class TrendsPanel extends Emitter<TrendsPanelEvents> {
  private root: HTMLElement | null = null;
  private heading!: HTMLHeadingElement;
  private totals!: HTMLElement;
  private moment!: HTMLElement;
  private listTitle!: HTMLElement;
  private message!: HTMLElement;
  private readonly windows = createWindowSelector();
  private readonly sorts = createSortSwitch();
  private readonly tagFocus = new TagFocus();
  private readonly list = new TrendList();
  private region: string = WORLD;
  private window: HistoryWindowName = DEFAULT_WINDOW;
  /** Whether the list follows the stream (live windows, now) or is asked for (a moment, 7d, 30d). */
  private streamed = true;
  private sort: SortName = DEFAULT_SORT;
  private connection: ConnectionStatus = 'connecting';
  /** The last answer for the current query, or null while it is on its way. */
  private current: TrendsResponse | null = null;
  /** Whether the list shows anything at all (possibly for an older query). */
  private shown = false;

  /** Builds the panel inside `parent` (the Trends aside of index.html). */
  mount(parent: HTMLElement): this {
    const root = el('div', 'trends-panel');

    const head = el('div', 'panel-head');
    head.append(el('p', 'panel-kicker', 'Trending in'));
    this.heading = el('h2', 'panel-region', 'World');
    this.heading.tabIndex = -1; // focused from code (after Clear), not a stop of the Tab order
    this.totals = el('p', 'panel-totals', '\u00a0');
    this.moment = el('p', 'panel-moment');
    this.moment.hidden = true;
    head.append(this.heading, this.totals, this.moment);
    root.append(head);

    const controls = el('div', 'panel-controls');
    this.windows.mount(controls);
    this.sorts.mount(controls);
    root.append(controls);

    this.tagFocus.mount(root);

    this.listTitle = el('h3', 'panel-list-title', 'Top hashtags');
    this.listTitle.id = 'trend-list-title';
    root.append(this.listTitle);
    this.list.mount(root, this.listTitle.id);
    this.message = el('p', 'panel-message');
    root.append(this.message);

    const hint = 'Click a country for its trends, the sea for the world. Click a hashtag to see where it is trending.';
    root.append(el('p', 'panel-hint', hint));

    this.windows.on('change', (name) => this.emit('window', name));
    this.sorts.on('change', (sort) => this.emit('sort', sort));
    this.list.on('follow', (tag) => this.emit('follow', tag));
    this.list.on('hover', (tag) => this.emit('hover', tag));
    this.tagFocus.on('clear', () => {
      this.emit('follow', null);
      // The Clear button goes with the tag's section: the keyboard's place moves to the region's heading,
      // above the list that comes back, rather than falling to the page's start.
      this.heading.focus();
    });
    this.tagFocus.on('region', (region) => this.emit('region', region));

    parent.append(root);
    this.root = root;
    this.render();
    return this;
  }

  destroy(): void {
    this.windows.destroy();
    this.sorts.destroy();
    this.tagFocus.destroy();
    this.list.destroy();
    this.root?.remove();
    this.root = null;
    this.removeAllListeners();
  }

  setRegion(region: string): void {
    this.region = region;
    setText(this.heading, regionHeading(region));
    this.tagFocus.setSelected(region === WORLD || region === VIEW ? null : region);
  }

  /**
   * Whether the list follows the stream (true) or comes from requests (a moment in history, a 7d or 30d
   * window): then the stream's connection says nothing about how current it is.
   */
  setStreamed(streamed: boolean): void {
    this.streamed = streamed;
    this.render();
  }

  setWindow(name: HistoryWindowName): void {
    this.window = name;
    this.windows.select(name);
  }

  setSort(sort: SortName): void {
    this.sort = sort;
    this.sorts.select(sort);
    const title = sort === 'rising' ? 'Rising hashtags' : 'Top hashtags';
    setText(this.listTitle, title);
  }

  /** Shows the tag section for `tag` (or hides it) and marks its row in the list. */
  setTag(tag: string | null): void {
    this.tagFocus.setTag(tag);
    this.list.setFollowed(tag);
  }

  setTagRegions(response: TagRegionsResponse): void {
    this.tagFocus.setRegions(response, spannedWindow(this.window, response.at));
  }

  /** The query changed: what the list shows is for the previous one until `setTrends`. */
  setPending(): void {
    this.current = null;
    this.render();
  }

  setTrends(response: TrendsResponse): void {
    this.current = response;
    this.shown = response.trends.length > 0;
    // The stream asks for no `limit`, so the server sends its default page; a longer answer is cut to it.
    this.list.setTrends(response.trends.slice(0, TRENDS_LIMIT.default), response.sort, fewPosts(response.total));
    this.render();
  }

  setConnection(status: ConnectionStatus): void {
    this.connection = status;
    this.render();
  }

  private render(): void {
    if (!this.root) return;
    const response = this.current;
    const live = this.connection === 'live';
    this.list.setBusy(response === null && this.shown);
    this.renderMoment(response);

    if (response === null) {
      setText(this.totals, '\u00a0');
      this.totals.title = '';
      if (this.connection === 'offline' && !this.shown) {
        this.showMessage('Trends are unavailable: no connection to the server. Retrying…', true);
      } else {
        this.showMessage(this.shown ? 'Updating…' : 'Loading trends…');
      }
      return;
    }

    this.renderTotals(response);
    if (!live && this.streamed) {
      const asOf = response.asOf === null ? '' : ` from ${formatTime(response.asOf)}`;
      this.showMessage(`Not live: showing the last trends received${asOf}.`, true);
    } else if (response.trends.length > 0) {
      this.showMessage(null);
    } else {
      this.showMessage(this.emptyText(response));
    }
  }

  /** "as of Fri 20 Nov, 18:00 · hourly" for an answer of history, "hourly" for a history window now. */
  private renderMoment(response: TrendsResponse | null): void {
    const resolution = response?.resolution === undefined ? null : resolutionWord(response.resolution);
    const end = response?.at === undefined ? null : (response.asOf ?? response.at);
    const text = end !== null ? `as of ${momentPhrase(end)}` : null;
    const parts = [text, this.streamed ? null : resolution].filter((part): part is string => part !== null);
    this.moment.hidden = parts.length === 0;
    setText(this.moment, parts.join(' · '));
  }

  private renderTotals(response: TrendsResponse): void {
    if (response.asOf === null) {
      setText(this.totals, 'Waiting for the first posts…');
      this.totals.title = '';
      return;
    }
    const posts = response.total === 1 ? 'post' : 'posts';
    const few = fewPosts(response.total) ? `: few posts, so no shares (from ${FEW_POSTS})` : '';
    setText(this.totals, `${formatCount(response.total)} ${posts} in ${this.spanPhrase(response)}${few}`);
    // The window ends at the newest event seen, which lags the wall clock when replaying an archive.
    this.totals.title = `Window ending ${formatTime(response.asOf)}`;
  }

  /** The span an answer counts, said ("the last hour"): its window, or 15m's hour at a past moment. */
  private spanPhrase(response: TrendsResponse): string {
    return windowPhrase(spannedWindow(this.window, response.at));
  }

  private emptyText(response: TrendsResponse): string {
    const where = this.region === WORLD ? 'anywhere' : this.region === VIEW ? 'in this view' : `in ${regionHeading(this.region)}`;
    if (response.asOf === null) return 'Waiting for the first posts…';
    if (this.sort === 'rising' && response.referenceMinutes === 0) {
      const shorter = this.window === '15m' ? '' : ' A shorter window needs less history.';
      return `Too early to tell what is rising: the server has no posts from before ${windowPhrase(this.window)} to compare with yet.${shorter}`;
    }
    if (this.sort === 'rising') {
      return `Nothing is rising ${where} ${response.at === undefined ? 'right now' : 'then'}. A rising hashtag needs at least ${RISING.minCount} posts in the window and more than its usual rate.`;
    }
    return `No hashtags ${where} in ${this.spanPhrase(response)}.`;
  }

  private showMessage(text: string | null, warning = false): void {
    this.message.hidden = text === null;
    this.message.classList.toggle('is-warning', warning);
    if (text !== null) setText(this.message, text);
  }
}
