import { afterAll, describe, expect, it, beforeAll } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { ArchiveError, archiveFiles, naturalCompare, naturalKey, shardOf, sortByName } from './archive-files';

/** A Twitter-Stream-Grab-like tree, written in scrambled order so that the order read is the sort's. */
const TREE = [
  '2017/06/01/00/10.json.bz2',
  '2017/06/01/00/05.json.bz2',
  '2017/06/01/01/00.json.bz2',
  '2017/06/02/00/00.json.gz',
  '2017/06/01/00/30.json',
  'loose/10.jsonl',
  'loose/9.jsonl',
  'loose/posts.ndjson',
  'loose/day.tar',
  'README.txt',
  'loose/.hidden.json',
  'loose/checksums.md5',
];

describe('archiveFiles', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'trendmap-archive-'));
    for (const name of TREE) {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), `${name}\n`);
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads a directory recursively, archive endings (tars too) only, in natural order of the relative path', () => {
    const archive = archiveFiles(root);
    expect(archive.files.map((f) => f.name)).toEqual([
      '2017/06/01/00/05.json.bz2',
      '2017/06/01/00/10.json.bz2',
      '2017/06/01/00/30.json',
      '2017/06/01/01/00.json.bz2',
      '2017/06/02/00/00.json.gz',
      'loose/9.jsonl',
      'loose/10.jsonl',
      'loose/day.tar',
      'loose/posts.ndjson',
    ]);
    expect(archive.files.every((f) => f.path.startsWith(root))).toBe(true);
    expect(archive.totalBytes).toBe(archive.files.reduce((sum, f) => sum + f.name.length + 1, 0));
  });

  it('takes a glob relative to the working directory, sorted the same way, whatever the ending', () => {
    const archive = archiveFiles('**/0*.json*', root);
    expect(archive.files.map((f) => f.name)).toEqual(['2017/06/01/00/05.json.bz2', '2017/06/01/01/00.json.bz2', '2017/06/02/00/00.json.gz']);
    const absolute = archiveFiles(`${root}/loose/*`);
    expect(absolute.files.map((f) => f.name)).toEqual(['9.jsonl', '10.jsonl', 'checksums.md5', 'day.tar', 'posts.ndjson']);
  });

  it('follows no link to a folder, in a glob as in a directory: a loop would read every file again', () => {
    const linked = mkdtempSync(join(tmpdir(), 'trendmap-links-'));
    try {
      mkdirSync(join(linked, 'sub'));
      writeFileSync(join(linked, 'a.jsonl'), '{}\n');
      writeFileSync(join(linked, 'sub', 'b.jsonl'), '{}\n');
      symlinkSync('..', join(linked, 'sub', 'loop'));
      symlinkSync('sub', join(linked, 'dirlink.jsonl'));
      symlinkSync(join(linked, 'sub', 'b.jsonl'), join(linked, 'c.jsonl'));
      // A link to a file is taken, as a file.
      expect(archiveFiles('*.jsonl', linked).files.map((f) => f.name)).toEqual(['a.jsonl', 'c.jsonl']);
      expect(archiveFiles('**/*.jsonl', linked).files.map((f) => f.name)).toEqual(['a.jsonl', 'c.jsonl', 'sub/b.jsonl']);
      expect(archiveFiles(linked).files.map((f) => f.name)).toEqual(['a.jsonl', 'c.jsonl', 'sub/b.jsonl']);
    } finally {
      rmSync(linked, { recursive: true, force: true });
    }
  });

  it('takes a single file whatever its ending', () => {
    const archive = archiveFiles(join(root, 'README.txt'));
    expect(archive.files).toHaveLength(1);
    expect(archive.totalBytes).toBe('README.txt\n'.length);
  });

  it('deals its files in turn between shards: each file in exactly one, each shard in time order', () => {
    const archive = archiveFiles(root);
    const names = archive.files.map((f) => f.name);
    expect(shardOf(archive, null)).toBe(archive);
    const shares = [1, 2, 3].map((index) => shardOf(archive, { index, count: 3 }));
    expect(shares.map((share) => share.files.map((f) => f.name))).toEqual([0, 1, 2].map((k) => names.filter((_, i) => i % 3 === k)));
    expect(shares.reduce((sum, share) => sum + share.totalBytes, 0)).toBe(archive.totalBytes);
    expect(shares[1].totalBytes).toBe(shares[1].files.reduce((sum, f) => sum + f.bytes, 0));
    // More shares than files: the last ones have nothing to publish.
    expect(shardOf(archive, { index: names.length + 1, count: names.length + 1 })).toMatchObject({ files: [], totalBytes: 0 });
    // Each share names the whole list it was dealt from: the same for every share, another for another list.
    const fingerprint = shares[0].share!.fingerprint;
    expect(shares.map((share) => share.share)).toEqual([1, 2, 3].map((index) => ({ index, count: 3, of: names.length, fingerprint })));
    expect(fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(shardOf({ ...archive, files: archive.files.slice(1) }, { index: 1, count: 3 }).share!.fingerprint).not.toBe(fingerprint);
  });

  it('refuses, with a clear message, what matches nothing', () => {
    expect(() => archiveFiles(join(root, 'missing.jsonl'))).toThrow(ArchiveError);
    expect(() => archiveFiles(join(root, 'missing.jsonl'))).toThrow(/no such file or directory/);
    expect(() => archiveFiles('**/*.xz', root)).toThrow(/the pattern matches no files/);
    const empty = mkdtempSync(join(tmpdir(), 'trendmap-empty-'));
    writeFileSync(join(empty, 'notes.txt'), 'x');
    expect(() => archiveFiles(empty)).toThrow(/holds no .jsonl, .ndjson, .json, .gz, .bz2, .tar, .tgz files/);
    rmSync(empty, { recursive: true, force: true });
  });
});

