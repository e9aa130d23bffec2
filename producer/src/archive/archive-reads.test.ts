/**
 * Tars read as they are downloaded, on real tar files made here by the system's `tar`, `gzip` and `bzip2`:
 * members stored out of name order come out in name order, each decoded by its own ending; what is not an
 * archive member is passed by; a corrupt member is reported and skipped; a truncated or damaged tar is read
 * up to the fault; a member that is a decompression bomb is never held whole.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { settled } from '../../../test/settled';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compressRepeated, repeatStreams } from '../../../test/archive-bombs';
import { tarData, tarHeader, tarLongName, tarMember, tarOf } from '../../../test/tar-blocks';
import { archiveFiles } from './archive-files';
import { EVENT_LOOP_SLICE_MS } from './archive-formats';
import { archiveReads, type ArchiveReadOptions } from './archive-reads';
import { ReplayProgress } from './replay-progress';
import { MAX_NAME_BYTES } from './tar-header';
import { MAX_PASSES } from './tar-members';

const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));

/** Members in the order `tar` stores them (not name order); their lines name the member they come from. */
const MEMBERS = ['2017/06/01/00/10.json.bz2', '2017/06/01/00/05.json.gz', '2017/06/01/00/30.json', '2017/06/01/00/9.jsonl'];
/** Stored too, and never read: not archive members (the last is a tar inside the tar). */
const OTHERS = ['README.txt', '2017/checksums.md5', '2017/.hidden.json', '2017/inner.tar'];
const IN_NAME_ORDER = ['2017/06/01/00/05.json.gz', '2017/06/01/00/9.jsonl', '2017/06/01/00/10.json.bz2', '2017/06/01/00/30.json'];
const LINES_PER_MEMBER = 3;
const linesOf = (member: string) => Array.from({ length: LINES_PER_MEMBER }, (_, i) => `{"member":"${member}","i":${i}}`);

let dir: string;

/** Writes `name` under `root` as the plain text `text`, compressed by its ending. */
function writeMember(root: string, name: string, text: string): void {
  const path = join(root, name);
  mkdirSync(dirname(path), { recursive: true });
  const plain = path.replace(/\.(gz|bz2)$/, '');
  writeFileSync(plain, text);
  if (name.endsWith('.gz')) execFileSync('gzip', [plain]);
  if (name.endsWith('.bz2')) execFileSync('bzip2', [plain]);
}

/** `tar` of `names` under `root`, stored in that order (a directory as an entry alone); `.tar.gz` and `.tgz` gzipped. */
function tar(file: string, root: string, names: string[], format = 'gnu'): string {
  const path = join(dir, file);
  const gzip = file.endsWith('.tar') ? [] : ['-z'];
  execFileSync('tar', ['-c', ...gzip, `--format=${format}`, '--no-recursion', '-f', path, '-C', root, ...names]);
  return path;
}

