/**
 * Which files an archive is: `--file` names a file, a directory (read recursively) or a glob. Files are
 * replayed in natural order of their path relative to the directory or the glob's base, so that the
 * Internet Archive's "Twitter Stream Grab" layout (`2017/06/01/00/05.json.bz2`, `.../00/10.json.bz2`)
 * is read in time order, and `9.json` comes before `10.json` where names are not zero-padded.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import type { Shard } from '../../../common/node/config';
import { FORMATS } from './archive-formats';

/**
 * Endings taken from a directory: newline-delimited JSON, plain or in any format of `FORMATS`. `.txt` is
 * left out on purpose: archive folders hold READMEs and checksums as `.txt`, and a stray file would only
 * add skips. A file named explicitly, or matched by a glob, is read whatever its ending. Tars (`.tar`,
 * `.tar.gz`, `.tgz`) are read member by member (`tar-members.ts`).
 */
export const ARCHIVE_ENDINGS: readonly string[] = ['.jsonl', '.ndjson', '.json', ...FORMATS.flatMap((format) => format.endings), '.tar', '.tgz'];

export interface ArchiveFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the directory or the glob's working directory; the sort key and the display name. */
  name: string;
  /** Size on disk (compressed), in bytes. */
  bytes: number;
}

export interface Archive {
  files: ArchiveFile[];
  /** Sum of the files' sizes on disk, in bytes. */
  totalBytes: number;
  /** When these are one share of the archive (`shardOf`): which, of how many files, and the whole list's fingerprint. */
  share?: { index: number; count: number; of: number; fingerprint: string };
  /**
   * Folders under the directory that could not be listed (no permission...), each with why: passed over, so
   * that the rest is replayed, and said once at the start (`createSource`). Absent when there were none.
   */
  unreadable?: { name: string; reason: string }[];
}

/** A `--file` that names nothing readable, with a message meant for the person who typed it. */
export class ArchiveError extends Error {}

/** Resolves `--file` to the files to replay, in order; throws `ArchiveError` when nothing matches. */
export function archiveFiles(spec: string, cwd = process.cwd()): Archive {
  const target = resolve(cwd, spec);
  let stats: Stats | undefined;
  try {
    stats = statSync(target);
  } catch {
    stats = undefined;
  }
  let files: ArchiveFile[];
  let unreadable: { name: string; reason: string }[] = [];
  if (stats?.isFile()) {
    files = [{ path: target, name: spec, bytes: stats.size }];
  } else if (stats?.isDirectory()) {
    let walked: ReturnType<typeof walk>;
    try {
      walked = walk(target);
    } catch (error) {
      // The directory itself unreadable: nothing to replay, said as the mistake it is.
      throw new ArchiveError(`--file ${spec}: cannot read the directory (${errorCode(error)})`);
    }
    files = walked.files.filter((f) => isArchiveName(f.path));
    unreadable = walked.unreadable.map(({ path, reason }) => ({ name: relative(target, path), reason }));
    if (files.length === 0) throw new ArchiveError(`--file ${spec}: the directory holds no ${ARCHIVE_ENDINGS.join(', ')} files`);
  } else if (isDynamicPattern(spec)) {
    const base = staticBase(spec, cwd);
    // As the directory walk: a file reached through a symbolic link to a folder is left out (a link to `..`
    // loops, and each file would be read again under another name); a link to a file is taken. The glob is
    // told to follow links, since it then drops links to files too, and what it found through one is removed.
    const linked = new Map<string, boolean>();
    files = globSync(spec, { cwd, absolute: true, onlyFiles: true, dot: false })
      .filter((path) => !throughLinkedFolder(path, base, linked))
      .map((path) => ({ path, name: relative(base, path), bytes: statSync(path).size }));
    if (files.length === 0) throw new ArchiveError(`--file ${spec}: the pattern matches no files`);
  } else {
    throw new ArchiveError(`--file ${spec}: no such file or directory`);
  }
  if (stats?.isDirectory()) files = files.map((f) => ({ ...f, name: relative(target, f.path) }));
  sortByName(files, (f) => f.name);
  sortByName(unreadable, (f) => f.name);
  return unreadable.length > 0 ? { files, totalBytes: bytesOf(files), unreadable } : { files, totalBytes: bytesOf(files) };
}

