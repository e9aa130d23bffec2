/**
 * Reads bits, most significant first, from the compressed bytes a decoder has been given so far. Pure and
 * synchronous: when the bytes run out before the input has ended, `read` throws `NeedInput`, and the
 * decoder rewinds to its `mark()` and tries again once more bytes have come. Chunks given with `append`
 * are joined to the unread bytes only by `compact()`, between attempts, so a mark stays valid.
 */

/** The bytes ran out before the input ended: rewind to the mark and wait for more. */
export class NeedInput extends Error {}

/** The input ended where the format needs more: the file is truncated. */
export class TruncatedInput extends Error {
  constructor() {
    super('data ended prematurely');
  }
}

const EMPTY = Buffer.alloc(0);

export class BitReader {
  /** The bytes being read, and the next one to load into the accumulator. */
  private bytes: Buffer = EMPTY;
  private pos = 0;
  /** Bits loaded but not yet read: the low `count` bits of `acc` (at most 31). */
  private acc = 0;
  private count = 0;
  /** Chunks appended since the last `compact()`, and their total size in bytes. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private ended = false;
  private markPos = 0;
  private markAcc = 0;
  private markCount = 0;

  /** Compressed bytes held and not yet read (whole bytes; the accumulator's bits included). */
  get bufferedBytes(): number {
    return this.bytes.length - this.pos + this.pendingBytes + (this.count >> 3);
  }

  /** Whether `end()` was called: no more bytes will come. */
  get inputEnded(): boolean {
    return this.ended;
  }

  /** Whether every bit given has been read (whole bytes: the padding after a stream's end is read by `align`). */
  get exhausted(): boolean {
    return this.bufferedBytes === 0;
  }

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
  }

  end(): void {
    this.ended = true;
  }

  /** Joins the appended chunks to the unread bytes (one copy) so that `read` can reach them. Drops the mark. */
  compact(): void {
    if (this.pendingBytes === 0) return;
    const unread = this.bytes.subarray(this.pos);
    this.bytes = unread.length === 0 && this.pending.length === 1 ? this.pending[0] : Buffer.concat([unread, ...this.pending]);
    this.pos = 0;
    this.pending = [];
    this.pendingBytes = 0;
  }

  mark(): void {
    this.markPos = this.pos;
    this.markAcc = this.acc;
    this.markCount = this.count;
  }

  /** Back to the last mark, as if nothing had been read since. */
  rewind(): void {
    this.pos = this.markPos;
    this.acc = this.markAcc;
    this.count = this.markCount;
  }

  /** The next `n` bits (1 ≤ n ≤ 24) as an unsigned number. */
  read(n: number): number {
    while (this.count < n) {
      if (this.pos >= this.bytes.length) throw this.ended && this.pendingBytes === 0 ? new TruncatedInput() : new NeedInput();
      // Bits above `count` are stale; they are masked off below and shifted out of the 32 bits in time.
      this.acc = (this.acc << 8) | this.bytes[this.pos++];
      this.count += 8;
    }
    this.count -= n;
    return (this.acc >>> this.count) & ((1 << n) - 1);
  }

  /** The next bit. */
  bit(): number {
    return this.read(1);
  }

  /** Skips to the next byte boundary. */
  align(): void {
    this.count -= this.count & 7;
  }
}
