/**
 * The top-N ordered list. Each row: rank, `#display`, count, a bar (count against the list's largest), the
 * share of the region's posts, a sparkline of its recent minutes and, in Rising mode, how far it runs above
 * its expected rate. Rows are reused between updates (trends arrive every few seconds): rebuilding would
 * restart the bar transitions, lose hover and focus, and make screen readers re-announce the list.
 *
 * Each row is a toggle button: a click applies the tag as the filter (a second click removes it), hovering
 * or focusing it highlights its dots on the map. Events: `follow` (tag or null), `hover` (tag or null).
 */
import type { SortName, Trend } from '../../../common/browser/api';
import { el, formatCount, formatInteger, setText } from '../util/dom';
import { Emitter } from '../util/emitter';
import { Sparkline } from './sparkline';
import { describeRise, formatRise, formatShare } from './trend-format';

interface TrendListEvents {
  follow: string | null;
  hover: string | null;
}

interface Row {
  item: HTMLLIElement;
  button: HTMLButtonElement;
  rank: HTMLElement;
  name: HTMLElement;
  rise: HTMLElement;
  count: HTMLElement;
  fill: HTMLElement;
  share: HTMLElement;
  spark: Sparkline;
  tag: string;
}

export class TrendList extends Emitter<TrendListEvents> {
  private list: HTMLOListElement | null = null;
  private readonly rows: Row[] = [];
  private followed: string | null = null;
  /** The row under the pointer or keyboard focus; its tag (which changes on refresh) is what is hovered. */
  private hoveredRow: Row | null = null;
  private hovered: string | null = null;

  /** Adds the list to `parent`, named by the heading with id `labelId` ("Top hashtags", "Rising hashtags"). */
  mount(parent: HTMLElement, labelId: string): this {
    this.list = el('ol', 'trend-list');
    this.list.setAttribute('aria-labelledby', labelId);
    parent.append(this.list);
    return this;
  }

  destroy(): void {
    this.list?.remove();
    this.list = null;
    this.rows.length = 0;
    this.removeAllListeners();
  }

  /**
   * Shows `trends` in the server's order; `sort` decides whether the rise figure is shown, `few` (the region
   * holds fewer than `FEW_POSTS` posts) that shares are left out: counts only.
   */
  setTrends(trends: readonly Trend[], sort: SortName, few = false): void {
    if (!this.list) return;
    while (this.rows.length < trends.length) this.rows.push(this.createRow(this.list));
    while (this.rows.length > trends.length) {
      const row = this.rows.pop()!;
      row.item.remove();
      if (row === this.hoveredRow) this.hoveredRow = null;
    }
    const top = Math.max(1, ...trends.map((trend) => trend.count));
    trends.forEach((trend, index) => this.updateRow(this.rows[index], trend, index, top, sort, few));
    this.list.hidden = trends.length === 0;
    // The row under the pointer may now hold another tag; keep the map highlight in step.
    this.setHovered(this.hoveredRow);
  }

  /** Marks the list as being replaced (dimmed, `aria-busy`) while the answer for a new query is on its way. */
  setBusy(busy: boolean): void {
    if (!this.list) return;
    this.list.setAttribute('aria-busy', String(busy));
  }

  /** Marks the filtered tag's row as pressed. */
  setFollowed(tag: string | null): void {
    this.followed = tag;
    for (const row of this.rows) row.button.setAttribute('aria-pressed', String(row.tag === tag));
  }

  private createRow(list: HTMLOListElement): Row {
    const item = el('li', 'trend');
    const button = el('button', 'trend-button');
    button.type = 'button';
    const rank = el('span', 'trend-rank');
    rank.setAttribute('aria-hidden', 'true'); // the ordered list already conveys the rank
    const name = el('span', 'trend-name');
    name.dir = 'auto'; // hashtags in Arabic or Hebrew read right to left
    const rise = el('span', 'trend-rise');
    const count = el('span', 'trend-count');
    const bar = el('span', 'trend-bar');
    bar.setAttribute('aria-hidden', 'true');
    const fill = el('span', 'trend-bar-fill');
    bar.append(fill);
    const share = el('span', 'trend-share');
    const spark = new Sparkline('trend-spark');
    button.append(rank, name, rise, count, bar, share, spark.element);
    item.append(button);
    list.append(item);

    const row: Row = { item, button, rank, name, rise, count, fill, share, spark, tag: '' };
    button.addEventListener('click', () => this.emit('follow', row.tag === this.followed ? null : row.tag));
    button.addEventListener('mouseenter', () => this.setHovered(row));
    button.addEventListener('focus', () => this.setHovered(row));
    button.addEventListener('mouseleave', () => this.setHovered(null));
    button.addEventListener('blur', () => this.setHovered(null));
    return row;
  }

  private updateRow(row: Row, trend: Trend, index: number, top: number, sort: SortName, few: boolean): void {
    row.tag = trend.tag;
    const rising = sort === 'rising';
    setText(row.rank, String(index + 1));
    setText(row.name, `#${trend.display}`);
    setText(row.count, formatCount(trend.count));
    setText(row.share, few ? '' : formatShare(trend.share));
    row.rise.hidden = !rising;
    if (rising) setText(row.rise, formatRise(trend.recent ?? trend.count, trend.expected));
    row.spark.update(trend.spark);
    // scaleX rather than width: a transform animates without relayout.
    row.fill.style.transform = `scaleX(${Math.min(1, trend.count / top)})`;

    const posts = `${formatInteger(trend.count)} ${trend.count === 1 ? 'post' : 'posts'}`;
    const parts = [`#${trend.display}`, posts, ...(few ? [] : [`${formatShare(trend.share)} of posts`])];
    if (rising) parts.push(`rising ${describeRise(trend.recent ?? trend.count, trend.expected)}`);
    const label = parts.join(', ');
    if (row.button.getAttribute('aria-label') !== label) row.button.setAttribute('aria-label', label);
    // The label already carries the figures; the tooltip says what a click does.
    row.button.title = trend.tag === this.followed ? 'Show all hashtags again' : `Show only #${trend.display} on the map`;
    row.button.setAttribute('aria-pressed', String(trend.tag === this.followed));
  }

  private setHovered(row: Row | null): void {
    this.hoveredRow = row;
    const tag = row ? row.tag : null;
    if (tag === this.hovered) return;
    this.hovered = tag;
    this.emit('hover', tag);
  }
}
