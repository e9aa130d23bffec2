/**
 * The members of a `.tar`, `.tar.gz` or `.tgz` in natural name order (`naturalCompare`, as files of a
 * directory are, sorted by keys computed once a name: `sortByName`), each as a stream of its own bytes, never whole: the Twitter Stream Grab's tars hold
 * `YYYY/MM/DD/HH/MM.json.bz2` members, so name order is time order. Members are chosen as a directory walk
 * chooses files (`isArchiveName`: READMEs, checksums, hidden files and nested tars are passed by), then by
 * `acceptMember`.
 *
 * A `.tar` is listed first by seeking from header to header (`TarFile`), then its members are read by
 * offset in name order. A `.tar.gz` cannot be sought in: it is listed by one pass that inflates it and
 * reads past the data (zlib inflates at hundreds of MB/s, far faster than the members are decoded and
 * published), which also gives the member count for the progress. Then it is read again, in as many
 * passes as the name order has descents in the stored order: one pass when the members are stored in
 * name order, as `tar` stores a directory's sorted listing and the Stream Grab's are. A tar stored in
 * another order costs more passes, each inflating from the start, but never more memory than one; past
 * `MAX_PASSES` (a tar stored in reverse would take one pass a member) its members are read in one pass in
 * the order stored, and the listing says so (`note`). The progress counts each pass's share of the file.
 */
import { createReadStream } from 'node:fs';
import { GZIP, decodeArchive } from './archive-formats';
import { isArchiveName, sortByName } from './archive-files';
import { describeFailure } from './archive-lines';
import { TarBytes } from './tar-bytes';
import { BLOCK_BYTES, TarError } from './tar-header';
import { TarFile, tarWalk, type TarEntry } from './tar-walk';

/** Bytes read from disk at once. */
const READ_CHUNK_BYTES = 64 * 1024;

/**
 * Most members listed from one tar, and most characters of their names: the listing is held while the tar
 * is read (~100 bytes a member plus its name, twice for the sort), so a crafted tar of millions of empty
 * members must not grow it without end. A Stream Grab day holds 1,440 members, a month 44,640. Past either
 * limit the tar is reported as corrupt there, and the members listed before are read.
 */
export const MAX_TAR_MEMBERS = 1_000_000;
export const MAX_TAR_NAME_CHARS = 32 * 1024 * 1024;

/** Most passes over a `.tar.gz` to read its members in name order; more, and they are read as stored. */
export const MAX_PASSES = 4;

const TAR_ENDINGS = ['.tar', '.tar.gz', '.tgz'];

/** Whether `path` names a tar, plain or gzipped, by its ending. */
export function isTarName(path: string): boolean {
  const name = path.toLowerCase();
  return TAR_ENDINGS.some((ending) => name.endsWith(ending));
}

export interface TarMember {
  /** The member's path inside the tar, as stored (cut short when too long to keep). */
  name: string;
  /** Why it cannot be read ("unsupported (a sparse file)"), when it cannot: its `chunks` are then not to be read. */
  unsupported?: string;
  /**
   * Its data, in pieces as read. A failure of the tar around it (its data cut off, the gzip stream broken)
   * is a `TarError`: that member is lost, and the members stored before the fault can still be read.
   */
  chunks: AsyncIterable<Buffer>;
}

export interface TarOptions {
  signal: AbortSignal;
  /** Which members to read, by name (a hook for date ranges); by default every archive member. */
  acceptMember?: (name: string) => boolean;
  /** Called with each piece of the outer file as it leaves the disk, in bytes, while members are read. */
  onBytes?: (bytes: number) => void;
  /** How much a listing may hold; by default `MAX_TAR_MEMBERS` and `MAX_TAR_NAME_CHARS` (tests set less). */
  limits?: { members: number; nameChars: number };
}

export interface TarListing {
  /** Members that will be read. */
  count: number;
  /** Why the listing stopped before the end of the tar ("bad tar data (…)"); the members before it are read. */
  error: string | null;
  /** What the reader should know that is not an error ("members read in stored order, …"), or null. */
  note: string | null;
  /** The members in name order; each must be read or dropped before the next is asked for. */
  members(): AsyncGenerator<TarMember>;
}

