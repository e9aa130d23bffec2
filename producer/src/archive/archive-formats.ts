/**
 * The formats an archive file can be in, chosen by its ending, each a bounded decoder: compressed bytes
 * go in as the file is read, decompressed bytes come out in chunks of at most `DECODED_CHUNK_BYTES`, and
 * only as they are taken. So a decompression bomb costs time, never memory, and a slow reader (the
 * pipeline, paced or publishing) holds the decoder back rather than letting it fill memory.
 *
 * A compression added later is one more entry in `FORMATS`; `decodeArchive` gives it the same guarantees
 * (chunks cut to size, the event loop served between them), and `archive-formats.test.ts` runs every entry
 * against the same bombs. A tar is not a format but a container of files: `tar-members.ts` reads its
 * members, each decoded here by its own ending (and a `.tar.gz` inflated here by `GZIP`).
 */
import { Readable, pipeline } from 'node:stream';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { Bzip2Decoder } from './bzip2-decoder';
import { BZIP2_THREADS, Bzip2Threads, READ_AHEAD_PIECES, decodeInThread } from './bzip2-thread';

/** Largest piece of decompressed data handed on at once, in bytes. */
export const DECODED_CHUNK_BYTES = 64 * 1024;

/**
 * Longest run of decoding (and of whatever the reader does with the chunks) before the event loop is
 * given a turn, in ms. A bomb never waits for the disk (and bzip2 decodes on the main thread where no
 * worker thread can be loaded), so without this a replay could keep HTTP requests waiting for as long as a
 * file takes.
 */
export const EVENT_LOOP_SLICE_MS = 10;

/** What one format's decoder gives: its output, and how much it has produced, taken or not. */
export interface FormatOutput {
  chunks: AsyncIterable<Buffer>;
  /** Decompressed bytes produced so far, including any not yet taken (a closure: it may be passed on alone). */
  readonly decodedBytes: () => number;
}

export interface ArchiveFormat {
  /** How messages name it: "bad gzip data (...)". */
  readonly name: string;
  /** File endings it is chosen by, lower case, with the dot. */
  readonly endings: readonly string[];
  /**
   * Decoded bytes it may produce ahead of the reader beyond a piece or two, in bytes: 0 when it decodes as
   * the reader asks, a bounded read-ahead when it decodes elsewhere (bzip2's thread). Absent means 0.
   */
  readonly readAheadBytes?: number;
  /** Decodes `input` only as fast as the output is taken, in pieces of about `DECODED_CHUNK_BYTES`. */
  decode(input: AsyncIterable<Buffer>): FormatOutput;
}

/** Newline-delimited JSON as is: the chunks read from disk are the output. */
export const PLAIN: ArchiveFormat = {
  name: 'plain',
  endings: [],
  decode(input) {
    let taken = 0;
    async function* chunks(): AsyncGenerator<Buffer> {
      for await (const chunk of input) {
        taken += chunk.length;
        yield chunk;
      }
    }
    return { chunks: chunks(), decodedBytes: () => taken };
  },
};

/**
 * zlib inflates in the thread pool, `DECODED_CHUNK_BYTES` at a time, and waits while its output buffer is
 * full, even within one compressed chunk (Node's zlib stream checks `push()` between steps).
 */
export const GZIP: ArchiveFormat = {
  name: 'gzip',
  endings: ['.gz'],
  decode(input) {
    const gunzip = createGunzip({ chunkSize: DECODED_CHUNK_BYTES });
    // objectMode off: the source then buffers bytes up to its high-water mark, not 16 whole chunks.
    const output = pipeline(Readable.from(input, { objectMode: false }), gunzip, ignore);
    let taken = 0;
    async function* chunks(): AsyncGenerator<Buffer> {
      for await (const chunk of output as AsyncIterable<Buffer>) {
        taken += chunk.length;
        yield chunk;
      }
    }
    return { chunks: chunks(), decodedBytes: () => taken + gunzip.readableLength };
  },
};

/** Our pull-based decoder (see `bzip2-decoder.ts` for why), on this thread: it decodes one output buffer per call. */
export function decodeBzip2Here(input: AsyncIterable<Buffer>): FormatOutput {
  const decoder = new Bzip2Decoder();
  function* drain(): Generator<Buffer> {
    for (;;) {
      const out = Buffer.allocUnsafe(DECODED_CHUNK_BYTES);
      const n = decoder.read(out);
      if (n === 0) return;
      yield out.subarray(0, n);
    }
  }
  async function* chunks(): AsyncGenerator<Buffer> {
    for await (const chunk of input) {
      decoder.write(chunk);
      yield* drain();
    }
    decoder.end();
    yield* drain();
  }
  return { chunks: chunks(), decodedBytes: () => decoder.decodedBytes };
}

/**
 * bzip2 decoded by the same decoder in a worker thread of `threads` (`bzip2-thread.ts`), on this thread
 * where none can be loaded.
 */
export function bzip2Format(threads: Bzip2Threads): ArchiveFormat {
  return {
    name: 'bzip2',
    endings: ['.bz2'],
    readAheadBytes: READ_AHEAD_PIECES * DECODED_CHUNK_BYTES,
    decode: (input) => decodeInThread(threads, input, DECODED_CHUNK_BYTES, decodeBzip2Here),
  };
}

export const BZIP2: ArchiveFormat = bzip2Format(BZIP2_THREADS);

/** The compressed formats, by ending; anything else is read as plain text. */
export const FORMATS: readonly ArchiveFormat[] = [GZIP, BZIP2];

export function formatOf(path: string): ArchiveFormat {
  const name = path.toLowerCase();
  return FORMATS.find((format) => format.endings.some((ending) => name.endsWith(ending))) ?? PLAIN;
}

/** A format's output with the guarantees every format gets: pieces cut to size, and the event loop served. */
export interface DecodedArchive extends AsyncIterable<Buffer> {
  /** Decompressed bytes produced so far, taken or not: never far ahead of `takenBytes()`. */
  readonly decodedBytes: () => number;
  readonly takenBytes: () => number;
}

/**
 * Decodes `input` as `format`, in pieces of at most `DECODED_CHUNK_BYTES`, giving the event loop a turn
 * after every `EVENT_LOOP_SLICE_MS` of `now()` (a monotonic clock in ms; injected by tests).
 */
export function decodeArchive(format: ArchiveFormat, input: AsyncIterable<Buffer>, now: () => number = () => performance.now()): DecodedArchive {
  const output = format.decode(input);
  let taken = 0;
  async function* pieces(): AsyncGenerator<Buffer> {
    let sliceStart = now();
    for await (const chunk of output.chunks) {
      for (let at = 0; at < chunk.length; at += DECODED_CHUNK_BYTES) {
        const piece = at === 0 && chunk.length <= DECODED_CHUNK_BYTES ? chunk : chunk.subarray(at, at + DECODED_CHUNK_BYTES);
        taken += piece.length;
        yield piece;
        if (now() - sliceStart >= EVENT_LOOP_SLICE_MS) {
          await nextMacrotask();
          sliceStart = now();
        }
      }
    }
  }
  const iterable = pieces();
  return {
    [Symbol.asyncIterator]: () => iterable,
    decodedBytes: output.decodedBytes,
    takenBytes: () => taken,
  };
}

/** Failures surface through the iterator; the callback only keeps `pipeline` from throwing them again. */
function ignore(): void {}
