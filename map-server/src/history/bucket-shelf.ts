/**
 * Where history's buckets and tags are kept: files under the data directory (`FileShelf`), or memory when
 * there is none (`MemoryShelf`: a run with `DATA_DIR=none` keeps its history until it stops). Names are
 * the keeper's (`hours/2026-11-27T01.17.tmh`); the shelf only stores bytes under them.
 *
 * Files: each bucket written once, to a temporary name, flushed, and renamed into place, so a crash leaves
 * the previous state of every name and never half a bucket. The tags are a text file appended to, a line
 * `key<TAB>display` per tag, flushed before any bucket that uses their ids (the keeper's order).
 * Synchronous: a bucket is written once an hour, and read when a query needs it (a few ms at the default
 * rates; the cache in front of it keeps the hot ones).
 */
import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

export interface BucketShelf {
  /** Where it keeps them, for messages and /api/history (`files` or `memory`). */
  readonly kind: 'files' | 'memory';
  /** Every bucket's name (`hours/…`, `days/…`). */
  list(): string[];
  read(name: string): Uint8Array;
  /** Runs `use` with a reader of parts of a bucket (offset, length) and its size, the file kept open meanwhile. */
  readParts<T>(name: string, use: (read: (offset: number, length: number) => Uint8Array, size: number) => T): T;
  write(name: string, bytes: Uint8Array): void;
  remove(name: string): void;
  /** The tags saved so far, as `key<TAB>display` lines. */
  readTags(): string;
  appendTags(lines: string): void;
  /** Sets (or clears) a mark that outlives a crash: an import under way (history-keeper.ts `importer`). */
  mark(name: string, on: boolean): void;
  marked(name: string): boolean;
}

/** The folders buckets are kept in, under the history directory. */
const FOLDERS = ['hours', 'days'];

const TAGS_FILE = 'tags.tsv';

export class FileShelf implements BucketShelf {
  readonly kind = 'files';

  constructor(private readonly dir: string) {
    for (const folder of FOLDERS) mkdirSync(join(dir, folder), { recursive: true });
    // A temporary file is a write cut short: the name it was for holds its previous bucket, or none.
    for (const name of this.names()) if (name.endsWith('.tmp')) rmSync(join(dir, name), { force: true });
  }

  private names(): string[] {
    return FOLDERS.flatMap((folder) => readdirSync(join(this.dir, folder)).map((file) => `${folder}/${file}`));
  }

  list(): string[] {
    return this.names().filter((name) => !name.endsWith('.tmp'));
  }

  read(name: string): Uint8Array {
    return readFileSync(join(this.dir, name));
  }

  readParts<T>(name: string, use: (read: (offset: number, length: number) => Uint8Array, size: number) => T): T {
    const fd = openSync(join(this.dir, name), 'r');
    try {
      const read = (offset: number, length: number) => {
        const out = new Uint8Array(length);
        let got = 0;
        while (got < length) {
          const n = readSync(fd, out, got, length - got, offset + got);
          if (n === 0) break;
          got += n;
        }
        return out.subarray(0, got);
      };
      return use(read, fstatSync(fd).size);
    } finally {
      closeSync(fd);
    }
  }

  write(name: string, bytes: Uint8Array): void {
    const path = join(this.dir, name);
    const temporary = `${path}.tmp`;
    const fd = openSync(temporary, 'w');
    try {
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
    syncDirectory(dirname(path));
  }

  remove(name: string): void {
    rmSync(join(this.dir, name), { force: true });
  }

  /** An empty file beside the folders, flushed with its directory. */
  mark(name: string, on: boolean): void {
    if (on) this.write(name, new Uint8Array(0));
    else {
      this.remove(name);
      syncDirectory(this.dir);
    }
  }

  marked(name: string): boolean {
    return existsSync(join(this.dir, name));
  }

  readTags(): string {
    try {
      return readFileSync(join(this.dir, TAGS_FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw error;
    }
  }

  appendTags(lines: string): void {
    const path = join(this.dir, TAGS_FILE);
    appendFileSync(path, lines);
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** Flushes a directory, so a rename in it survives a power cut (where the platform allows it). */
function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot open or flush a directory; the rename still happened.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

export class MemoryShelf implements BucketShelf {
  readonly kind = 'memory';
  private readonly buckets = new Map<string, Uint8Array>();
  private tags = '';

  list(): string[] {
    return [...this.buckets.keys()];
  }

  read(name: string): Uint8Array {
    const bytes = this.buckets.get(name);
    if (bytes === undefined) throw new Error(`no bucket ${name}`);
    return bytes;
  }

  readParts<T>(name: string, use: (read: (offset: number, length: number) => Uint8Array, size: number) => T): T {
    const bytes = this.read(name);
    return use((offset, length) => bytes.subarray(offset, offset + length), bytes.length);
  }

  write(name: string, bytes: Uint8Array): void {
    this.buckets.set(name, bytes);
  }

  remove(name: string): void {
    this.buckets.delete(name);
  }

  private readonly marks = new Set<string>();

  mark(name: string, on: boolean): void {
    if (on) this.marks.add(name);
    else this.marks.delete(name);
  }

  marked(name: string): boolean {
    return this.marks.has(name);
  }

  readTags(): string {
    return this.tags;
  }

  appendTags(lines: string): void {
    this.tags += lines;
  }
}