/**
 * The files of `shard` (see `Shard`): the archive's files in the order given, dealt in turn. A share may be
 * empty (more producers than files): that producer has nothing to publish.
 */
export function shardOf(archive: Archive, shard: Shard | null): Archive {
  if (shard === null) return archive;
  const files = archive.files.filter((_, i) => i % shard.count === shard.index - 1);
  // Shares are dealt by place: the producers of one split must see the same list, which this names.
  const fingerprint = createHash('sha256')
    .update(archive.files.map((f) => f.name).join('\n'))
    .digest('hex')
    .slice(0, 12);
  // What else the archive says (its unreadable folders) holds for every share.
  return { ...archive, files, totalBytes: bytesOf(files), share: { ...shard, of: archive.files.length, fingerprint } };
}

/** The files' sizes on disk, summed, in bytes. */
export function bytesOf(files: readonly ArchiveFile[]): number {
  return files.reduce((sum, f) => sum + f.bytes, 0);
}

/** Whether a file found in a directory is part of the archive (by ending; hidden files never are). */
export function isArchiveName(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return !base.startsWith('.') && ARCHIVE_ENDINGS.some((ending) => base.endsWith(ending));
}

/** The directory a glob starts from: its segments before the first one with a wildcard. */
function staticBase(pattern: string, cwd: string): string {
  const segments = pattern.split('/');
  const firstDynamic = segments.findIndex((segment) => isDynamicPattern(segment));
  return resolve(cwd, segments.slice(0, firstDynamic).join('/') || '.');
}

/**
 * Every regular file under `dir`, depth first; symbolic links to directories are not followed. A folder under
 * it that cannot be listed is passed over and returned with why (`EACCES`...); `dir` itself throws.
 */
function walk(dir: string): { files: ArchiveFile[]; unreadable: { path: string; reason: string }[] } {
  const found: ArchiveFile[] = [];
  const unreadable: { path: string; reason: string }[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch (error) {
      if (current === dir) throw error;
      unreadable.push({ path: current, reason: errorCode(error) });
      continue;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile() || (entry.isSymbolicLink() && safeStat(path)?.isFile())) {
        found.push({ path, name: path, bytes: safeStat(path)?.size ?? 0 });
      }
    }
  }
  return { files: found, unreadable };
}

/** Why a file system call failed, in one word (`EACCES`...). */
function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'unreadable';
}

/**
 * Whether `path` was reached from `base` through a folder that is a symbolic link. `linked` holds each folder's
 * answer for one glob, so that its files' shared folders are looked at once.
 */
function throughLinkedFolder(path: string, base: string, linked: Map<string, boolean>): boolean {
  for (let dir = dirname(path); dir.length > base.length && dir.startsWith(base); dir = dirname(dir)) {
    let isLink = linked.get(dir);
    if (isLink === undefined) {
      try {
        isLink = lstatSync(dir).isSymbolicLink();
      } catch {
        isLink = true; // gone since it was listed: nothing to read there
      }
      linked.set(dir, isLink);
    }
    if (isLink) return true;
  }
  return false;
}

