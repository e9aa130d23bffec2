/**
 * Sets of 53-bit hashes (integers below 2^53, as `hashId` makes them) in typed arrays, for the dedupe's ids
 * (seen-ids.ts): at 6,000 posts a second it holds 21.6M of them, and a `Set` of numbers above 2^31 costs
 * about 55 bytes an id (a hash-table entry and a heap number each).
 * - `OpenHashes` while ids arrive: open addressing with linear probing in one Float64Array, 8 bytes a slot,
 *   at most 70 % full: 11 to 23 bytes an id.
 * - `PackedHashes` once no more arrive (a sealed minute): exact and sorted, in about 5.4 bytes an id. The top
 *   bits of a hash choose its bucket (bucket starts, as in a radix sort), and only the rest is stored: its
 *   low 32 bits and the few above them. Found by a binary search inside the bucket.
 * Pure data.
 */

const TWO_32 = 2 ** 32;

/** Whether `value` is a 53-bit hash: an integer from 0 to 2^53 - 1. */
export function isHash(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < 2 ** 53;
}
/** Most of a table's slots that may be full before it doubles. */
const MAX_LOAD = 0.7;

/** Hashes while they arrive: `add`, `has`, and all of them ascending. */
export class OpenHashes {
  /** NaN marks an empty slot: no hash is NaN. */
  private table = new Float64Array(16).fill(Number.NaN);
  size = 0;

  has(hash: number): boolean {
    const table = this.table;
    const mask = table.length - 1;
    for (let i = (hash >>> 0) & mask; ; i = (i + 1) & mask) {
      const held = table[i];
      if (held === hash) return true;
      if (held !== held) return false;
    }
  }

  /** Adds `hash`; false when it was already there. */
  add(hash: number): boolean {
    if (this.size + 1 > this.table.length * MAX_LOAD) this.grow();
    const table = this.table;
    const mask = table.length - 1;
    for (let i = (hash >>> 0) & mask; ; i = (i + 1) & mask) {
      const held = table[i];
      if (held === hash) return false;
      if (held !== held) {
        table[i] = hash;
        this.size += 1;
        return true;
      }
    }
  }

  /** Every hash held, ascending, in an array of its own. */
  sorted(): Float64Array {
    const out = new Float64Array(this.size);
    let n = 0;
    for (const held of this.table) if (held === held) out[n++] = held;
    return out.sort();
  }

  /** What the table takes, in bytes. */
  get bytes(): number {
    return this.table.byteLength;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Float64Array(old.length * 2).fill(Number.NaN);
    this.size = 0;
    for (const held of old) if (held === held) this.add(held);
  }
}

/** Hashes that no longer change: sorted, exact, in about 5.4 bytes each (see the opening comment). */
export class PackedHashes {
  private constructor(
    /** How many hashes. */
    readonly length: number,
    /** The hash bits that choose a bucket (the top ones). */
    private readonly bits: number,
    /** Bucket b's hashes are positions `starts[b]` to `starts[b + 1]`. */
    private readonly starts: Uint32Array,
    /** Per hash, the low 32 bits of what remains below its bucket's bits, and the bits above those. */
    private readonly low: Uint32Array,
    private readonly high: Uint8Array | Uint16Array,
  ) {}

  /**
   * `sorted`: distinct hashes, ascending (not checked). Throws a RangeError for a value that is not a
   * 53-bit hash (an integer from 0 to 2^53 - 1): it would be packed as another.
   */
  static from(sorted: Float64Array): PackedHashes {
    for (const hash of sorted) if (!isHash(hash)) throw new RangeError(`${hash} is not a 53-bit hash`);
    const n = sorted.length;
    // About eight hashes a bucket: the starts cost half a byte a hash. From 65,536 hashes on, what remains
    // of a hash past 32 bits fits in a byte.
    const bits = Math.max(5, Math.min(21, Math.floor(Math.log2(Math.max(1, n))) - 3));
    const width = 2 ** (53 - bits);
    const starts = new Uint32Array(2 ** bits + 1);
    const low = new Uint32Array(n);
    const high = 21 - bits <= 8 ? new Uint8Array(n) : new Uint16Array(n);
    for (let i = 0; i < n; i += 1) {
      const bucket = Math.floor(sorted[i] / width);
      const rest = sorted[i] - bucket * width;
      starts[bucket + 1] += 1;
      low[i] = rest >>> 0;
      high[i] = Math.floor(rest / TWO_32);
    }
    for (let b = 1; b < starts.length; b += 1) starts[b] += starts[b - 1];
    return new PackedHashes(n, bits, starts, low, high);
  }

  has(hash: number): boolean {
    const width = 2 ** (53 - this.bits);
    const bucket = Math.floor(hash / width);
    if (!(bucket >= 0 && bucket < this.starts.length - 1)) return false;
    const rest = hash - bucket * width;
    let lo = this.starts[bucket];
    let hi = this.starts[bucket + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const held = this.high[mid] * TWO_32 + this.low[mid];
      if (held === rest) return true;
      if (held < rest) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Every hash, ascending, in an array of its own. */
  values(): Float64Array {
    const out = new Float64Array(this.length);
    const width = 2 ** (53 - this.bits);
    for (let bucket = 0; bucket < this.starts.length - 1; bucket += 1) {
      for (let i = this.starts[bucket]; i < this.starts[bucket + 1]; i += 1) out[i] = bucket * width + this.high[i] * TWO_32 + this.low[i];
    }
    return out;
  }

  /** What the arrays take, in bytes. */
  get bytes(): number {
    return this.starts.byteLength + this.low.byteLength + this.high.byteLength;
  }
}
