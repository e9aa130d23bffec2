/**
 * Decompression by file ending: `.gz` with zlib, `.bz2` with `unbzip2-stream`, anything else as is.
 * Both decoders are Transform streams that respect backpressure: they take the next compressed chunk only
 * once what they produced has been read, so a replay holds a bounded amount of decompressed data.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import unbzip2 from 'unbzip2-stream';

export type Compression = 'gzip' | 'bzip2' | 'none';

export function compressionOf(path: string): Compression {
  const name = path.toLowerCase();
  if (name.endsWith('.gz')) return 'gzip';
  if (name.endsWith('.bz2')) return 'bzip2';
  return 'none';
}

/** The decoder for a file's ending, or null when it is read as is. */
export function decompressorFor(path: string): Transform | null {
  switch (compressionOf(path)) {
    case 'gzip':
      return createGunzip();
    case 'bzip2':
      return bunzip2();
    case 'none':
      return null;
  }
}

/**
 * `unbzip2-stream` is a classic `through` stream: `write` decompresses every complete block at once and
 * emits it synchronously, and its own pause/queue does not reach the file. Wrapped in a Transform, each
 * compressed chunk is fed only when the Transform asks for one, which is when its output has been read:
 * at most one chunk's worth of blocks (900 KB of text each) is held beyond the stream buffers.
 */
export function bunzip2(): Transform {
  const decoder = unbzip2();
  let failure: Error | null = null;
  let ended = false;
  let transform: Transform;
  decoder.on('error', (error: Error) => (failure ??= error));
  decoder.on('end', () => (ended = true));
  decoder.on('data', (data: Buffer) => transform.push(data));
  transform = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      decoder.write(chunk);
      done(failure);
    },
    flush(done: TransformCallback) {
      decoder.end();
      if (!failure && !ended) failure = new Error('bzip2 data ended prematurely');
      done(failure);
    },
  });
  return transform;
}