async function readTar(path: string, options: Partial<ArchiveReadOptions> = {}) {
  const files = archiveFiles(relative(dir, path), dir).files;
  const progress = new ReplayProgress(files.length, files[0].bytes);
  const lines: unknown[] = [];
  /** The members' total as the tar is read (known once it is listed). */
  const totals = new Set<number>();
  /** The share read when the second member's first lines arrive: the first member done, not the others. */
  let partWay: number | null = null;
  for await (const chunk of archiveReads(files, progress, { signal: new AbortController().signal, ...options })) {
    if (progress.members !== null) totals.add(progress.members.total);
    if (progress.membersRead === 1) partWay ??= progress.fraction;
    lines.push(...chunk);
  }
  return { lines, progress, totals: [...totals], partWay };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'trendmap-tar-'));
  const tree = join(dir, 'tree');
  for (const name of MEMBERS) writeMember(tree, name, `${linesOf(name).join('\n')}\n`);
  for (const name of OTHERS) writeMember(tree, name, '{"not":"read"}\n');
  mkdirSync(join(tree, 'bad'));
  copyFileSync(fixture('archive/corrupt/4-bad-block.json.bz2'), join(tree, 'bad/05.json.bz2'));
  copyFileSync(fixture('archive/corrupt/3-bad-header.json.gz'), join(tree, 'bad/07.json.gz'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a tar of .json.bz2, .json.gz, .json and .jsonl members', () => {
  const want = IN_NAME_ORDER.flatMap(linesOf);

  it.each(['day.tar', 'day.tar.gz', 'day.tgz'])('reads %s in name order, passing by what is not an archive member', async (file) => {
    const path = tar(file, join(dir, 'tree'), [MEMBERS[0], 'README.txt', MEMBERS[1], '2017/06', ...OTHERS.slice(1), MEMBERS[2], MEMBERS[3]]);
    const { lines, progress, totals } = await readTar(path);
    expect(lines).toEqual(want);
    expect(totals).toEqual([MEMBERS.length]);
    expect({ members: progress.membersRead, corrupt: progress.corrupt, files: progress.filesDone }).toEqual({ members: 4, corrupt: [], files: 1 });
  });

  it('moves the progress with the members of a .tar read, not all at once', async () => {
    const path = tar('moving.tar', join(dir, 'tree'), MEMBERS);
    const { partWay } = await readTar(path);
    expect(partWay).toBeGreaterThan(0);
    expect(partWay).toBeLessThan(1);
  });

  it('reads long names from pax headers', async () => {
    const long = `${'d'.repeat(120)}/${'m'.repeat(120)}.json`;
    writeMember(join(dir, 'tree'), long, '{"long":1}\n');
    expect((await readTar(tar('pax.tar', join(dir, 'tree'), [long, MEMBERS[2]], 'pax'))).lines).toEqual([...linesOf(MEMBERS[2]), '{"long":1}']);
    expect((await readTar(tar('gnu.tar.gz', join(dir, 'tree'), [long, MEMBERS[2]], 'gnu'))).lines).toEqual([...linesOf(MEMBERS[2]), '{"long":1}']);
  });

  it('reads only the members acceptMember takes, and counts only those', async () => {
    const path = tar('some.tar', join(dir, 'tree'), MEMBERS);
    const { lines, totals } = await readTar(path, { acceptMember: (name) => name.endsWith('0.json.bz2') || name.endsWith('.jsonl') });
    expect(lines).toEqual([...linesOf('2017/06/01/00/9.jsonl'), ...linesOf('2017/06/01/00/10.json.bz2')]);
    expect(totals).toEqual([2]);
  });

  it('counts the bytes of a .tar not to be read as read once it is listed, so the progress moves with the members', async () => {
    const path = tar('most.tar', join(dir, 'tree'), MEMBERS);
    const { lines, partWay } = await readTar(path, { acceptMember: (name) => !name.endsWith('.json.gz') });
    expect(lines).toEqual(['9.jsonl', '10.json.bz2', '30.json'].flatMap((name) => linesOf(`2017/06/01/00/${name}`)));
    // When the second member's lines come, all is read but the third member's data.
    const bytes = statSync(path).size;
    expect(partWay).toBe((bytes - statSync(join(dir, 'tree/2017/06/01/00/30.json')).size) / bytes);
  });
});

describe.each(['damaged.tar', 'damaged.tar.gz'])('%s', (file) => {
  it('reports a corrupt .bz2 and a corrupt .gz member by name, skips them and reads the others', async () => {
    const path = tar(file, join(dir, 'tree'), [MEMBERS[0], 'bad/07.json.gz', MEMBERS[1], 'bad/05.json.bz2']);
    const { lines, progress } = await readTar(path);
    expect(lines).toEqual([...linesOf(MEMBERS[1]), ...linesOf(MEMBERS[0])]);
    expect(progress.corrupt).toEqual([
      { name: `${file}:bad/05.json.bz2`, reason: expect.stringMatching(/^bad bzip2 data \(.+\)$/) },
      { name: `${file}:bad/07.json.gz`, reason: 'bad gzip data (incorrect header check)' },
    ]);
    expect({ read: progress.membersRead, corrupt: progress.membersCorrupt, files: progress.filesDone }).toEqual({ read: 4, corrupt: 2, files: 1 });
  });
});

