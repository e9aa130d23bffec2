/**
 * Decompression bombs, made when a test or benchmark runs (nothing large is committed): a text repeated to
 * a size, compressed by the system's `bzip2` (as the archives we replay were made) or by zlib's gzip.
 * Both formats read concatenated streams as one, so `repeatStreams` makes a large bomb from a small one
 * in no time, where compressing repetitive text with bzip2 takes ~4 s per 10 MB.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';

export type Tool = 'bzip2' | 'gzip';

/** `text` repeated (the last copy cut short) to exactly `bytes` bytes, compressed as one stream at -9. */
export async function compressRepeated(tool: Tool, text: string, bytes: number): Promise<Buffer> {
  const child = tool === 'bzip2' ? spawn('bzip2', ['-c', '-9'], { stdio: ['pipe', 'pipe', 'inherit'] }) : null;
  const gzip = tool === 'gzip' ? createGzip({ level: 9 }) : null;
  const input: Writable = child?.stdin ?? gzip!;
  const output = child?.stdout ?? gzip!;
  const parts: Buffer[] = [];
  output.on('data', (part: Buffer) => parts.push(part));
  const ended = once(output, 'end');
  const exited = child ? once(child, 'exit') : Promise.resolve([0]);
  const unit = Buffer.from(text.repeat(Math.max(1, Math.floor((1 << 20) / text.length))));
  for (let left = bytes; left > 0; left -= unit.length) {
    if (!input.write(left >= unit.length ? unit : unit.subarray(0, left))) await once(input, 'drain');
  }
  input.end();
  await ended;
  const [code] = await exited;
  if (code !== 0) throw new Error(`${tool} exited with ${String(code)}`);
  return Buffer.concat(parts);
}

/** `copies` concatenated copies of one compressed stream: its text `copies` times over. */
export function repeatStreams(compressed: Buffer, copies: number): Buffer {
  return Buffer.concat(Array.from({ length: copies }, () => compressed));
}

/** Yields `bytes` in pieces of `size`, as a file read would. */
export async function* chunksOf(bytes: Buffer, size = 64 * 1024): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}