function safeStat(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

const DIGITS = /^[0-9]+$/;
const RUNS = /[0-9]+|[^0-9]+/g;

/**
 * Natural order of two paths, segment by segment: runs of digits compare as numbers (`9` < `10`; on a
 * tie the one with fewer leading zeros first), everything else by UTF-16 code unit, so the order does not
 * depend on the locale. Zero-padded names sort as they would lexicographically.
 */
export function naturalCompare(a: string, b: string): number {
  const as = a.split('/');
  const bs = b.split('/');
  for (let i = 0; i < Math.min(as.length, bs.length); i += 1) {
    const order = compareSegment(as[i], bs[i]);
    if (order !== 0) return order;
  }
  return as.length - bs.length;
}

/**
 * A string whose order by UTF-16 code unit (`<`) is `naturalCompare`'s order of the paths: computed once
 * per name, it lets a long list be sorted by plain string comparison instead of splitting both names on
 * every comparison (a tar of 200,000 members took 8.9 s to sort that way). Each segment of the path is its
 * runs, then `SEGMENT_END`. A run of digits is `DIGIT_RUN` (where its first digit would sort against a
 * non-digit), its length without leading zeros, those digits, and its full length (fewer zeros first on a
 * tie); lengths are two code units each, so equal-length numbers line up. A run of other characters is
 * those characters, then `TEXT_END`, which sorts below any of them (a prefix first); characters below
 * `ESCAPE` are written as `ESCAPE` and themselves, so that no character sorts as low as the markers.
 */
export function naturalKey(path: string): string {
  const parts: string[] = []; // joined once: `+=` would build a rope of a node per run
  for (let at = 0; at < path.length;) {
    let end = at + 1;
    if (path[at] === '/') parts.push(SEGMENT_END);
    else if (isDigit(path, at)) {
      while (isDigit(path, end)) end += 1;
      let first = at; // the first digit after the leading zeros, or the last digit
      while (first < end - 1 && path[first] === '0') first += 1;
      parts.push(DIGIT_RUN, length(end - first), path.slice(first, end), length(end - at));
    } else {
      while (end < path.length && path[end] !== '/' && !isDigit(path, end)) end += 1;
      parts.push(
        path.slice(at, end).replace(LOW_CHARS, (char) => ESCAPE + char),
        TEXT_END,
      );
    }
    at = end;
  }
  parts.push(SEGMENT_END);
  return parts.join('');
}

/** `items` sorted in place by `naturalCompare` of their names, each name's `naturalKey` computed once. */
export function sortByName<T>(items: T[], nameOf: (item: T) => string): T[] {
  const keyed = items.map((item) => ({ key: naturalKey(nameOf(item)), item }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  keyed.forEach(({ item }, i) => (items[i] = item));
  return items;
}

/** `naturalKey`'s markers, below every character it writes (they never meet at one place of two keys). */
const TEXT_END = '\u0000';
const SEGMENT_END = '\u0001';
const ESCAPE = '\u0002';
// eslint-disable-next-line no-control-regex -- the characters that would sort as low as the markers
const LOW_CHARS = /[\u0000-\u0002]/g;
/** Sorts against a non-digit as any digit does: none lies between '0' and '9'. */
const DIGIT_RUN = '0';

function isDigit(text: string, at: number): boolean {
  const code = text.charCodeAt(at); // NaN past the end
  return code >= 0x30 && code <= 0x39;
}

/** A length as two UTF-16 code units, high first. */
function length(n: number): string {
  return String.fromCharCode(Math.floor(n / 0x10000) & 0xffff, n & 0xffff);
}

function compareSegment(a: string, b: string): number {
  const ar = a.match(RUNS) ?? [];
  const br = b.match(RUNS) ?? [];
  for (let i = 0; i < Math.min(ar.length, br.length); i += 1) {
    const x = ar[i];
    const y = br[i];
    if (DIGITS.test(x) && DIGITS.test(y)) {
      const xs = x.replace(/^0+(?=.)/, '');
      const ys = y.replace(/^0+(?=.)/, '');
      if (xs.length !== ys.length) return xs.length - ys.length;
      if (xs !== ys) return xs < ys ? -1 : 1;
      if (x.length !== y.length) return x.length - y.length;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return ar.length - br.length;
}
