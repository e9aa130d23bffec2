import { describe, expect, it } from 'vitest';
import { tarData, tarHeader, tarLongName, tarMember, tarOf, tarPax } from '../../../test/tar-blocks';
import { TarBytes } from './tar-bytes';
import { BLOCK_BYTES, MAX_META_BYTES, MAX_NAME_BYTES } from './tar-header';
import { tarWalk, type TarEntry } from './tar-walk';

/** `tar` as a stream. */
function streamed(tar: Buffer): TarBytes {
  return new TarBytes(
    (async function* () {
      yield tar;
    })(),
    'gzip',
  );
}

/** The walk's entries over `tar`. */
async function walk(tar: Buffer): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  for await (const entry of tarWalk(streamed(tar))) entries.push(entry);
  return entries;
}

describe('tarWalk', () => {
  it('passes by a GNU sparse member and its extension blocks, reports it, and walks on to the members after', async () => {
    const sparse = tarHeader('sparse.json', 1_000, 'S', (block) => {
      block[482] = 1; // the map goes on in an extension block
    });
    const extension = Buffer.alloc(BLOCK_BYTES);
    extension[504] = 1; // and in another
    const last = Buffer.alloc(BLOCK_BYTES);
    const tar = tarOf([sparse, extension, last, tarData('x'.repeat(1_000)), tarMember('after.json', '{"after":1}\n')]);
    const entries = await walk(tar);
    expect(entries.map((e) => [e.name, e.offset, e.unsupported])).toEqual([
      ['sparse.json', 3 * BLOCK_BYTES, 'unsupported (a sparse file)'],
      ['after.json', 3 * BLOCK_BYTES + 1_024 + BLOCK_BYTES, undefined],
    ]);
  });

  it('reports a pax sparse member', async () => {
    const tar = tarOf([tarPax(['GNU.sparse.major=1', 'GNU.sparse.name=s.json']), tarMember('GNUSparseFile.1/s.json', 'map'), tarMember('b.json')]);
    expect((await walk(tar)).map((e) => e.unsupported)).toEqual(['unsupported (a sparse file)', undefined]);
  });

  it('keeps no name longer than MAX_NAME_BYTES, nor reads a name header over MAX_META_BYTES', async () => {
    const long = `${'n'.repeat(MAX_NAME_BYTES)}.json`;
    const huge = 'h'.repeat(MAX_META_BYTES + 1);
    const tar = tarOf([tarLongName(long), tarMember('n'.repeat(99)), tarLongName(huge), tarMember('h'.repeat(99)), tarMember('b.json', '{}\n')]);
    const entries = await walk(tar);
    expect(entries.map((e) => [e.name.length, e.nameCut, e.unsupported])).toEqual([
      [201, true, `unsupported (a ${MAX_NAME_BYTES + 5}-byte name; over ${MAX_NAME_BYTES} bytes are not read)`],
      [100, true, `unsupported (a ${MAX_META_BYTES + 2}-byte name header; over ${MAX_META_BYTES} bytes are not read)`],
      [6, undefined, undefined],
    ]);
    expect(entries[0].name.startsWith('nnn')).toBe(true);
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    const tar = tarOf(Array.from({ length: 10 }, (_, i) => tarMember(`${i}.json`)));
    const names: string[] = [];
    for await (const entry of tarWalk(streamed(tar), controller.signal)) {
      names.push(entry.name);
      if (names.length === 3) controller.abort();
    }
    expect(names).toEqual(['0.json', '1.json', '2.json']);
  });
});
