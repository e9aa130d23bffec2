/**
 * Tars built block by block, for tests of what `tar` itself will not write: crafted sizes, sparse headers
 * with extension blocks, names of any length, thousands of empty members.
 */
import { BLOCK_BYTES, paddedSize } from '../producer/src/archive/tar-header';

/** A ustar header block as `tar` writes one, with its checksum; `edit` may change it before the sum. */
export function tarHeader(name: string, size: number, type = '0', edit?: (block: Buffer) => void): Buffer {
  const block = Buffer.alloc(BLOCK_BYTES);
  block.write(name, 0, 'utf8');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  block.write(type, 156, 'latin1');
  block.write('ustar\x0000', 257, 'latin1');
  edit?.(block);
  block.fill(0x20, 148, 156);
  const sum = block.reduce((a, b) => a + b, 0);
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

/** `data` padded with zeros to whole blocks. */
export function tarData(data: Buffer | string): Buffer {
  const bytes = Buffer.from(data);
  return Buffer.concat([bytes, Buffer.alloc(paddedSize(bytes.length) - bytes.length)]);
}

/** A regular member: its header and its data. */
export function tarMember(name: string, data: Buffer | string = ''): Buffer {
  return Buffer.concat([tarHeader(name, Buffer.byteLength(data)), tarData(data)]);
}

/** A GNU long name (`L`) for the member that follows. */
export function tarLongName(name: string): Buffer {
  const body = Buffer.from(`${name}\0`);
  return Buffer.concat([tarHeader('././@LongLink', body.length, 'L'), tarData(body)]);
}

/** A pax header body of `records` ("key=value"), each framed with its length in bytes. */
export function paxBody(records: string[]): Buffer {
  const framed = records.map((record) => {
    let length = Buffer.byteLength(record) + 3;
    while (Buffer.byteLength(`${length} ${record}\n`) !== length) length = Buffer.byteLength(`${length} ${record}\n`);
    return `${length} ${record}\n`;
  });
  return Buffer.from(framed.join(''));
}

/** A pax header (`x`) of `records` for the member that follows. */
export function tarPax(records: string[]): Buffer {
  const body = paxBody(records);
  return Buffer.concat([tarHeader('PaxHeaders/x', body.length, 'x'), tarData(body)]);
}

/** The parts, then the end-of-archive blocks. */
export function tarOf(parts: Buffer[]): Buffer {
  return Buffer.concat([...parts, Buffer.alloc(2 * BLOCK_BYTES)]);
}
