import { describe, expect, it } from 'vitest';
import { LineSplitter, OVERSIZED_LINE } from './line-splitter';

const split = (chunks: (string | Buffer)[], max?: number) => {
  const splitter = new LineSplitter(max);
  const lines = chunks.flatMap((c) => splitter.push(typeof c === 'string' ? Buffer.from(c) : c));
  return { lines: [...lines, ...splitter.end()], oversized: splitter.oversized };
};

describe('LineSplitter', () => {
  it('joins lines across chunks and keeps a last line without a newline', () => {
    expect(split(['{"a":', '1}\n{"b"', ':2}\n', '\n{"c":3}']).lines).toEqual(['{"a":1}', '{"b":2}', '', '{"c":3}']);
    expect(split(['one\n']).lines).toEqual(['one']);
    expect(split([]).lines).toEqual([]);
  });

  it('drops the carriage return of CRLF lines, even when it ends a chunk', () => {
    expect(split(['a\r\nb\r', '\nc']).lines).toEqual(['a', 'b', 'c']);
  });

  it('decodes a UTF-8 character cut between two chunks', () => {
    const bytes = Buffer.from('#東京駅\n');
    expect(split([bytes.subarray(0, 2), bytes.subarray(2)]).lines).toEqual(['#東京駅']);
  });

  it('replaces a line over the limit, whole or in pieces, by one OVERSIZED_LINE and goes on', () => {
    const long = 'x'.repeat(20);
    expect(split([`ok\n${long}\nok2\n`], 10)).toEqual({ lines: ['ok', OVERSIZED_LINE, 'ok2'], oversized: 1 });
    expect(split(['ok\nxxxxxx', 'xxxxxx', 'xxxxxx\nok2', '\n'], 10)).toEqual({ lines: ['ok', OVERSIZED_LINE, 'ok2'], oversized: 1 });
    expect(split(['xxxxxx', 'xxxxxx'], 10)).toEqual({ lines: [OVERSIZED_LINE], oversized: 1 });
    expect(split(['x'.repeat(10), '\n'], 10).lines).toEqual(['x'.repeat(10)]);
  });

  it('forgets a line cut short by a failure', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(Buffer.from('done\npart'))).toEqual(['done']);
    splitter.discard();
    expect(splitter.end()).toEqual([]);
  });
});
