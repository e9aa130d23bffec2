/**
 * Remembers which post ids were counted, so that a redelivered post (a stream reconnect, a Kafka replay)
 * counts once.
 *
 * The horizon (`DEDUPE_HORIZON_MS`, 1 h unless the engine is given `dedupeHorizonMs`): a post redelivered
 * within the horizon of event time of the newest post counts once; one older than the horizon but still
 * inside the 24 h windows would count again. Why bounded: ids cost memory by the rate (about 5.4 bytes an id,
 * 115 MB for the hour at 6,000 posts/s), and redeliveries come within minutes of the original (a reconnect, a
 * consumer restarting from its last committed offset), not a day later.
 *
 * A redelivered post carries the same creation time, so ids are kept per minute of *event* time, for the
 * minutes from (newest minute - horizon, rounded up to whole minutes) to the newest; older minutes fall away
 * with their ids when the newest post moves on to a new minute. A post older than the horizon is held too,
 * until then (a Kafka rebuild reads partitions at different paces: see `add`). Never longer than the
 * windows (`RING_BUCKETS`): an older post is stale anyway. Ids are hashed to 53 bits (a float64 holds them
 * exactly): within one minute, a false "seen" needs two of the minute's posts to collide, about n^2 / 2^54,
 * under 1e-6 at 100k posts a minute. A minute's ids arrive into an open-addressing table (`OpenHashes`, 11 to
 * 23 bytes an id); a minute that can no longer take many new posts (`SEAL_AFTER_MINUTES` behind the newest)
 * is packed (`PackedHashes`: sorted and exact, about 5.4 bytes an id, found by a binary search); stragglers go
 * to a small table beside it.
 */
import { BUCKET_MS, RING_BUCKETS } from './window-store';
import { OpenHashes, PackedHashes, isHash } from './hash-sets';
import { checkNullableNumber, checkObject, checkSum, checkTyped, damaged } from './snapshot-check';

/** How far back of the newest post's event time a redelivered post is still recognised, in ms. */
export const DEDUPE_HORIZON_MS = 60 * 60_000;

const SEAL_AFTER_MINUTES = 2;

/** Throws a RangeError for a horizon below 0 ms (or NaN). */
export function checkDedupeHorizon(horizonMs: number): void {
  if (!(horizonMs >= 0)) throw new RangeError(`the dedupe horizon must be 0 ms or more; got ${horizonMs}`);
}

/** The ids held, as plain data: per minute held, its ids' hashes (ascending), minute after minute. */
export interface SeenIdsSnapshot {
  /** The newest minute seen (null before any id). */
  newestMinute: number | null;
  minutes: Float64Array;
  /** Ids per minute, in the order of `minutes`. */
  sizes: Uint32Array;
  hashes: Float64Array;
}

class MinuteIds {
  open: OpenHashes | null = new OpenHashes();
  sealed: PackedHashes | null = null;
  constructor(readonly minute: number) {}

  has(hash: number): boolean {
    return (this.open?.has(hash) ?? false) || (this.sealed?.has(hash) ?? false);
  }

  add(hash: number): void {
    (this.open ??= new OpenHashes()).add(hash);
  }

  get size(): number {
    return (this.open?.size ?? 0) + (this.sealed?.length ?? 0);
  }

  get bytes(): number {
    return (this.open?.bytes ?? 0) + (this.sealed?.bytes ?? 0);
  }

  /** Every hash held, ascending, in an array of its own. */
  sorted(): Float64Array {
    const sealed = this.sealed?.values() ?? new Float64Array(0);
    if (this.open === null || this.open.size === 0) return sealed;
    const open = this.open.sorted();
    // Two ascending runs, merged (the open hashes are never among the sealed ones).
    const all = new Float64Array(sealed.length + open.length);
    let i = 0;
    let j = 0;
    for (let k = 0; k < all.length; k += 1) all[k] = j >= open.length || (i < sealed.length && sealed[i] < open[j]) ? sealed[i++] : open[j++];
    return all;
  }

  seal(): void {
    if (this.open === null || this.open.size === 0) return;
    this.sealed = PackedHashes.from(this.sorted());
    this.open = null;
  }
}

export class SeenIds {
  private readonly minutes = new Map<number, MinuteIds>();
  private newest = Number.NEGATIVE_INFINITY;
  /** Minutes before the newest whose ids are still held. */
  private readonly horizonMinutes: number;