describe('naturalCompare', () => {
  it('orders digit runs as numbers and the rest by code unit, segment by segment', () => {
    const names = ['b/10.json', 'a/9/x.json', 'b/9.json', 'a/10.json', 'b/09.json', 'a/9.json', 'B/1.json', 'a-b/1.json'];
    expect([...names].sort(naturalCompare)).toEqual([
      'B/1.json',
      'a/9/x.json', // the directory '9' before the file '9.json': segment by segment, a shorter name first
      'a/9.json',
      'a/10.json',
      'a-b/1.json',
      'b/9.json',
      'b/09.json',
      'b/10.json',
    ]);
  });

  it('agrees with plain string order on zero-padded names', () => {
    const padded = ['2017/06/01/00/05.json.bz2', '2017/06/01/00/10.json.bz2', '2017/06/01/00/59.json.bz2', '2017/06/01/01/00.json.bz2'];
    expect([...padded].reverse().sort(naturalCompare)).toEqual([...padded].sort());
  });
});

describe('naturalKey', () => {
  /** Names made of what naturalCompare tells apart: digit runs with and without zeros, separators, low and high code units. */
  const name = fc
    .array(fc.constantFrom('0', '00', '1', '9', '10', '010', 'a', 'b', '/', '-', '.', '~', '\u0000', '\u0001', '\u0002', '\u0003', '\uffff'), {
      maxLength: 12,
    })
    .map((parts) => parts.join(''));
  const byKey = (a: string, b: string) => {
    const [x, y] = [naturalKey(a), naturalKey(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  };

  it('orders any two names as naturalCompare does', () => {
    fc.assert(
      fc.property(name, name, (a, b) => Math.sign(byKey(a, b)) === Math.sign(naturalCompare(a, b))),
      { numRuns: 20_000 },
    );
  });

  it('sorts a list as naturalCompare does, each key computed once', () => {
    fc.assert(
      fc.property(fc.array(name, { maxLength: 40 }), (names) => {
        expect(sortByName([...names], (n) => n)).toEqual([...names].sort(naturalCompare));
      }),
    );
  });
});
