/**
 * Splits a byte stream into lines without ever holding more than one line: chunks are cut at '\n'
 * (0x0A never occurs inside a UTF-8 sequence, so cutting bytes is safe), a trailing '\r' is dropped, and
 * a line longer than the limit is dropped as it grows (never held whole) and reported as `LINE_TOO_LONG`
 * once it ends. Pure: no I/O, so the reader of any stream (or a test) can drive it.
 */
import { SkippedInput } from '../sources/source';

/**
 * Longest line kept, in bytes (the '\n' not counted, nor the '\r' before it in a CRLF file). A real post is 2–10 KB; beyond 1 MB it is corrupt or
 * hostile data, not a post. What a line over it costs: at most this much held while it grows, then nothing.
 */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Stands for a line that was too long: the pipeline counts it as read and skipped as `line_too_long`. */
export const LINE_TOO_LONG = new SkippedInput('line_too_long');

export type Line = string | typeof LINE_TOO_LONG;

/** Pieces of an unfinished line held before they are joined into one. */
const MAX_PIECES = 64;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export class LineSplitter {
  /** Pieces of the line not yet ended, and their length in bytes. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** True while dropping the rest of a line already over the limit. */
  private overflowing = false;

  constructor(private readonly maxLineBytes = MAX_LINE_BYTES) {}

  /** The lines that `chunk` ends; what follows the last '\n' waits for the next chunk. */
  push(chunk: Buffer): Line[] {
    const lines: Line[] = [];
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      if (this.pendingBytes === 0 && !this.overflowing) {
        // The common case, a whole line inside the chunk: decoded in place, without a copy.
        if (end - start > this.maxLineBytes && tooLong(end - start, chunk[end - 1], this.maxLineBytes)) {
          lines.push(LINE_TOO_LONG);
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
  end(): Line[] {
    return this.pendingBytes > 0 || this.overflowing ? [this.take()] : [];
  }

  /** Forgets a line cut short (the input failed midway): it is neither a line nor one too long. */
  discard(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.overflowing = false;
  }

  private append(piece: Buffer): void {
    if (this.overflowing || piece.length === 0) return;
    // One byte more than the limit may be held: it may be the '\r' of a CRLF line, which `take` then drops.
    if (this.pendingBytes + piece.length > this.maxLineBytes + 1) {
      this.pending = [];
      this.pendingBytes = 0;
      this.overflowing = true;
      return;
    }
    // A copy: `piece` is a view of a chunk the stream may reuse, and holding it would keep the whole chunk.
    this.pending.push(Buffer.from(piece));
    this.pendingBytes += piece.length;
    // However small the chunks come, the pieces held stay few: their overhead is bounded, not just their bytes.
    if (this.pending.length >= MAX_PIECES) this.pending = [Buffer.concat(this.pending, this.pendingBytes)];
  }

  private take(): Line {
    if (this.overflowing) {
      this.overflowing = false;
      return LINE_TOO_LONG;
    }
    const bytes = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (bytes.length > this.maxLineBytes && tooLong(bytes.length, bytes[bytes.length - 1], this.maxLineBytes)) return LINE_TOO_LONG;
    return decode(bytes);
  }
}

/**
 * Whether a line of `length` bytes over `max`, ending with the byte `last`, is too long: it is, unless it is
 * over by one byte that is a CRLF line's '\r' (not counted, as the '\n' is not). Asked only past `max`, so a
 * line within it costs no look at its last byte.
 */
function tooLong(length: number, last: number | undefined, max: number): boolean {
  return length > max + 1 || last !== CARRIAGE_RETURN;
}

/** A line's text, without the '\r' of a CRLF file. */
function decode(bytes: Buffer): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
  return bytes.toString('utf8', 0, end);
}
