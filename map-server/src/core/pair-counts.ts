/**
 * Counts by pair of small integers (`a` 0 to 2^31 - 1, `b` that or `OWN_TOTAL`), kept in typed arrays: an open-addressing
 * table of entry numbers over columns of pairs and counts, in the order the pairs were first added. What
 * open-hours.ts counts a post's (region, tag) pairs in between reads: one probe of numbers a pair instead of
 * a string-keyed Map's get and set, and no object per pair for the garbage collector to chase; and what
 * window-store.ts counts the newest minutes' (leaf, tag) pairs in before they go into the windows' totals.
 * Pure.
 */
import { fmix32 } from '../../../common/node/prng';

/**
 * The `b` under which a user counts what belongs to `a` itself (a region's or a leaf's posts) beside its pairs:
 * added before `a`'s other pairs, it comes first among them in `forEach`'s order.
 */
export const OWN_TOTAL = -1;

/** Entries the columns start with; the table has twice as many slots. */
const FIRST_ENTRIES = 16;

export class PairCounts {
  /** Per entry, in the order first added: its pair and count. */
  private firsts = new Int32Array(FIRST_ENTRIES);
  private seconds = new Int32Array(FIRST_ENTRIES);
  private counts = new Float64Array(FIRST_ENTRIES);
  private entries = 0;
  /** Linear probing over entry number + 1 (0: an empty slot); at most half full, so probes stay short. */
  private slots = new Int32Array(2 * FIRST_ENTRIES);

  /** Distinct pairs counted. */
  get size(): number {
    return this.entries;
  }

  /** Adds `by` to the count of (`a`, `b`). */
  add(a: number, b: number, by: number): void {
    const mask = this.slots.length - 1;
    let slot = slotOf(a, b) & mask;
    for (let e = this.slots[slot]; e !== 0; e = this.slots[slot]) {
      if (this.firsts[e - 1] === a && this.seconds[e - 1] === b) {
        this.counts[e - 1] += by;
        return;
      }
      slot = (slot + 1) & mask;
    }
    if (this.entries === this.firsts.length) this.growColumns();
    this.firsts[this.entries] = a;
    this.seconds[this.entries] = b;
    this.counts[this.entries] = by;
    this.entries += 1;
    this.slots[slot] = this.entries;
    if (2 * this.entries > this.slots.length) this.rehash(2 * this.slots.length);
  }

  /** The count of (`a`, `b`), 0 when never added. */
  count(a: number, b: number): number {
    const mask = this.slots.length - 1;
    let slot = slotOf(a, b) & mask;
    for (let e = this.slots[slot]; e !== 0; e = this.slots[slot]) {
      if (this.firsts[e - 1] === a && this.seconds[e - 1] === b) return this.counts[e - 1];
      slot = (slot + 1) & mask;
    }
    return 0;
  }

  /** Calls `visit` with every pair and its count, in the order the pairs were first added. */
  forEach(visit: (a: number, b: number, count: number) => void): void {
    for (let e = 0; e < this.entries; e += 1) visit(this.firsts[e], this.seconds[e], this.counts[e]);
  }

  /** Forgets every pair, and gives back the room they took (the arrays go back to their first size). */
  clear(): void {
    if (this.entries === 0) return;
    this.firsts = new Int32Array(FIRST_ENTRIES);
    this.seconds = new Int32Array(FIRST_ENTRIES);
    this.counts = new Float64Array(FIRST_ENTRIES);
    this.slots = new Int32Array(2 * FIRST_ENTRIES);
    this.entries = 0;
  }

  private growColumns(): void {
    const length = 2 * this.firsts.length;
    this.firsts = grown(this.firsts, new Int32Array(length));
    this.seconds = grown(this.seconds, new Int32Array(length));
    this.counts = grown(this.counts, new Float64Array(length));
  }

  private rehash(slotCount: number): void {
    const slots = new Int32Array(slotCount);
    const mask = slotCount - 1;
    for (let e = 0; e < this.entries; e += 1) {
      let slot = slotOf(this.firsts[e], this.seconds[e]) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = e + 1;
    }
    this.slots = slots;
  }
}

/**
 * A pair's home slot before masking: both numbers mixed, then every bit of the mix spread into the low ones
 * that the mask keeps (murmur3's finaliser). A product's low bits depend only on its inputs' low bits, so
 * masking a plain product would put ids that differ only in their high bits in one slot.
 */
function slotOf(a: number, b: number): number {
  return fmix32(Math.imul(a, 0x9e3779b1) ^ b);
}

function grown<T extends Int32Array | Float64Array>(from: T, into: T): T {
  into.set(from);
  return into;
}
