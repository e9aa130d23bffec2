/**
 * Reads one archive file as lines, decompressing by its ending. The file is read only as fast as the
 * lines are consumed: the generator pulls the next decompressed chunk when the previous one's lines have
 * been taken, and the streams underneath hold at most their buffers (64 KB read, 16 KB inflated).
 */
import { createReadStream } from 'node:fs';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { compressionOf, decompressorFor } from './decompress';
import { LineSplitter } from './line-splitter';

/** Bytes read from disk at once. */
const READ_CHUNK_BYTES = 64 * 1024;

/** Why a file could not be read to its end, in a few words for the summary. */
export class CorruptFileError extends Error {}

export interface ArchiveLinesOptions {
  signal: AbortSignal;
  /** Called with each compressed chunk's size as it leaves the disk, for the progress bar. */
  onBytes?: (bytes: number) => void;
  /** Called once per line dropped for being longer than `MAX_LINE_BYTES`. */
  onOversized?: () => void;
}

/**
 * Yields the file's lines a decompressed chunk at a time. Throws `CorruptFileError` when the file cannot
 * be opened or its compressed data is bad; the lines yielded before stay yielded (a partial last line is
 * dropped). Returns quietly when `signal` aborts.
 */
export async function* archiveLines(path: string, options: ArchiveLinesOptions): AsyncGenerator<string[]> {
  const { signal, onBytes } = options;
  const splitter = new LineSplitter();
  const file = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES, signal });
  const counter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      onBytes?.(chunk.length);
      done(null, chunk);
    },
  });
  const decoder = decompressorFor(path);
  // pipeline destroys every stage when one fails, and the last stage's iterator throws that error.
  const output: Readable = decoder ? pipeline(file, counter, decoder, ignore) : pipeline(file, counter, ignore);
  let oversized = 0;
  try {
    for await (const chunk of output as AsyncIterable<Buffer>) {
      const lines = splitter.push(chunk);
      reportOversized();
      if (lines.length > 0) yield lines;
      if (signal.aborted) return;
    }
    const last = splitter.end();
    reportOversized();
    if (last.length > 0) yield last;
  } catch (error) {
    if (signal.aborted) return;
    splitter.discard();
    throw new CorruptFileError(describe(error as NodeJS.ErrnoException, path));
  } finally {
    output.destroy();
  }

  function reportOversized(): void {
    for (; oversized < splitter.oversized; oversized += 1) options.onOversized?.();
  }
}

/** Failures surface through the iterator; the callback only keeps pipeline from throwing them again. */
function ignore(): void {}

/** A short reason: the system's error code for I/O, the decoder's message for bad data. */
function describe(error: NodeJS.ErrnoException, path: string): string {
  if (error.syscall !== undefined) return `cannot read (${error.code ?? error.message})`;
  const kind = compressionOf(path);
  const data = kind === 'none' ? 'data' : `${kind} data`;
  return `bad ${data} (${error.message || error.name})`;
}