describe('a damaged tar', () => {
  /** A tar stored in name order, so that what comes before a fault is what is read first. */
  let whole: Buffer;
  beforeAll(() => {
    whole = readFileSync(tar('sorted.tar', join(dir, 'tree'), IN_NAME_ORDER));
  });

  it('is read up to where it was cut, then reported as corrupt', async () => {
    // Cut inside the third member's data: 3 × 512-byte header + 2 padded members before it.
    const cut = join(dir, 'cut.tar');
    const third = whole.indexOf(Buffer.from('BZh')); // the .bz2 member's data, third in name order
    writeFileSync(cut, whole.subarray(0, third + 20));
    const { lines, progress } = await readTar(cut);
    expect(lines).toEqual(IN_NAME_ORDER.slice(0, 2).flatMap(linesOf));
    expect(progress.corrupt).toEqual([
      { name: 'cut.tar:2017/06/01/00/10.json.bz2', reason: `bad tar data (truncated at byte ${third + 20})` },
      { name: 'cut.tar', reason: `bad tar data (truncated at byte ${third + 20})` },
    ]);
  });

  it.each(['cut-early.tar', 'cut-early.tar.gz'])('%s: cut in a member stored after others but first by name, reads the others too', async (file) => {
    // a.json is stored last, after b.json and c.json, and read first: the cut must not lose b and c.
    const root = join(dir, 'tree');
    writeMember(root, 'early/b.json', '{"m":"b"}\n');
    writeMember(root, 'early/c.json', '{"m":"c"}\n');
    writeMember(root, 'early/a.json', '{"m":"a"}\n'.repeat(300));
    const stored = readFileSync(tar('early.tar', root, ['early/b.json', 'early/c.json', 'early/a.json']));
    const cutAt = stored.indexOf(Buffer.from('{"m":"a"}')) + 100;
    const cut = stored.subarray(0, cutAt);
    writeFileSync(join(dir, file), file.endsWith('.gz') ? gzipSync(cut) : cut);
    const { lines, progress } = await readTar(join(dir, file));
    expect(lines).toEqual([...Array.from({ length: 10 }, () => '{"m":"a"}'), '{"m":"b"}', '{"m":"c"}']);
    const reason = `bad tar data (truncated at byte ${cutAt})`;
    expect(progress.corrupt).toEqual([
      { name: `${file}:early/a.json`, reason },
      { name: file, reason },
    ]);
    expect({ read: progress.membersRead, corrupt: progress.membersCorrupt }).toEqual({ read: 3, corrupt: 1 });
  });

  it('reports a tar cut between two members, with no end-of-archive block', async () => {
    const third = 2 * 1024; // two members of one header and one block of data each
    writeFileSync(join(dir, 'cut-between.tar'), whole.subarray(0, third));
    const { lines, progress } = await readTar(join(dir, 'cut-between.tar'));
    expect(lines).toEqual(IN_NAME_ORDER.slice(0, 2).flatMap(linesOf));
    expect(progress.corrupt).toEqual([{ name: 'cut-between.tar', reason: `bad tar data (truncated: no end-of-archive block after byte ${third})` }]);
  });

  it('reports a .tar.gz cut short and keeps the lines before', async () => {
    const gz = readFileSync(tar('sorted.tar.gz', join(dir, 'tree'), IN_NAME_ORDER));
    writeFileSync(join(dir, 'cut.tar.gz'), gz.subarray(0, gz.length - 40));
    const { lines, progress } = await readTar(join(dir, 'cut.tar.gz'));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines).toEqual(IN_NAME_ORDER.flatMap(linesOf).slice(0, lines.length));
    expect(progress.corrupt).toEqual([{ name: 'cut.tar.gz', reason: 'bad gzip data (unexpected end of file)' }]);
  });

  it('reports a header that is not one, after the members before it', async () => {
    const bad = Buffer.from(whole);
    const second = 1024; // the first member is one block of data
    bad.fill(0x41, second, second + 100);
    writeFileSync(join(dir, 'bad-header.tar'), bad);
    const { lines, progress } = await readTar(join(dir, 'bad-header.tar'));
    expect(lines).toEqual(linesOf(IN_NAME_ORDER[0]));
    expect(progress.corrupt).toEqual([{ name: 'bad-header.tar', reason: `bad tar data (no tar header at byte ${second})` }]);
  });

  it('reports a file that is not a tar at all', async () => {
    writeFileSync(join(dir, 'text.tar'), readFileSync(fixture('replay-sample.jsonl')));
    const { lines, progress } = await readTar(join(dir, 'text.tar'));
    expect(lines).toEqual([]);
    expect(progress.corrupt).toEqual([{ name: 'text.tar', reason: 'bad tar data (no tar header at byte 0)' }]);
  });
});

