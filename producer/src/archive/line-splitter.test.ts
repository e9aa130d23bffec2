import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LINE_TOO_LONG, LineSplitter } from './line-splitter';

const split = (chunks: (string | Buffer)[], max?: number) => {
  const splitter = new LineSplitter(max);
  const lines = chunks.flatMap((c) => splitter.push(typeof c === 'string' ? Buffer.from(c) : c));
  return [...lines, ...splitter.end()];
};

describe('LineSplitter', () => {
  it('joins lines across chunks and keeps a last line without a newline', () => {
    expect(split(['{"a":', '1}\n{"b"', ':2}\n', '\n{"c":3}'])).toEqual(['{"a":1}', '{"b":2}', '', '{"c":3}']);
    expect(split(['one\n'])).toEqual(['one']);
    expect(split([])).toEqual([]);
  });

  it('drops the carriage return of CRLF lines, even when it ends a chunk', () => {
    expect(split(['a\r\nb\r', '\nc'])).toEqual(['a', 'b', 'c']);
  });

  it('decodes a UTF-8 character cut between two chunks', () => {
    const bytes = Buffer.from('#東京駅\n');
    expect(split([bytes.subarray(0, 2), bytes.subarray(2)])).toEqual(['#東京駅']);
  });

  it('replaces a line over the limit, whole or in pieces, by one LINE_TOO_LONG and goes on', () => {
    const long = 'x'.repeat(20);
    expect(split([`ok\n${long}\nok2\n`], 10)).toEqual(['ok', LINE_TOO_LONG, 'ok2']);
    expect(split(['ok\nxxxxxx', 'xxxxxx', 'xxxxxx\nok2', '\n'], 10)).toEqual(['ok', LINE_TOO_LONG, 'ok2']);
    expect(split(['xxxxxx', 'xxxxxx'], 10)).toEqual([LINE_TOO_LONG]);
    expect(split(['x'.repeat(10), '\n'], 10)).toEqual(['x'.repeat(10)]);
    expect(split(['x'.repeat(11), '\n'], 10)).toEqual([LINE_TOO_LONG]);
  });

  it("counts no CRLF line's '\r' against the limit, whole in a chunk or in pieces, and nothing else over it", () => {
    const ten = 'x'.repeat(10);
    expect(split([`${ten}\r\n${ten}\r\n`], 10)).toEqual([ten, ten]);
    expect(split([ten, '\r', '\n', ten.slice(0, 5), `${ten.slice(5)}\r\n`], 10)).toEqual([ten, ten]);
    expect(split([`${ten}\r`], 10)).toEqual([ten]);
    expect(split([`${ten}x\r\n`], 10)).toEqual([LINE_TOO_LONG]);
    expect(split([ten, 'x\r\n'], 10)).toEqual([LINE_TOO_LONG]);
    expect(split([ten, 'x', '\n'], 10)).toEqual([LINE_TOO_LONG]);
    expect(split([`${ten}x`], 10)).toEqual([LINE_TOO_LONG]);
    expect(split([ten, 'x'], 10)).toEqual([LINE_TOO_LONG]);
  });

  it('holds no more than the limit of a line too long, however it comes', () => {
    const splitter = new LineSplitter(1_000);
    const state = splitter as unknown as { pending: Buffer[]; pendingBytes: number };
    const most = { bytes: 0, pieces: 0 };
    const byte = Buffer.from('y');
    // One byte at a time (the worst chunking): first a line within the limit, then ten times the limit.
    for (let i = 0; i < 11_000; i += 1) {
      if (i === 1_000) expect(splitter.push(Buffer.from('\n'))).toEqual(['y'.repeat(1_000)]);
      expect(splitter.push(byte)).toEqual([]);
      most.bytes = Math.max(most.bytes, state.pendingBytes);
      most.pieces = Math.max(most.pieces, state.pending.length);
    }
    // The limit and one byte more, which could have been a CRLF line's '\r'.
    expect(most.bytes).toBe(1_001);
    expect(most.pieces).toBeLessThanOrEqual(64);
    expect(splitter.end()).toEqual([LINE_TOO_LONG]);
  });

  it('forgets a line cut short by a failure', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(Buffer.from('done\npart'))).toEqual(['done']);
    splitter.discard();
    expect(splitter.end()).toEqual([]);
  });

  it('gives every line exactly as decoding its bytes alone would, however the bytes are cut into chunks', () => {
    // Newlines, carriage returns, ASCII, and the pieces of valid and invalid UTF-8 sequences ("€", "😀", a lone 0xFF).
    const byte = fc.constantFrom(0x0a, 0x0d, 0x61, 0x7b, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xff);
    const input = fc.record({
      bytes: fc.array(byte, { maxLength: 120 }),
      cuts: fc.array(fc.nat(120), { maxLength: 6 }),
      max: fc.integer({ min: 1, max: 12 }),
    });
    fc.assert(
      fc.property(input, ({ bytes, cuts, max }) => {
        const all = Buffer.from(bytes);
        const at = [...new Set(cuts.map((cut) => Math.min(cut, all.length)))].sort((a, b) => a - b);
        const chunks = [0, ...at].map((from, i) => all.subarray(from, i < at.length ? at[i] : all.length));
        // Each line alone: its bytes up to the '\n' (a last one without it, when not empty), the '\r' dropped;
        // too long when over `max` without that '\r'.
        const pieces: Buffer[] = [];
        for (let from = 0, end = all.indexOf(0x0a); from < all.length; end = all.indexOf(0x0a, from)) {
          pieces.push(all.subarray(from, end === -1 ? all.length : end));
          from = end === -1 ? all.length : end + 1;
        }
        const expected = pieces.map((piece) => {
          const length = piece.at(-1) === 0x0d ? piece.length - 1 : piece.length;
          return length > max ? LINE_TOO_LONG : piece.toString('utf8', 0, length);
        });
        expect(split(chunks, max)).toEqual(expected);
      }),
      { numRuns: 2_000 },
    );
  });
});
