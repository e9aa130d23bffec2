/** What the reference bzip2 implementations make of data, for the decoder's tests (the system's `bzip2`, and libbz2 through Python). */
import { execFileSync } from 'node:child_process';

/** What the system's bzip2 writes for `data` at `level`. */
export const bzip2 = (data: Buffer, level = 9): Buffer => execFileSync('bzip2', ['-c', `-${level}`], { input: data, maxBuffer: 64 << 20 });

/**
 * What libbz2's streaming decoder gives for `compressed`, a file cut short too: every block before the cut.
 * (`bzip2 -d` gives up to 5,000 bytes less: it drops the buffer it was filling when the data ended.)
 */
export const libbz2 = (compressed: Buffer): Buffer =>
  execFileSync('python3', ['-c', 'import bz2, sys; sys.stdout.buffer.write(bz2.BZ2Decompressor().decompress(sys.stdin.buffer.read()))'], {
    input: compressed,
    maxBuffer: 64 << 20,
  });
