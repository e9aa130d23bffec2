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
  const top: Ranked[] = [];
  if (k <= 0) return top;
  const before = (a: Ranked, id: number, count: number): boolean =>
    a.count > count || (a.count === count && keyOf(a.id) < keyOf(id));
  for (const [id, count] of tally) {
    if (top.length === k) {
      const last = top[k - 1];
      if (before(last, id, count)) continue;
      top.pop();
    }
    let i = top.length;
    while (i > 0 && !before(top[i - 1], id, count)) i -= 1;
    top.splice(i, 0, { id, count });
  }
  return top;
}