describe.each(['unsupported.tar', 'unsupported.tar.gz'])('%s', (file) => {
  it('reports a sparse member and a member whose name is too long to keep, and reads the others', async () => {
    const long = `${'n'.repeat(MAX_NAME_BYTES)}.json`;
    const sparse = tarHeader('sparse.json', 4, 'S');
    const tar = tarOf([tarLongName(long), tarMember(long.slice(0, 99), '{"long":1}\n'), sparse, tarData('{}\n\n'), tarMember('b.json', '{"b":1}\n')]);
    writeFileSync(join(dir, file), file.endsWith('.gz') ? gzipSync(tar) : tar);
    const { lines, progress } = await readTar(join(dir, file));
    expect(lines).toEqual(['{"b":1}']);
    expect(progress.corrupt).toEqual([
      {
        name: `${file}:${long.slice(0, 200)}…`,
        reason: `unsupported (a ${MAX_NAME_BYTES + 5}-byte name; over ${MAX_NAME_BYTES} bytes are not read)`,
      },
      { name: `${file}:sparse.json`, reason: 'unsupported (a sparse file)' },
    ]);
    expect({ read: progress.membersRead, corrupt: progress.membersCorrupt }).toEqual({ read: 3, corrupt: 2 });
  });
});

describe('a .tar.gz stored out of name order', () => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `rev/${i + 1}.json`);
  const lineOf = (name: string) => `{"member":"${name}"}`;
  beforeAll(() => {
    for (const name of names(MAX_PASSES + 2)) writeMember(join(dir, 'tree'), name, `${lineOf(name)}\n`);
  });

  it(`is read in name order in up to ${MAX_PASSES} passes, the progress counting each pass's share`, async () => {
    const path = tar('reversed.tgz', join(dir, 'tree'), names(MAX_PASSES).reverse());
    const { lines, progress, partWay } = await readTar(path);
    expect(lines).toEqual(names(MAX_PASSES).map(lineOf));
    expect(progress.notes).toEqual([]);
    // The second member comes in the second pass: half the file read of the four passes' four times its size.
    expect(partWay).toBe(Math.floor((2 * statSync(path).size) / MAX_PASSES) / statSync(path).size);
  });

  it(`is read in the order stored when name order would take more than ${MAX_PASSES} passes, and says so`, async () => {
    const path = tar('reversed-more.tgz', join(dir, 'tree'), names(MAX_PASSES + 2).reverse());
    const { lines, progress } = await readTar(path);
    expect(lines).toEqual(
      names(MAX_PASSES + 2)
        .reverse()
        .map(lineOf),
    );
    expect(progress.notes).toEqual([
      `reversed-more.tgz: members read in stored order, not name order (in name order they would take ${MAX_PASSES + 2} passes over the file)`,
    ]);
  });
});

