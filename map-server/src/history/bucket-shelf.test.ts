import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileShelf, MemoryShelf, type BucketShelf } from './bucket-shelf';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trendmap-shelf-'));
  dirs.push(dir);
  return dir;
}

describe.each([
  ['memory', () => new MemoryShelf()],
  ['files', () => new FileShelf(tempDir())],
] as [string, () => BucketShelf][])('%s shelf', (_, makeShelf) => {
  it('keeps bytes under a name until removed, and the tags appended', () => {
    const shelf = makeShelf();
    expect(shelf.list()).toEqual([]);
    expect(shelf.readTags()).toBe('');
    shelf.write('hours/2026-11-27T01.0.tmh', Uint8Array.of(1, 2, 3));
    shelf.write('days/2026-11-26.4.tmh', Uint8Array.of(4));
    shelf.write('hours/2026-11-27T01.0.tmh', Uint8Array.of(5, 6));
    expect(shelf.list().sort()).toEqual(['days/2026-11-26.4.tmh', 'hours/2026-11-27T01.0.tmh']);
    expect([...shelf.read('hours/2026-11-27T01.0.tmh')]).toEqual([5, 6]);
    shelf.remove('days/2026-11-26.4.tmh');
    shelf.remove('days/never.tmh');
    expect(shelf.list()).toEqual(['hours/2026-11-27T01.0.tmh']);
    expect(() => shelf.read('days/2026-11-26.4.tmh')).toThrow();
    shelf.appendTags('a\tA\n');
    shelf.appendTags('b\tB\n');
    expect(shelf.readTags()).toBe('a\tA\nb\tB\n');
  });
});

describe('file shelf', () => {
  it('writes through a temporary file, and deletes one a crash left at start', () => {
    const dir = tempDir();
    const shelf = new FileShelf(dir);
    shelf.write('hours/2026-11-27T01.0.tmh', Uint8Array.of(7));
    expect(readdirSync(join(dir, 'hours'))).toEqual(['2026-11-27T01.0.tmh']);
    writeFileSync(join(dir, 'hours/2026-11-27T02.1.tmh.tmp'), 'half');
    expect(shelf.list()).toEqual(['hours/2026-11-27T01.0.tmh']);
    const again = new FileShelf(dir);
    expect(existsSync(join(dir, 'hours/2026-11-27T02.1.tmh.tmp'))).toBe(false);
    expect([...again.read('hours/2026-11-27T01.0.tmh')]).toEqual([7]);
  });
});
