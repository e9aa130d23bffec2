/**
 * Reads one archive file as lines, decompressing by its ending (`archive-formats.ts`). The file is read and
 * decoded only as fast as the lines are consumed: the generator pulls the next decoded chunk (at most
 * `DECODED_CHUNK_BYTES`) when the previous one's lines have been taken. What it holds at any time: one
 * read buffer (64 KB), the decoder's state (up to ~5 MB for bzip2 -9, in its thread, with 1 MB of decoded
 * read-ahead and ~1.25 MB of compressed data sent ahead: `bzip2-thread.ts`), one decoded chunk, and at most
 * one unfinished line (`MAX_LINE_BYTES`). A member of a tar is read the same way (`decodedLines`), from the
 * tar's bytes rather than a file's.
 */
import { createReadStream } from 'node:fs';
import { decodeArchive, formatOf, PLAIN, type ArchiveFormat } from './archive-formats';
import { DecoderThreadError } from './bzip2-thread';
import { TarError } from './tar-header';
import { LineSplitter, type Line } from './line-splitter';

/** Bytes read from disk at once. */
const READ_CHUNK_BYTES = 64 * 1024;

/** Why a file could not be read to its end, in a few words for the summary. */
export class CorruptFileError extends Error {}

export interface ArchiveLinesOptions {
  signal: AbortSignal;
  /** Called with each compressed chunk's size as it leaves the disk, for the progress bar. */
  onBytes?: (bytes: number) => void;
}

/**
 * Yields the file's lines a decoded chunk at a time; a line over `MAX_LINE_BYTES` comes as `LINE_TOO_LONG`.
 * Throws `CorruptFileError` when the file cannot be opened or its compressed data is bad; the lines
 * yielded before stay yielded (a partial last line is dropped). Returns quietly when `signal` aborts.
 */
export async function* archiveLines(path: string, options: ArchiveLinesOptions): AsyncGenerator<Line[]> {
  const { signal, onBytes } = options;
  const file = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES, signal });
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of file as AsyncIterable<Buffer>) {
      onBytes?.(chunk.length);
      yield chunk;
    }
  }
  try {
    yield* decodedLines(formatOf(path), counted(), signal);
  } finally {
    file.destroy();
  }
}

/**
 * The lines of `input` decoded as `format` (a file, or a member of a tar), with the same bounds and errors
 * as `archiveLines`. A `TarError` from `input` (the tar around the member failed) passes through as is.
 */
export async function* decodedLines(format: ArchiveFormat, input: AsyncIterable<Buffer>, signal: AbortSignal): AsyncGenerator<Line[]> {
  const splitter = new LineSplitter();
  try {
    for await (const chunk of decodeArchive(format, input)) {
      const lines = splitter.push(chunk);
      if (lines.length > 0) yield lines;
      if (signal.aborted) return;
    }
    const last = splitter.end();
    if (last.length > 0) yield last;
  } catch (error) {
    if (signal.aborted) return;
    splitter.discard();
    if (error instanceof TarError) throw error;
    throw new CorruptFileError(describeFailure(error, format.name));
  }
}

/** A short reason: the system's error code for I/O, the decoder's message for bad data, or its thread's failure. */
export function describeFailure(failure: unknown, format: string): string {
  const error = failure as NodeJS.ErrnoException;
  if (error.syscall !== undefined) return `cannot read (${error.code ?? error.message})`;
  if (error instanceof DecoderThreadError) return error.message;
  const data = format === PLAIN.name ? 'data' : `${format} data`;
  return `bad ${data} (${error.message || error.name})`;
}
