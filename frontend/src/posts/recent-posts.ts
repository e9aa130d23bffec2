/**
 * "Recent posts": the latest posts (text, place, time) for the region (or the view's bbox) and tag the page
 * shows. Filled from `GET /api/posts` when the scope changes, then kept current by the stream's `posts`
 * events; about 20 are kept.
 *
 * Post content is hostile until proven otherwise: every piece of it goes in as a text node (`textContent`)
 * and `dir="auto"`, never as markup, so `<img src=x onerror=…>` in a post is shown as those characters.
 * The list is not a live region: posts arrive several times a second and would drown a screen reader.
 */
import { formatMoment } from '../util/moment';
import type { Post } from '../../../common/browser/api';
import { countryName } from '../../../common/browser/countries';
import { el, setText } from '../util/dom';
import { mergePosts, postPlace } from './post-feed';

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export class RecentPosts {
  private root: HTMLElement | null = null;
  private scope!: HTMLElement;
  private list!: HTMLOListElement;
  private message!: HTMLElement;
  private posts: Post[] = [];
  /** DOM items by post id, reused when a post stays in the list (no flicker, no re-layout). */
  private readonly items = new Map<string, HTMLLIElement>();

  constructor(private readonly limit: number) {}

  mount(parent: HTMLElement): this {
    // The list alone carries the name "Recent posts"; naming the section too would give two elements of
    // that name (and a landmark that adds nothing to the list's own).
    const root = el('section', 'recent-posts');
    const head = el('div', 'recent-posts-head');
    const title = el('h2', 'recent-posts-title', 'Recent posts');
    title.id = 'recent-posts-title';
    this.scope = el('p', 'recent-posts-scope');
    head.append(title, this.scope);
    this.list = el('ol', 'post-list');
    this.list.setAttribute('aria-label', 'Recent posts');
    this.message = el('p', 'panel-message', 'Loading posts…');
    root.append(head, this.list, this.message);
    parent.append(root);
    this.root = root;
    return this;
  }

  destroy(): void {
    this.root?.remove();
    this.root = null;
    this.items.clear();
  }

  /** A new scope ("in France · #worldcup"): the old posts no longer apply. */
  reset(scope: string): void {
    setText(this.scope, scope);
    this.posts = [];
    this.render();
    this.showMessage('Loading posts…');
  }

  /** Adds posts (from the request or the stream), keeping the newest `limit`. */
  add(posts: readonly Post[]): void {
    this.posts = mergePosts(this.posts, posts, this.limit);
    this.render();
  }

  /** The request for the scope's posts failed; live posts still arrive. */
  setFailed(): void {
    if (this.posts.length === 0) this.showMessage('Recent posts are unavailable right now.');
  }

  /** The request answered: say so if there was nothing (live posts may still come; none for a past moment). */
  setLoaded(past = false): void {
    if (this.posts.length > 0) return;
    this.showMessage(
      past
        ? 'No posts held from before this moment: the server keeps the newest posts only, and history keeps counts.'
        : 'No posts here yet. New ones appear as they arrive.',
    );
  }

  private render(): void {
    if (!this.root) return;
    const keep = new Set(this.posts.map((post) => post.id));
    for (const [id, item] of this.items) {
      if (keep.has(id)) continue;
      item.remove();
      this.items.delete(id);
    }
    // Walk in display order, inserting new items where they belong; existing nodes are moved only if needed.
    let cursor: ChildNode | null = this.list.firstChild;
    for (const post of this.posts) {
      const item = this.items.get(post.id) ?? this.createItem(post);
      if (item !== cursor) this.list.insertBefore(item, cursor);
      else cursor = cursor.nextSibling;
    }
    this.list.hidden = this.posts.length === 0;
    if (this.posts.length > 0) this.showMessage(null);
  }

  private createItem(post: Post): HTMLLIElement {
    const item = el('li', 'post');
    const text = el('p', 'post-text');
    text.dir = 'auto';
    // Text when the source gave it, else the hashtags the post carried.
    text.textContent = post.text ?? post.tags.map((tag) => `#${tag}`).join(' ');
    if (post.text === null) text.classList.add('is-tags-only');

    const meta = el('p', 'post-meta');
    const place = el('span', 'post-place', postPlace(post, countryName));
    place.dir = 'auto';
    // The date too when not today: a replayed archive's posts must not read as today's.
    const time = el('time', 'post-time', formatMoment(post.ts, Date.now()));
    time.dateTime = new Date(post.ts).toISOString();
    time.title = dateTimeFormat.format(post.ts);
    meta.append(place, document.createTextNode(' · '), time);

    item.append(text, meta);
    this.items.set(post.id, item);
    return item;
  }

  private showMessage(text: string | null): void {
    this.message.hidden = text === null;
    if (text !== null) setText(this.message, text);
  }
}
