import { describe, expect, it } from 'vitest';
import { paxBody, tarHeader as header } from '../../../test/tar-blocks';
import { BLOCK_BYTES, TarError, decodeTarHeader, paddedSize, paxRecords } from './tar-header';

describe('decodeTarHeader', () => {
  it('reads the name (with its ustar prefix), the size and the kind', () => {
    expect(decodeTarHeader(header('05.json.bz2', 1_000), 0)).toEqual({ name: '05.json.bz2', size: 1_000, kind: 'file' });
    const prefixed = header('05.json.bz2', 10, '0', (block) => block.write('2017/06/01/00', 345, 'utf8'));
    expect(decodeTarHeader(prefixed, 0)?.name).toBe('2017/06/01/00/05.json.bz2');
    expect(decodeTarHeader(header('2017/', 0, '5'), 0)?.kind).toBe('other');
    expect(decodeTarHeader(header('PaxHeaders/x', 30, 'x'), 0)?.kind).toBe('pax');
    expect(decodeTarHeader(header('././@LongLink', 300, 'L'), 0)?.kind).toBe('long-name');
  });

  it('reads a GNU base-256 size, past the 8 GB of an octal field', () => {
    const big = header('huge.json', 0, '0', (block) => {
      block.fill(0, 124, 136);
      block[124] = 0x80;
      block.writeUIntBE(10 * 1024 ** 3, 130, 6);
    });
    expect(decodeTarHeader(big, 0)?.size).toBe(10 * 1024 ** 3);
  });

  it('takes a checksum summed over signed bytes, as old tars wrote and GNU tar reads', () => {
    const block = header('été.json', 10);
    block.fill(0x20, 148, 156);
    const signed = block.reduce((sum, byte) => sum + (byte < 0x80 ? byte : byte - 0x100), 0);
    block.write(`${signed.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    expect(decodeTarHeader(block, 0)?.name).toBe('été.json');
  });

  it('ends at a zero block, and refuses a block whose checksum is wrong, saying where', () => {
    expect(decodeTarHeader(Buffer.alloc(BLOCK_BYTES), 0)).toBeNull();
    const damaged = header('05.json', 10);
    damaged[3] ^= 1;
    expect(() => decodeTarHeader(damaged, 1_536)).toThrow(new TarError('bad tar data (no tar header at byte 1536)'));
    expect(() => decodeTarHeader(Buffer.from('{"not":"a tar"}'.padEnd(BLOCK_BYTES)), 0)).toThrow(TarError);
  });
});

describe('paxRecords', () => {
  it('takes the path and the size, whatever else the header holds', () => {
    const records = ['30 mtime=1496275200.123456789\n', '34 path=2017/06/01/00/05.json.bz2\n', '16 size=9000000\n'].join('');
    expect(paxRecords(Buffer.from(records))).toEqual({ path: '2017/06/01/00/05.json.bz2', size: 9_000_000 });
  });

  it('refuses a size that is not a whole number a tar can hold, saying where', () => {
    for (const size of ['9'.repeat(400), '9007199254740993', '-1', '1e3', '']) {
      expect(() => paxRecords(paxBody([`size=${size}`]), 1_024)).toThrow(new TarError('bad tar data (bad size in the pax header at byte 1024)'));
    }
  });

  it('says when the member is a sparse file', () => {
    expect(paxRecords(paxBody(['GNU.sparse.major=1', 'GNU.sparse.minor=0'])).sparse).toBe(true);
  });

  it('stops at a record whose length is wrong, keeping those before', () => {
    expect(paxRecords(Buffer.from('13 path=a.js\n99 size=1\n'))).toEqual({ path: 'a.js' });
  });
});

it('pads data to whole blocks', () => {
  expect([0, 1, 512, 513].map(paddedSize)).toEqual([0, 512, 512, 1024]);
});
