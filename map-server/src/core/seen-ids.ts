/**
 * Remembers which post ids were counted, so that a redelivered post (a stream reconnect, a Kafka replay)
 * counts once.
 *
 * A redelivered post carries the same creation time, so ids are kept per minute of *event* time and only
 * for as long as the windows can count that minute (`RING_BUCKETS`); older ids fall away with their minute.
 * Ids are hashed to 53 bits (a float64 holds them exactly): within one minute, a false "seen" needs two of
 * the minute's posts to collide, about n^2 / 2^54, under 1e-6 at 100k posts a minute. A minute that can no
 * longer take many new posts (`SEAL_AFTER_MINUTES` behind the newest) is packed into a sorted Float64Array:
 * 8 bytes an id instead of ~50 in a Set, found by binary search; stragglers go to a small Set beside it.
 */
import { BUCKET_MS, RING_BUCKETS } from './window-store';

const SEAL_AFTER_MINUTES = 2;

class MinuteIds {
  open: Set<number> | null = new Set();
  sealed: Float64Array | null = null;
  constructor(readonly minute: number) {}

  has(hash: number): boolean {
    return (this.open?.has(hash) ?? false) || (this.sealed !== null && binarySearch(this.sealed, hash));
  }

  add(hash: number): void {
    (this.open ??= new Set()).add(hash);
  }

  seal(): void {
    if (this.open === null || this.open.size === 0) return;
    const merged = new Float64Array((this.sealed?.length ?? 0) + this.open.size);
    if (this.sealed) merged.set(this.sealed);
    merged.set([...this.open], this.sealed?.length ?? 0);
    merged.sort();
    this.sealed = merged;
    this.open = null;
  }
}

export class SeenIds {
  private readonly minutes = new Map<number, MinuteIds>();
  private newest = Number.NEGATIVE_INFINITY;

  /** Records `id` at event time `ts`; false when it was already recorded for that time. */
  add(id: string, ts: number): boolean {
    const minute = Math.floor(ts / BUCKET_MS);
    if (minute > this.newest) this.advance(minute);
    let ids = this.minutes.get(minute);
    if (ids === undefined) {
      ids = new MinuteIds(minute);
      this.minutes.set(minute, ids);
    }
    const hash = hashId(id);
    if (ids.has(hash)) return false;
    ids.add(hash);
    return true;
  }

  /** Ids held, for memory accounting. */
  get size(): number {
    let n = 0;
    for (const ids of this.minutes.values()) n += (ids.open?.size ?? 0) + (ids.sealed?.length ?? 0);
    return n;
  }

  private advance(minute: number): void {
    this.newest = minute;
    for (const [m, ids] of this.minutes) {
      if (m <= minute - RING_BUCKETS) this.minutes.delete(m);
      else if (m <= minute - SEAL_AFTER_MINUTES) ids.seal();
    }
  }
}

/** A 53-bit hash of a string: two 32-bit FNV-1a variants, one of them cut to 21 bits. */
export function hashId(id: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ id.length;
  for (let i = 0; i < id.length; i += 1) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

function binarySearch(sorted: Float64Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid];
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
