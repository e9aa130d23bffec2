/**
 * The top-N ordered list: rank, `#display`, count, and a bar sized by count relative to the first entry.
 * Rows are reused between refreshes (the list updates every 2 s): rebuilding would restart the bar
 * transitions, lose hover and focus, and make screen readers re-announce the list.
 *
 * Each row is a toggle button: click follows the tag (the stream then carries only its posts), hovering or
 * focusing it highlights its dots on the map. Events: `follow` (tag or null to stop), `hover` (tag or null).
 */
import type { Trend } from '../../../common/src/api';
import { el, formatCount, setText } from '../util/dom';
import { Emitter } from '../util/emitter';

interface TrendListEvents {
  follow: string | null;
  hover: string | null;
}

interface Row {
  item: HTMLLIElement;
  button: HTMLButtonElement;
  rank: HTMLElement;
  name: HTMLElement;
  count: HTMLElement;
  fill: HTMLElement;
  tag: string;
}

export class TrendList extends Emitter<TrendListEvents> {
  private list: HTMLOListElement | null = null;
  private empty: HTMLElement | null = null;
  private readonly rows: Row[] = [];
  private followed: string | null = null;
  /** The row under the pointer or keyboard focus; its tag (which changes on refresh) is what is hovered. */
  private hoveredRow: Row | null = null;
  private hovered: string | null = null;

  mount(parent: HTMLElement): this {
    this.list = el('ol', 'trend-list');
    this.empty = el('p', 'trend-empty', 'Loading…');
    parent.append(this.list, this.empty);
    return this;
  }

  destroy(): void {
    this.list?.remove();
    this.empty?.remove();
    this.list = null;
    this.empty = null;
    this.rows.length = 0;
    this.removeAllListeners();
  }

  /** Shows `trends` (already sorted by count, as the server sends them). */
  setTrends(trends: readonly Trend[]): void {
    if (!this.list || !this.empty) return;
    while (this.rows.length < trends.length) this.rows.push(this.createRow());
    while (this.rows.length > trends.length) {
      const row = this.rows.pop()!;
      row.item.remove();
      if (row === this.hoveredRow) this.hoveredRow = null;
    }
    const top = trends.length > 0 ? Math.max(1, trends[0].count) : 1;
    trends.forEach((trend, index) => this.updateRow(this.rows[index], trend, index, top));
    if (trends.length === 0) this.setMessage('No tagged posts in this window yet.');
    else this.setMessage(null);
    // The row under the pointer may now hold another tag; keep the map highlight in step.
    this.setHovered(this.hoveredRow);
  }

  /** Replaces the list with a short message (loading, empty, error), or removes the message with null. */
  setMessage(message: string | null): void {
    if (!this.empty || !this.list) return;
    this.empty.hidden = message === null;
    if (message !== null) setText(this.empty, message);
  }

  /** Marks the followed tag's row as pressed. */
  setFollowed(tag: string | null): void {
    this.followed = tag;
    for (const row of this.rows) row.button.setAttribute('aria-pressed', String(row.tag === tag));
  }

  private createRow(): Row {
    const item = el('li', 'trend');
    const button = el('button', 'trend-button');
    button.type = 'button';
    const rank = el('span', 'trend-rank');
    rank.setAttribute('aria-hidden', 'true'); // the ordered list already conveys the rank
    const name = el('span', 'trend-name');
    const count = el('span', 'trend-count');
    const bar = el('span', 'trend-bar');
    bar.setAttribute('aria-hidden', 'true');
    const fill = el('span', 'trend-bar-fill');
    bar.append(fill);
    button.append(rank, name, count, bar);
    item.append(button);
    this.list!.append(item);

    const row: Row = { item, button, rank, name, count, fill, tag: '' };
    button.addEventListener('click', () => this.emit('follow', row.tag === this.followed ? null : row.tag));
    button.addEventListener('mouseenter', () => this.setHovered(row));
    button.addEventListener('focus', () => this.setHovered(row));
    button.addEventListener('mouseleave', () => this.setHovered(null));
    button.addEventListener('blur', () => this.setHovered(null));
    return row;
  }

  private updateRow(row: Row, trend: Trend, index: number, top: number): void {
    row.tag = trend.tag;
    setText(row.rank, String(index + 1));
    setText(row.name, `#${trend.display}`);
    setText(row.count, formatCount(trend.count));
    row.button.title = `#${trend.display}: ${trend.count.toLocaleString('en')} posts. Click to follow on the map.`;
    row.button.setAttribute('aria-pressed', String(trend.tag === this.followed));
    // scaleX rather than width: a transform animates without relayout.
    row.fill.style.transform = `scaleX(${Math.min(1, trend.count / top)})`;
  }

  private setHovered(row: Row | null): void {
    this.hoveredRow = row;
    const tag = row ? row.tag : null;
    if (tag === this.hovered) return;
    this.hovered = tag;
    this.emit('hover', tag);
  }
}