/** Lists the tar at `path`. Throws `TarError` when it cannot be opened at all. */
export async function openTar(path: string, options: TarOptions): Promise<TarListing> {
  const accept = (name: string) => isArchiveName(name) && !isTarName(name) && (options.acceptMember?.(name) ?? true);
  const gzipped = !path.toLowerCase().endsWith('.tar');
  const entries: TarEntry[] = [];
  let error: string | null = null;
  /** Where the tar's readable bytes stop: a member listed before a fault may have its data cut off there. */
  let stop = Number.POSITIVE_INFINITY;
  const source = gzipped ? new TarBytes(inflated(path, options.signal), GZIP.name) : await guard(TarFile.open(path));
  try {
    const limits = options.limits ?? { members: MAX_TAR_MEMBERS, nameChars: MAX_TAR_NAME_CHARS };
    let nameChars = 0;
    for await (const entry of tarWalk(source, options.signal)) {
      // A name cut short cannot be judged by its ending: such a member is reported whatever it is.
      if (!(entry.nameCut === true || accept(entry.name))) continue;
      nameChars += entry.name.length;
      if (entries.length === limits.members || nameChars > limits.nameChars) {
        const limit = `over ${limits.members} members or ${limits.nameChars} characters of names`;
        throw new TarError(`bad tar data (${limit} to list, at byte ${entry.offset - BLOCK_BYTES})`);
      }
      entries.push(entry);
    }
    if (source instanceof TarBytes) await source.drain();
  } catch (failure) {
    if (!(failure instanceof TarError)) throw failure;
    error = failure.message;
    stop = source instanceof TarFile ? source.bytes : source.position;
  } finally {
    await source.close();
  }
  sortByName(entries, (entry) => entry.name);
  let note: string | null = null;
  let passes = 1;
  if (gzipped) {
    for (let i = 1; i < entries.length; i += 1) if (entries[i].index < entries[i - 1].index) passes += 1;
    if (passes > MAX_PASSES) {
      note = `members read in stored order, not name order (in name order they would take ${passes} passes over the file)`;
      entries.sort((a, b) => a.index - b.index);
      passes = 1;
    }
  }
  // A `.tar`'s bytes not in a member to read (headers, padding, members passed over) count as read now,
  // so that the progress moves with the members read, not all at once at the end.
  if (source instanceof TarFile) options.onBytes?.(entries.reduce((rest, entry) => rest - readable(entry, stop), source.bytes));
  return {
    count: entries.length,
    error,
    note,
    members: gzipped ? () => streamedMembers(path, entries, passes, options) : () => fileMembers(path, entries, stop, options),
  };
}

/**
 * A `.tar`'s members by offset: each its own read of the file. A member whose data runs past `stop` (the
 * tar was cut inside it) yields what lies before and then fails as truncated, a fault of that member.
 */
async function* fileMembers(path: string, entries: TarEntry[], stop: number, options: TarOptions): AsyncGenerator<TarMember> {
  for (const entry of entries) {
    if (options.signal.aborted) return;
    const end = entry.offset + readable(entry, stop);
    // An empty member reads nothing (a stream from `offset` to `offset - 1` would be refused).
    const file = end === entry.offset ? null : createReadStream(path, { start: entry.offset, end: end - 1, highWaterMark: READ_CHUNK_BYTES });
    async function* chunks(): AsyncGenerator<Buffer> {
      let got = 0;
      try {
        for await (const chunk of (file ?? []) as AsyncIterable<Buffer>) {
          got += chunk.length;
          options.onBytes?.(chunk.length);
          yield chunk;
        }
      } catch (failure) {
        throw new TarError(describeFailure(failure, 'tar'));
      }
      if (got < entry.size) throw new TarError(`bad tar data (truncated at byte ${entry.offset + got})`);
    }
    try {
      yield { name: entry.name, chunks: chunks(), unsupported: entry.unsupported };
    } finally {
      file?.destroy();
    }
  }
}

/** Bytes of `entry`'s data that will be read from a `.tar` whose readable bytes stop at `stop`. */
function readable(entry: TarEntry, stop: number): number {
  return entry.unsupported === undefined ? Math.max(0, Math.min(entry.offset + entry.size, stop) - entry.offset) : 0;
}

/** A `.tar.gz`'s members, in passes over the stream that each take the next run stored in name order. */
async function* streamedMembers(path: string, entries: TarEntry[], passes: number, options: TarOptions): AsyncGenerator<TarMember> {
  // Each pass reads the file again: it counts for its share of the file's bytes, so the progress never
  // reaches 100% before the last.
  let raw = 0;
  let counted = 0;
  const onBytes = (bytes: number) => {
    raw += bytes;
    const share = Math.floor(raw / passes);
    options.onBytes?.(share - counted);
    counted = share;
  };
  for (let first = 0; first < entries.length;) {
    let last = first + 1;
    while (last < entries.length && entries[last].index > entries[last - 1].index) last += 1;
    const wanted = entries.slice(first, last);
    const source = new TarBytes(inflated(path, options.signal, onBytes), GZIP.name);
    try {
      let next = 0;
      for await (const entry of tarWalk(source)) {
        if (entry.index !== wanted[next].index) continue;
        const { name, unsupported } = wanted[next];
        yield { name, chunks: source.until(entry.offset + entry.size), unsupported };
        next += 1;
        if (next === wanted.length || options.signal.aborted) break;
      }
    } finally {
      await source.close();
    }
    if (options.signal.aborted) return;
    first = last;
  }
}

/** The gzipped file at `path`, inflated in pieces of at most 64 KB, only as fast as they are taken. */
function inflated(path: string, signal: AbortSignal, onBytes?: (bytes: number) => void): AsyncIterable<Buffer> {
  const file = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES, signal });
  async function* counted(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of file as AsyncIterable<Buffer>) {
        onBytes?.(chunk.length);
        yield chunk;
      }
    } finally {
      file.destroy();
    }
  }
  return decodeArchive(GZIP, counted());
}

/** The file cannot be opened: the same reasons as for any other file ("cannot read (ENOENT)"). */
async function guard<T>(opening: Promise<T>): Promise<T> {
  try {
    return await opening;
  } catch (failure) {
    throw new TarError(describeFailure(failure, 'tar'));
  }
}
