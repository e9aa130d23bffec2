/**
 * Picks the k largest counts from a tally, ordered by count descending then key ascending, in one pass
 * with a small sorted buffer: O(n) for the scan plus O(k) per entry that enters the top k, which after the
 * first few entries is rare. Keys are compared only to break ties at the boundary.
 */
export interface Ranked {
  id: number;
  count: number;
}

export function topK(tally: ReadonlyMap<number, number>, k: number, keyOf: (id: number) => string): Ranked[] {
  const top = new TopK(k, keyOf);
  for (const [id, count] of tally) top.offer(id, count);
  return top.result().map(({ id, value }) => ({ id, count: value }));
}

/**
 * The same selection fed one (id, value) at a time, for callers whose candidates are not a Map (a box's
 * dense counts) or whose value is not a count (the rising score). Only an entry that enters the top k
 * allocates.
 */
export class TopK {
  private readonly top: { id: number; value: number }[] = [];

  constructor(
    private readonly k: number,
    private readonly keyOf: (id: number) => string,
  ) {}

  offer(id: number, value: number): void {
    const { top, k } = this;
    if (k <= 0) return;
    if (top.length === k) {
      if (this.before(top[k - 1], id, value)) return;
      top.pop();
    }
    let i = top.length;
    while (i > 0 && !this.before(top[i - 1], id, value)) i -= 1;
    top.splice(i, 0, { id, value });
  }

  /** The best first. */
  result(): { id: number; value: number }[] {
    return this.top;
  }

  private before(a: { id: number; value: number }, id: number, value: number): boolean {
    return a.value > value || (a.value === value && this.keyOf(a.id) < this.keyOf(id));
  }
}