describe('a tar of thousands of empty members', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives the event loop a turn once a slice of time has passed, though no member reads a byte', async () => {
    const EMPTY = 2_000;
    const empties = Array.from({ length: EMPTY }, (_, i) => tarMember(`e/${i}.json`));
    writeFileSync(join(dir, 'empties.tar'), tarOf([tarMember('a.json', '{"a":1}\n'), ...empties, tarMember('z.json', '{"z":1}\n')]));
    // A clock on which every look finds a slice gone by: a turn is due after every member.
    let clock = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (clock += EVENT_LOOP_SLICE_MS));
    let turns = 0;
    let counting = true;
    const count = () => {
      turns += 1;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const turnsAt: Record<string, number> = {};
    const files = archiveFiles('empties.tar', dir).files;
    for await (const chunk of archiveReads(files, new ReplayProgress(1, files[0].bytes), { signal: new AbortController().signal })) {
      for (const line of chunk) if (typeof line === 'string') turnsAt[line] = turns;
    }
    counting = false;
    expect(turnsAt['{"z":1}'] - turnsAt['{"a":1}']).toBeGreaterThanOrEqual(EMPTY);
  });
});

describe('a member that is a decompression bomb', () => {
  /** '{}\n' × 16M: a bzip2 member of a few KB, or a tar.gz of a plain member inflated by the outer gzip. */
  const BOMB_BYTES = 48 * 1024 * 1024;
  /** Memory a reader may grow by while it holds the bomb part-read: far less than the bomb. */
  const MAX_GROWTH_BYTES = 12 * 1024 * 1024;
  const bombs: Record<string, string> = {};
  beforeAll(async () => {
    const root = join(dir, 'bombs');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, '00.json.bz2'), repeatStreams(await compressRepeated('bzip2', '{}\n', BOMB_BYTES / 16), 16));
    writeFileSync(join(root, '01.json'), '{}\n'.repeat(BOMB_BYTES / 3));
    bombs['bz2-member.tar'] = tar('bz2-member.tar', root, ['00.json.bz2']);
    bombs['plain-member.tar.gz'] = tar('plain-member.tar.gz', root, ['01.json']);
  }, 120_000);

  /** A full collection (V8's own, reached from a fresh context), so that what is measured is what is held. */
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as () => void;
  const held = () => {
    collect();
    return process.memoryUsage().arrayBuffers;
  };

  it.each(['bz2-member.tar', 'plain-member.tar.gz'])('%s: never holds the member whole, read slowly or to its end', async (file) => {
    const files = archiveFiles(relative(dir, bombs[file]), dir).files;
    const progress = new ReplayProgress(1, files[0].bytes);
    const before = held();
    const iterator = archiveReads(files, progress, { signal: new AbortController().signal })[Symbol.asyncIterator]();
    let lines = 0;
    let largest = 0;
    let grown = 0;
    // A slow reader: one chunk, then let the streams read ahead as far as they would.
    for (let i = 0; i < 20; i += 1) {
      const next = await iterator.next();
      if (next.done) break;
      lines += next.value.length;
      largest = Math.max(largest, next.value.length);
      grown = Math.max(grown, (await settled(held)) - before);
    }
    expect(grown).toBeLessThan(MAX_GROWTH_BYTES);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      lines += next.value.length;
      largest = Math.max(largest, next.value.length);
    }
    expect(lines).toBe(BOMB_BYTES / 3);
    // A chunk of lines comes from one decoded piece of at most 64 KB.
    expect(largest).toBeLessThanOrEqual(Math.ceil((64 * 1024) / 3));
    expect({ read: progress.membersRead, corrupt: progress.corrupt }).toEqual({ read: 1, corrupt: [] });
  });
});
