/**
 * The lines of every file of an archive in order, a decoded chunk at a time, keeping the replay's progress:
 * a plain or compressed file is read by `archiveLines`; a tar's members are read one after the other, in
 * name order, each decoded by its own ending (`2017/06/01/00/05.json.bz2` as bzip2). A file or member
 * that cannot be read to its end is reported as corrupt (a member as "x.tar:2017/06/01/00/05.json.bz2")
 * and the rest goes on; a tar whose own data is bad is reported as corrupt once its members stored before
 * the fault have been read (a member cut off by the fault is reported as a corrupt member).
 */
import type { ArchiveFile } from './archive-files';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { EVENT_LOOP_SLICE_MS, formatOf } from './archive-formats';
import { archiveLines, CorruptFileError, decodedLines } from './archive-lines';
import type { Line } from './line-splitter';
import type { ReplayProgress } from './replay-progress';
import { TarError } from './tar-header';
import { isTarName, openTar } from './tar-members';

export interface ArchiveReadOptions {
  signal: AbortSignal;
  /**
   * Which members of tar files to read, by their name inside the tar (`2017/06/01/00/05.json.bz2`); by
   * default all. A hook for reading a date range: a member refused is not read, nor counted in the total.
   */
  acceptMember?: (name: string) => boolean;
}

/** Yields the archive's lines; returns quietly when `signal` aborts. */
export async function* archiveReads(files: readonly ArchiveFile[], progress: ReplayProgress, options: ArchiveReadOptions): AsyncGenerator<Line[]> {
  const { signal } = options;
  for (const file of files) {
    if (signal.aborted) return;
    progress.current = file.name;
    let counted = 0;
    // Bytes of the file on disk; never more than its size (a .tar.gz read in several passes).
    const onBytes = (bytes: number) => {
      const add = Math.min(bytes, Math.max(0, file.bytes - counted));
      counted += add;
      progress.bytesRead += add;
    };
    try {
      if (isTarName(file.path)) yield* tarLines(file, progress, { ...options, onBytes });
      else yield* archiveLines(file.path, { signal, onBytes });
    } catch (error) {
      if (!(error instanceof CorruptFileError)) throw error;
      progress.markCorrupt(file.name, error.message);
    } finally {
      progress.startMembers(null);
    }
    // A file cut off by a stop is not done: the summary says how much was read ("1 of 3 files"), not more.
    if (signal.aborted) return;
    // What a corrupt file left unread counts as done, so the share read reaches 100%.
    progress.bytesRead += Math.max(0, file.bytes - counted);
    progress.fileDone();
  }
}

/** A tar's members' lines; throws `CorruptFileError` when the tar itself is bad, after what came before. */
async function* tarLines(
  file: ArchiveFile,
  progress: ReplayProgress,
  options: ArchiveReadOptions & { onBytes: (bytes: number) => void },
): AsyncGenerator<Line[]> {
  const { signal } = options;
  try {
    const tar = await openTar(file.path, options);
    progress.startMembers(tar.count);
    if (tar.note !== null) progress.notes.push(`${file.name}: ${tar.note}`);
    // Empty members decode without a turn of the event loop: thousands of them must not hold it.
    let sliceStart = performance.now();
    for await (const member of tar.members()) {
      let corrupt: { name: string; reason: string } | undefined;
      try {
        if (member.unsupported !== undefined) throw new CorruptFileError(member.unsupported);
        yield* decodedLines(formatOf(member.name), member.chunks, signal);
      } catch (error) {
        // A TarError here is the tar failing inside this member (cut off in its data): the member is lost,
        // the members stored before the fault are not; the tar's own error is reported after them.
        if (!(error instanceof CorruptFileError || error instanceof TarError)) throw error;
        corrupt = { name: `${file.name}:${member.name}`, reason: error.message };
      }
      if (signal.aborted) return;
      progress.memberDone(corrupt);
      if (performance.now() - sliceStart >= EVENT_LOOP_SLICE_MS) {
        await nextMacrotask();
        sliceStart = performance.now();
      }
    }
    if (tar.error !== null && !signal.aborted) throw new CorruptFileError(tar.error);
  } catch (error) {
    if (!(error instanceof TarError)) throw error;
    if (!signal.aborted) throw new CorruptFileError(error.message);
  }
}
