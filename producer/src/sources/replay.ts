/**
 * Replays a newline-delimited JSON archive, plain or gzipped (by its `.gz` ending), streamed line by line:
 * memory stays constant whatever the file's size, because lines are read only as fast as they are consumed.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { RawInput, Source } from './source';

/** Lines handed on at once: large enough to amortise the async hops, small enough to pace smoothly. */
const BATCH_LINES = 256;

export function replaySource(options: { file: string }): Source {
  return {
    name: 'replay',
    live: false,
    async *read(signal: AbortSignal): AsyncIterable<RawInput[]> {
      const file = createReadStream(options.file);
      const input: Readable = options.file.endsWith('.gz') ? file.pipe(createGunzip()) : file;
      // A read error on the file must surface through the gunzip stream the lines come from.
      file.on('error', (error) => input.destroy(error));
      const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
      const abort = () => input.destroy();
      signal.addEventListener('abort', abort, { once: true });
      try {
        let batch: string[] = [];
        for await (const line of lines) {
          if (signal.aborted) return;
          batch.push(line);
          if (batch.length === BATCH_LINES) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length > 0 && !signal.aborted) yield batch;
      } catch (error) {
        if (signal.aborted) return;
        throw new Error(`cannot read ${options.file}: ${(error as Error).message}`);
      } finally {
        signal.removeEventListener('abort', abort);
        lines.close();
        input.destroy();
      }
    },
  };
}
