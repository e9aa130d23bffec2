/**
 * Answers by query, kept while what they were computed from is unchanged: many SSE sessions and API
 * clients ask the same few questions (regions x windows x sorts) between two posts, and an answer costs
 * milliseconds. An answer is valid at the version it was computed at (`PostCounts.version`); past
 * `ANSWER_CACHE_KEYS` keys (boxes make keys without end) the cache starts over.
 */

/** Most queries kept before the cache is emptied. */
export const ANSWER_CACHE_KEYS = 1_000;

export class AnswerCache<T> {
  private readonly answers = new Map<string, { version: number; answer: T }>();

  /** The answer to `key` at `version`: the kept one if it was computed at that version, else `compute()`'s. */
  get<A extends T>(key: string, version: number, compute: () => A): A {
    const hit = this.answers.get(key);
    if (hit?.version === version) return hit.answer as A;
    const answer = compute();
    if (this.answers.size > ANSWER_CACHE_KEYS) this.answers.clear();
    this.answers.set(key, { version, answer });
    return answer;
  }
}
