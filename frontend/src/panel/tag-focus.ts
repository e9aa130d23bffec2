/**
 * The panel's section for the tag filter (`?tag=x`): the tag, a control to clear it, how many posts carry
 * it worldwide, and the countries where it is strongest (name, count, share of that country's posts).
 * A country row selects that country. Events: `clear`, `region` (alpha-2 code).
 */
import type { TagRegionsResponse } from '../../../common/browser/api';
import { fewPosts } from '../../../common/browser/few-posts';
import { countryName } from '../../../common/browser/countries';
import type { HistoryWindowName } from '../../../common/browser/windows';
import { el, formatCount, formatInteger, setText } from '../util/dom';
import { Emitter } from '../util/emitter';
import { formatShare } from './trend-format';
import { windowPhrase } from './window-selector';

interface TagFocusEvents {
  clear: void;
  region: string;
}

/** Countries listed; the map shows the rest. */
const MAX_REGIONS = 10;

interface Row {
  button: HTMLButtonElement;
  name: HTMLElement;
  count: HTMLElement;
  share: HTMLElement;
  fill: HTMLElement;
  region: string;
}

export class TagFocus extends Emitter<TagFocusEvents> {
  private root: HTMLElement | null = null;
  private title!: HTMLElement;
  private clear!: HTMLButtonElement;
  private total!: HTMLElement;
  private list!: HTMLOListElement;
  private message!: HTMLElement;
  private readonly rows: Row[] = [];
  private tag: string | null = null;
  private selected: string | null = null;

  mount(parent: HTMLElement): this {
    const root = el('section', 'tag-focus');
    root.setAttribute('aria-labelledby', 'tag-focus-title');
    const head = el('div', 'tag-focus-head');
    this.title = el('h3', 'tag-focus-title');
    this.title.id = 'tag-focus-title';
    this.title.dir = 'auto';
    this.clear = el('button', 'tag-clear');
    this.clear.type = 'button';
    const cross = el('span', 'tag-clear-icon', '×');
    cross.setAttribute('aria-hidden', 'true');
    this.clear.append(cross, document.createTextNode(' Clear'));
    this.clear.addEventListener('click', () => this.emit('clear', undefined));
    head.append(this.title, this.clear);

    this.total = el('p', 'tag-focus-total');
    this.list = el('ol', 'tag-region-list');
    this.message = el('p', 'panel-message');
    root.append(head, this.total, this.list, this.message);
    parent.append(root);
    this.root = root;
    this.setTag(null);
    return this;
  }

  destroy(): void {
    this.root?.remove();
    this.root = null;
    this.rows.length = 0;
    this.removeAllListeners();
  }

  /** Shows the section for `tag` (a grouping key) with nothing loaded yet, or hides it for null. */
  setTag(tag: string | null): void {
    if (!this.root) return;
    this.tag = tag;
    this.root.hidden = tag === null;
    if (tag === null) return;
    this.setDisplay(tag);
    setText(this.total, '\u00a0');
    this.render([]);
    this.showMessage('Finding where it is trending…');
  }

  /** Highlights the selected country's row. */
  setSelected(region: string | null): void {
    this.selected = region;
    for (const row of this.rows) row.button.setAttribute('aria-pressed', String(row.region === region));
  }

  setRegions(response: TagRegionsResponse, windowName: HistoryWindowName): void {
    if (!this.root || this.tag === null || response.tag !== this.tag) return;
    this.setDisplay(response.display);
    const phrase = windowPhrase(windowName);
    const posts = response.total === 1 ? 'post' : 'posts';
    setText(this.total, `${formatCount(response.total)} ${posts} worldwide in ${phrase}. Strongest in:`);
    const regions = response.regions.slice(0, MAX_REGIONS);
    this.render(regions);
    if (regions.length > 0) this.showMessage(null);
    else if (response.total > 0) this.showMessage('Only posts outside any country so far.');
    else this.showMessage(`No posts with #${response.display} in ${phrase}.`);
  }

  private setDisplay(display: string): void {
    setText(this.title, `#${display}`);
    this.clear.setAttribute('aria-label', `Clear tag #${display}`);
    this.clear.title = `Show all hashtags again, not only #${display}`;
    this.list.setAttribute('aria-label', `Countries where #${display} is strongest`);
  }

  private render(regions: TagRegionsResponse['regions']): void {
    while (this.rows.length < regions.length) this.rows.push(this.createRow());
    while (this.rows.length > regions.length) this.rows.pop()!.button.parentElement?.remove();
    const top = Math.max(1, ...regions.map((region) => region.count));
    regions.forEach((region, i) => {
      const row = this.rows[i];
      const name = countryName(region.region) ?? region.region;
      row.region = region.region;
      setText(row.name, name);
      setText(row.count, formatCount(region.count));
      // With few posts of its own a country's share is noise: its counts say it instead.
      const few = fewPosts(region.posts);
      setText(row.share, few ? `of ${formatCount(region.posts)}` : formatShare(region.share));
      row.fill.style.transform = `scaleX(${Math.min(1, region.count / top)})`;
      const label = few
        ? `${name}: ${formatInteger(region.count)} of its ${formatInteger(region.posts)} posts, too few for a share`
        : `${name}: ${formatInteger(region.count)} posts, ${formatShare(region.share)} of its posts`;
      row.button.setAttribute('aria-label', label);
      row.button.title = `See the trends of ${name}`;
      row.button.setAttribute('aria-pressed', String(region.region === this.selected));
    });
    this.list.hidden = regions.length === 0;
  }

  private createRow(): Row {
    const item = el('li', 'tag-region');
    const button = el('button', 'tag-region-button');
    button.type = 'button';
    const name = el('span', 'tag-region-name');
    const count = el('span', 'tag-region-count');
    const share = el('span', 'tag-region-share');
    const bar = el('span', 'trend-bar');
    bar.setAttribute('aria-hidden', 'true');
    const fill = el('span', 'trend-bar-fill');
    bar.append(fill);
    button.append(name, count, share, bar);
    item.append(button);
    this.list.append(item);
    const row: Row = { button, name, count, share, fill, region: '' };
    button.addEventListener('click', () => this.emit('region', row.region));
    return row;
  }

  private showMessage(message: string | null): void {
    this.message.hidden = message === null;
    if (message !== null) setText(this.message, message);
  }
}
