/**
 * Search box suggestions for hashtags (`GET /api/tags?prefix=`): the known tags whose key starts with a
 * prefix, the busiest worldwide over `TAG_SEARCH_WINDOW` first.
 *
 * Why a scan and not a sorted index: the vocabulary changes every minute under a live stream (new tags are
 * interned, swept ones forgotten and their ids reused), so a sorted index of keys would have to be re-sorted
 * or merged as it changes: sorting 1M keys took 0.5–0.9 s (measured, 26 Nov), a stall no stream should
 * see, and keeping it sorted incrementally costs another array of 1M entries and its bookkeeping. A scan of
 * the dictionary's keys by id is one `startsWith` per id, allocates only for matches, always sees the
 * vocabulary as it is, and holds nothing: p50 8 ms, p99 54 ms over 1M tags on a busy 2-core machine
 * (`npm run bench -- search`; a box's keystrokes are debounced, so that is a few scans per search). Answers
 * are cached per prefix while the counts stand still (`TrendEngine.tagSearch`).
 */
import { TAG_SEARCH_WINDOW, WORLD, type TagSearchResponse } from '../../../common/browser/api';
import { tagKey } from '../../../common/browser/tag-key';
import type { TagDictionary } from './tag-dictionary';
import { TopK } from './top-k';
import type { WindowStore } from './window-store';

export interface TagSearchQuery {
  /** The start of a tag's key, as `tagPrefixOf` reads it; '' for every tag. */
  prefix: string;
  limit: number;
}

/** Exactly what a tag search reads, and only to read it. */
export interface TagSearchSources {
  /** The world's running totals over the window. */
  store: Pick<WindowStore, 'tally'>;
  /** Every key by id ('' for a freed id), and the display forms. */
  dictionary: Pick<TagDictionary, 'size' | 'key' | 'display'>;
}

/**
 * A prefix as a person types it (`Wor`, `#wor`, `＃ＷＯＲ`) as the start of a tag key: keyed as tags are
 * (`tagKey`: NFKC, lower case), surrounding spaces and one leading `#` dropped.
 */
export function tagPrefixOf(raw: string): string {
  return tagKey(raw.trim()).replace(/^#/, '');
}

/** The tags whose key starts with `query.prefix` and that have posts in the window, by count descending, then key. */
export function answerTagSearch(query: TagSearchQuery, { store, dictionary }: TagSearchSources): TagSearchResponse {
  const { prefix, limit } = query;
  const counts = store.tally(WORLD, TAG_SEARCH_WINDOW);
  const top = new TopK(limit, (id) => dictionary.key(id));
  for (let id = 0; id < dictionary.size; id += 1) {
    // A freed id's key is '', which every prefix but '' fails, and which has no count.
    if (!dictionary.key(id).startsWith(prefix)) continue;
    const count = counts.get(id) ?? 0;
    if (count > 0) top.offer(id, count);
  }
  const tags = top.result().map(({ id, value }) => ({ tag: dictionary.key(id), display: dictionary.display(id), count: value }));
  return { prefix, window: TAG_SEARCH_WINDOW, tags };
}
