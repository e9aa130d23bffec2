/**
 * The bzip2 decoder's thread (`bzip2-thread.ts` starts it and speaks for it): runs `Bzip2Decoder` on the
 * compressed bytes the main thread sends, and posts the output back in pieces of `DECODED_CHUNK_BYTES`, one
 * per credit. Credits are the flow control: the main thread gives one back for each piece its reader takes,
 * so this thread decodes at most `credits` pieces ahead of the reader, a bomb's 45 MB block included (the
 * decoder stops mid-block). It asks for input when the decoder runs short, and says how much compressed
 * data it holds, so that the main thread sends only a bounded amount ahead.
 *
 * One file at a time: `start` begins a file with a fresh decoder; after `done` or `error` the thread waits
 * for the next `start`, and ignores what was on its way for the file before. An entry point of its own in
 * the server bundle (scripts/build-server.mjs).
 */
import { parentPort } from 'node:worker_threads';
import { TruncatedInput } from './bit-reader';
import { Bzip2Decoder } from './bzip2-decoder';

/** Bytes in a piece of output; the same as `DECODED_CHUNK_BYTES` (sent with `start`, not imported, to keep this bundle small). */
export type ToWorker =
  | { type: 'start'; credits: number; pieceBytes: number }
  /** Compressed bytes (the thread's own copy, transferred). */
  | { type: 'input'; chunk: Uint8Array }
  | { type: 'end' }
  /** The reader took this many pieces: as many more may be decoded. */
  | { type: 'credit'; pieces: number };

export type FromWorker =
  /** Posted once, when the thread has loaded: until then nothing is sent to it. */
  | { type: 'ready' }
  /** A piece of output: the first `length` bytes of `buffer` (transferred). `consumed`: compressed bytes read so far. */
  | { type: 'output'; buffer: ArrayBuffer; length: number; consumed: number }
  /** The decoder needs more input to go on; `received`: compressed bytes it had been sent when it asked. */
  | { type: 'need'; consumed: number; received: number }
  | { type: 'done' }
  /** Bad data: the decoder's message; `truncated` when the input ended too soon (`TruncatedInput`). */
  | { type: 'error'; message: string; truncated: boolean };

if (parentPort === null) throw new Error('bzip2-worker.ts runs as a worker thread (see bzip2-thread.ts)');
const port = parentPort;

/** The file being decoded, or null between files. */
let decoder: Bzip2Decoder | null = null;
let credits = 0;
let pieceBytes = 0;
/** Compressed bytes given to the decoder in this file. */
let written = 0;
/** Whether the decoder ran short and has asked for input: credits alone do not wake it then. */
let waiting = false;

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'start') {
    // The whole block walked at once: 8–25 % less CPU than in slices, and no one here waits on the stall.
    decoder = new Bzip2Decoder(Infinity);
    credits = message.credits;
    pieceBytes = message.pieceBytes;
    written = 0;
    waiting = false;
  } else if (decoder === null) {
    return; // the rest of a file that has ended
  } else if (message.type === 'input') {
    decoder.write(Buffer.from(message.chunk.buffer, message.chunk.byteOffset, message.chunk.length));
    written += message.chunk.length;
    waiting = false;
  } else if (message.type === 'end') {
    decoder.end();
    waiting = false;
  } else {
    credits += message.pieces;
  }
  decode();
});

/** Decodes a piece per credit until the credits or the input run out, or the file ends. */
function decode(): void {
  if (decoder === null || waiting) return;
  try {
    while (credits > 0) {
      // A buffer of its own (not from the pool) so that it can be transferred, not copied.
      const out = Buffer.allocUnsafeSlow(pieceBytes);
      const length = decoder.read(out);
      const consumed = written - decoder.bufferedBytes;
      if (length > 0) {
        credits -= 1;
        post({ type: 'output', buffer: out.buffer, length, consumed }, [out.buffer]);
      }
      if (length < pieceBytes) {
        // Bad data after the bytes just posted: reported now, after them (the main thread hands its pieces on first).
        if (decoder.failure !== null) throw decoder.failure;
        if (decoder.done) {
          decoder = null;
          post({ type: 'done' });
        } else {
          waiting = true;
          post({ type: 'need', consumed, received: written });
        }
        return;
      }
    }
  } catch (error) {
    decoder = null;
    post({ type: 'error', message: (error as Error).message, truncated: error instanceof TruncatedInput });
  }
}

post({ type: 'ready' });
