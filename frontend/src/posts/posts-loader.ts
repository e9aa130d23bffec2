/**
 * Fetches the recent posts of a scope into the RecentPosts list, the newest, or (at a past moment) those up
 * to it. One request at a time: a new scope aborts the request in flight, so a slow answer for the old region
 * can never land in the new one's list. At a moment, the stream's live posts are not added.
 */
import type { Post } from '../../../common/browser/api';
import { fetchPosts } from '../api/api-client';
import type { ScopeQuery } from '../api/query-urls';
import type { RecentPosts } from './recent-posts';

export class PostsLoader {
  private controller: AbortController | null = null;
  private scope: ScopeQuery | null = null;
  /** The moment the posts are up to (ms), or null: now. */
  private at: number | null = null;

  constructor(
    private readonly view: RecentPosts,
    private readonly limit: number,
  ) {}

  /** Empties the list and fills it with the scope's newest posts (up to `at`, ms). `label` says what the scope is. */
  load(scope: ScopeQuery, label: string, at: number | null = null): void {
    this.scope = { ...scope };
    this.at = at;
    this.view.reset(label);
    this.request(false);
  }

  /** Fetches the same scope again and merges (after a reconnect, to fill the gap); keeps what is shown. */
  refresh(): void {
    if (this.scope !== null) this.request(true);
  }

  /** Live posts from the stream, already of the current scope: left out at a past moment. */
  add(posts: readonly Post[]): void {
    if (this.at === null) this.view.add(posts);
  }

  destroy(): void {
    this.controller?.abort();
    this.controller = null;
  }

  private request(quiet: boolean): void {
    const scope = this.scope;
    if (scope === null) return;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const at = this.at;
    fetchPosts(scope, this.limit, controller.signal, at).then(
      (posts) => {
        if (this.controller !== controller) return;
        this.view.add(posts);
        this.view.setLoaded(at !== null);
      },
      (error: unknown) => {
        if (this.controller !== controller) return;
        console.warn('trendmap: recent posts unavailable', error);
        if (!quiet) this.view.setFailed();
      },
    );
  }
}
