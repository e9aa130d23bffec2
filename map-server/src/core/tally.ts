/**
 * One leaf's posts in one time bucket of the region windows (window-store.ts): a tally of tag id -> posts,
 * packed once its bucket is closed, summarised (Misra-Gries) past the windows' budget. Pure.
 */
import { largest } from './tile-summary';
import { narrowest } from './tile-blocks';
import { damaged } from './snapshot-check';

/**
 * One leaf's posts in one time bucket. While its bucket may still get posts the tally is a Map; once the
 * windows have moved past it, it is packed into a sorted array of `[id, count, id, count, ...]`: 4 bytes a
 * tag (16-bit) when every id and count is under 65,536, else 8 (32-bit), and no object per tag for the
 * garbage collector to chase. A late post unpacks it again.
 */
export class Tally {
  posts = 0;
  /** How much any count of the tally may fall short of the posts: 0 until it is summarised past the budget. */
  error = 0;
  private open: Map<number, number> | null = new Map();
  private packed: Pairs = NO_PAIRS;

  get isOpen(): boolean {
    return this.open !== null;
  }

  add(id: number): void {
    this.open ??= this.unpacked();
    increment(this.open, id, 1);
  }

  count(id: number): number {
    if (this.open !== null) return this.open.get(id) ?? 0;
    const pairs = this.packed;
    let lo = 0;
    let hi = pairs.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = pairs[mid * 2];
      if (at === id) return pairs[mid * 2 + 1];
      if (at < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  forEach(visit: (id: number, count: number) => void): void {
    if (this.open !== null) {
      this.open.forEach((count, id) => visit(id, count));
      return;
    }
    for (let i = 0; i < this.packed.length; i += 2) visit(this.packed[i], this.packed[i + 1]);
  }

  /** Distinct tags in the tally. */
  get pairCount(): number {
    return this.open?.size ?? this.packed.length / 2;
  }

  /** What the tally's pairs take, in bytes: as packed, or `PAIR_BYTES` a tag while open. */
  get bytes(): number {
    return this.open === null ? this.packed.byteLength : this.open.size * PAIR_BYTES;
  }

  /** The (id, count) pairs, ids ascending (packs the tally first). */
  pairs(): Pairs {
    this.pack();
    return this.packed;
  }

  pack(): void {
    if (this.open === null) return;
    const ids = [...this.open.keys()].sort((a, b) => a - b);
    const pairs = new Uint32Array(ids.length * 2);
    ids.forEach((id, i) => {
      pairs[i * 2] = id;
      pairs[i * 2 + 1] = this.open!.get(id)!;
    });
    this.packed = narrowed(pairs);
    this.open = null;
  }

  /**
   * The tally with at most `k` tags: Misra-Gries, as tile-summary.ts summarises a tile. c, its (k+1)-th
   * largest count, is taken off every count, the tags left at 0 are dropped and c is added to the error, so
   * every count stays within the error of the posts, through any later merges. Null when it has `k` tags or
   * fewer. `taken(id, by)` hears what each tag lost. Its posts are kept.
   */
  summarised(k: number, taken: (id: number, by: number) => void): Tally | null {
    const pairs = this.pairs();
    const n = pairs.length / 2;
    if (n <= k) return null;
    const counts = new Uint32Array(n);
    for (let i = 0; i < n; i += 1) counts[i] = pairs[i * 2 + 1];
    const cut = largest(counts, n, k);
    let kept = 0;
    for (let i = 0; i < n; i += 1) if (pairs[i * 2 + 1] > cut) kept += 1;
    const out = new Uint32Array(kept * 2);
    let at = 0;
    for (let i = 0; i < n; i += 1) {
      const [id, count] = [pairs[i * 2], pairs[i * 2 + 1]];
      taken(id, Math.min(count, cut));
      if (count <= cut) continue;
      out[at++] = id;
      out[at++] = count - cut;
    }
    const tally = new Tally();
    tally.posts = this.posts;
    tally.error = this.error + cut;
    tally.open = null;
    tally.packed = narrowed(out);
    return tally;
  }

  /** A closed tally of `posts` posts holding `pairs` (ids ascending, counts at least 1: checked, under `tagCount`). */
  static packedFrom(posts: number, pairs: Uint32Array, tagCount: number, where: string): Tally {
    for (let i = 0; i < pairs.length; i += 2) {
      if (i > 0 && !(pairs[i - 2] < pairs[i])) damaged(where, 'tags are not in ascending order of id');
      if (pairs[i + 1] === 0) damaged(where, `tag ${pairs[i]} has a count of 0`);
    }
    if (pairs.length > 0 && pairs[pairs.length - 2] >= tagCount)
      damaged(where, `tag id ${pairs[pairs.length - 2]} is not in the dictionary (${tagCount} tags)`);
    const tally = new Tally();
    tally.posts = posts;
    tally.open = null;
    tally.packed = narrowed(pairs);
    return tally;
  }

  /** `a` and `b` added up, closed: a linear merge of their sorted pairs. */
  static merged(a: Tally, b: Tally): Tally {
    const x = a.pairs();
    const y = b.pairs();
    const out = new Uint32Array(x.length + y.length);
    let i = 0;
    let j = 0;
    let at = 0;
    while (i < x.length || j < y.length) {
      if (j >= y.length || (i < x.length && x[i] < y[j])) {
        out[at++] = x[i++];
        out[at++] = x[i++];
      } else if (i >= x.length || y[j] < x[i]) {
        out[at++] = y[j++];
        out[at++] = y[j++];
      } else {
        out[at++] = x[i];
        out[at++] = x[i + 1] + y[j + 1];
        i += 2;
        j += 2;
      }
    }
    const tally = new Tally();
    tally.posts = a.posts + b.posts;
    tally.error = a.error + b.error;
    tally.open = null;
    tally.packed = narrowed(at === out.length ? out : out.slice(0, at));
    return tally;
  }

  private unpacked(): Map<number, number> {
    const tally = new Map<number, number>();
    for (let i = 0; i < this.packed.length; i += 2) tally.set(this.packed[i], this.packed[i + 1]);
    this.packed = NO_PAIRS;
    return tally;
  }
}

/** A packed tally: `[id, count, ...]`, 16 or 32 bits wide. */
type Pairs = Uint16Array | Uint32Array;

/** What a tally's (tag, count) pair takes while it is open, and at most once packed, in bytes (two u32). */
export const PAIR_BYTES = 8;

const NO_PAIRS = new Uint16Array(0);

/** `pairs` in 16 bits when every id and count fits, else as they are (32 bits). */
const narrowed = (pairs: Uint32Array): Pairs => narrowest(pairs, Uint16Array);

/** Adds `by` to `id` in `tally`, deleting it at 0: a tally holds no zero counts. */
export function increment(tally: Map<number, number>, id: number, by: number): void {
  const next = (tally.get(id) ?? 0) + by;
  if (next === 0) tally.delete(id);
  else tally.set(id, next);
}
