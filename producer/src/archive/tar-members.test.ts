import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tarMember, tarOf } from '../../../test/tar-blocks';
import { openTar, type TarOptions } from './tar-members';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'trendmap-tar-members-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The names `openTar` lists from `tar`, in the order it would read them, and why it stopped listing. */
async function listed(tar: Buffer, options: Partial<TarOptions> = {}) {
  const path = join(dir, 'listed.tar');
  writeFileSync(path, tar);
  const listing = await openTar(path, { signal: new AbortController().signal, ...options });
  const names: string[] = [];
  for await (const member of listing.members()) names.push(member.name);
  return { count: listing.count, error: listing.error, names };
}

describe('openTar', () => {
  const five = tarOf(['e', 'd', 'c', 'b', 'a'].map((name) => tarMember(`${name}.json`)));

  it('lists no more members than its limit, reports the tar there and reads those listed', async () => {
    expect(await listed(five, { limits: { members: 3, nameChars: 1_000 } })).toEqual({
      count: 3,
      error: 'bad tar data (over 3 members or 1000 characters of names to list, at byte 1536)',
      names: ['c.json', 'd.json', 'e.json'],
    });
  });

  it('lists no more characters of names than its limit', async () => {
    expect(await listed(five, { limits: { members: 100, nameChars: 12 } })).toEqual({
      count: 2,
      error: 'bad tar data (over 100 members or 12 characters of names to list, at byte 1024)',
      names: ['d.json', 'e.json'],
    });
  });
});
