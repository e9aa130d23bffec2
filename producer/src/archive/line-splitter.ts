/**
 * Splits a byte stream into lines without ever holding more than one line: chunks are cut at '\n'
 * (0x0A never occurs inside a UTF-8 sequence, so cutting bytes is safe), a trailing '\r' is dropped, and
 * a line longer than the limit is dropped as it grows and reported as `OVERSIZED_LINE` once it ends.
 * Pure: no I/O, so the reader of any stream (or a test) can drive it.
 */

/** Longest line kept, in bytes. A real post is 2–10 KB; beyond 1 MB it is corrupt data, not a post. */
export const MAX_LINE_BYTES = 1024 * 1024;

/**
 * Stands for a line that was too long. It is not JSON, so the pipeline counts it as read and skipped as
 * `not_json`, and `read = accepted + skipped` still holds.
 */
export const OVERSIZED_LINE = '\u0000oversized line';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export class LineSplitter {
  /** Pieces of the line not yet ended, and their length in bytes. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** True while dropping the rest of a line already over the limit. */
  private overflowing = false;
  /** Lines dropped for their length so far. */
  oversized = 0;

  constructor(private readonly maxLineBytes = MAX_LINE_BYTES) {}

  /** The lines that `chunk` ends; what follows the last '\n' waits for the next chunk. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      if (this.pendingBytes === 0 && !this.overflowing) {
        // The common case, a whole line inside the chunk: decoded in place, without a copy.
        if (end - start > this.maxLineBytes) {
          this.oversized += 1;
          lines.push(OVERSIZED_LINE);
        } else {
          lines.push(decode(chunk.subarray(start, end)));
        }
      } else {
        this.append(chunk.subarray(start, end));
        lines.push(this.take());
      }
      start = end + 1;
    }
    if (start < chunk.length) this.append(chunk.subarray(start));
    return lines;
  }

  /** The last line, if the input did not end with '\n'. */
  end(): string[] {
    return this.pendingBytes > 0 || this.overflowing ? [this.take()] : [];
  }

  /** Forgets a line cut short (the input failed midway): it is neither a line nor an oversized one. */
  discard(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.overflowing = false;
  }

  private append(piece: Buffer): void {
    if (this.overflowing || piece.length === 0) return;
    if (this.pendingBytes + piece.length > this.maxLineBytes) {
      this.pending = [];
      this.pendingBytes = 0;
      this.overflowing = true;
      return;
    }
    // A copy: `piece` is a view of a chunk the stream may reuse, and holding it would keep the whole chunk.
    this.pending.push(Buffer.from(piece));
    this.pendingBytes += piece.length;
  }

  private take(): string {
    if (this.overflowing) {
      this.overflowing = false;
      this.oversized += 1;
      return OVERSIZED_LINE;
    }
    const bytes = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    return decode(bytes);
  }
}

/** A line's text, without the '\r' of a CRLF file. */
function decode(bytes: Buffer): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
  return bytes.toString('utf8', 0, end);
}