  /** `horizonMs`: see the opening comment; at most the windows' 24 h count. */
  constructor(horizonMs = DEDUPE_HORIZON_MS) {
    checkDedupeHorizon(horizonMs);
    this.horizonMinutes = Math.min(Math.ceil(horizonMs / BUCKET_MS), RING_BUCKETS - 1);
  }

  /**
   * Records `id` at event time `ts`; false when it was already recorded for that minute. A post older than
   * the horizon is recorded too, and held until the newest post moves on by a minute: a Kafka rebuild reads
   * partitions at different paces, so one partition's posts may be hours behind another's newest, and a
   * redelivery sits right beside its original in its partition. Memory stays bounded: such late ids go at
   * the next minute.
   */
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

  /** What the ids' arrays take, in bytes, for the budget (see hash-sets.ts). */
  bytes(): number {
    let bytes = 0;
    for (const ids of this.minutes.values()) bytes += ids.bytes;
    return bytes;
  }

  /** Ids held, for memory accounting. */
  get size(): number {
    let n = 0;
    for (const ids of this.minutes.values()) n += ids.size;
    return n;
  }

  /** A copy of the ids held, as plain data. */
  snapshot(): SeenIdsSnapshot {
    const minutes = [...this.minutes.keys()].sort((a, b) => a - b);
    const held = minutes.map((m) => this.minutes.get(m)!.sorted());
    const hashes = new Float64Array(held.reduce((n, ids) => n + ids.length, 0));
    let at = 0;
    for (const ids of held) {
      hashes.set(ids, at);
      at += ids.length;
    }
    return {
      newestMinute: Number.isFinite(this.newest) ? this.newest : null,
      minutes: Float64Array.from(minutes),
      sizes: Uint32Array.from(held, (ids) => ids.length),
      hashes,
    };
  }

  /**
   * The ids `snapshot` copied, held for `horizonMs` (which may differ from the horizon they were saved
   * with: a shorter one drops the older minutes now). `where` names it in a malformed snapshot's RangeError.
   */
  static restore(snapshot: SeenIdsSnapshot, horizonMs = DEDUPE_HORIZON_MS, where = 'seen'): SeenIds {
    const s = checkObject(snapshot, where);
    const newest = checkNullableNumber(s.newestMinute, `${where}.newestMinute`, true);
    const minutes = checkTyped(s.minutes, Float64Array, `${where}.minutes`);
    const sizes = checkTyped(s.sizes, Uint32Array, `${where}.sizes`, minutes.length);
    const hashes = checkTyped(s.hashes, Float64Array, `${where}.hashes`);
    checkSum(sizes, hashes.length, `${where}.sizes`);
    const seen = new SeenIds(horizonMs);
    if (newest === null) {
      if (minutes.length > 0) damaged(`${where}.minutes`, 'ids are held but no newest minute is');
      return seen;
    }
    seen.newest = newest;
    let at = 0;
    minutes.forEach((minute, i) => {
      const ids = hashes.slice(at, (at += sizes[i]));
      if (!(minute <= newest)) damaged(`${where}.minutes[${i}]`, `minute ${minute} is after the newest, ${newest}`);
      if (i > 0 && !(minutes[i - 1] < minute)) damaged(`${where}.minutes`, 'not in ascending order');
      for (let j = 0; j < ids.length; j += 1) {
        if (!isHash(ids[j])) damaged(`${where}.hashes`, `the ids of minute ${minute} are not all 53-bit hashes`);
        if (j > 0 && !(ids[j - 1] < ids[j])) damaged(`${where}.hashes`, `the ids of minute ${minute} are not in ascending order`);
      }
      // Every minute saved is held, late ones too, as the saved process held them: all that the horizon
      // leaves behind goes when the newest post moves on by a minute.
      if (ids.length === 0) return;
      const held = new MinuteIds(minute);
      held.open = null;
      held.sealed = PackedHashes.from(ids);
      seen.minutes.set(minute, held);
    });
    return seen;
  }

  private advance(minute: number): void {
    this.newest = minute;
    for (const [m, ids] of this.minutes) {
      if (m < minute - this.horizonMinutes) this.minutes.delete(m);
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
