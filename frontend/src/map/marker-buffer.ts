/**
 * The storage behind MarkerLayer: a fixed-size ring buffer of live dots, ordered by arrival, kept as
 * parallel typed arrays (no object per dot, so 3,000 dots churning several times a second make no garbage).
 *
 * Arrival order gives the two rules of the layer for free: the oldest dots sit at the tail, so expiring
 * faded dots and dropping the oldest past the cap are both O(1).
 */
import type { Marker } from '../../../common/browser/api';

export class MarkerBuffer {
  readonly capacity: number;
  /** Arrival time (performance.now clock). */
  readonly born: Float64Array;
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  /** Projected pixel position at the layer's current zoom (see MarkerLayer). */
  readonly px: Float64Array;
  readonly py: Float64Array;
  /** 1 when the dot matches the current highlight. */
  readonly lit: Uint8Array;
  readonly cc: (string | null)[];
  readonly tags: string[][];
  /** Where the next dot goes. */
  private head = 0;
  private live = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity));
    this.born = new Float64Array(this.capacity);
    this.lat = new Float64Array(this.capacity);
    this.lon = new Float64Array(this.capacity);
    this.px = new Float64Array(this.capacity);
    this.py = new Float64Array(this.capacity);
    this.lit = new Uint8Array(this.capacity);
    this.cc = new Array<string | null>(this.capacity).fill(null);
    this.tags = new Array<string[]>(this.capacity).fill([]);
  }

  /** Live dots. */
  get size(): number {
    return this.live;
  }

  /** Stores a dot, overwriting the oldest when full, and returns its slot. */
  push(marker: Marker, now: number): number {
    const i = this.head;
    this.born[i] = now;
    this.lat[i] = marker.lat;
    this.lon[i] = marker.lon;
    this.cc[i] = marker.cc;
    this.tags[i] = marker.tags;
    this.lit[i] = 0;
    this.head = (i + 1) % this.capacity;
    if (this.live < this.capacity) this.live++;
    return i;
  }

  clear(): void {
    this.live = 0;
  }

  /** Calls `fn` with the slot of every live dot, oldest first. */
  forEach(fn: (slot: number) => void): void {
    const tail = this.tail();
    for (let n = 0; n < this.live; n++) fn((tail + n) % this.capacity);
  }

  /** Drops dots that arrived `lifetimeMs` or more before `now`. */
  expire(now: number, lifetimeMs: number): void {
    while (this.live > 0 && now - this.born[this.tail()] >= lifetimeMs) this.live--;
  }

  /** Milliseconds since the newest dot arrived; Infinity when empty. */
  newestAge(now: number): number {
    if (this.live === 0) return Infinity;
    return now - this.born[(this.head - 1 + this.capacity) % this.capacity];
  }

  private tail(): number {
    return (this.head - this.live + this.capacity) % this.capacity;
  }
}
