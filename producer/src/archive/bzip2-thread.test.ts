/**
 * bzip2 decoded in a worker thread: the same bytes as `bzip2 -d`, the same errors as on the main thread,
 * and threads that end with their files (or fail them, never hang them).
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { settled } from '../../../test/settled';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { startWorkerBeside } from '../../../common/node/start-worker';
import { chunksOf, compressRepeated, repeatStreams } from '../../../test/archive-bombs';
import { bzip2, libbz2 } from '../../../test/bzip2-reference';
import { bzip2Format, decodeArchive, decodeBzip2Here, DECODED_CHUNK_BYTES, type ArchiveFormat } from './archive-formats';
import { archiveLines } from './archive-lines';
import { BZIP2_THREADS, Bzip2Threads, DecoderThreadError, INPUT_AHEAD_BYTES } from './bzip2-thread';

/** What `bzip2 -d` makes of `compressed`. */
const bunzip2 = (compressed: Buffer): Buffer => execFileSync('bzip2', ['-d', '-c'], { input: compressed, maxBuffer: 64 << 20 });

/** Lines like a sample stream's, ~2.4 MB: three blocks at -9, 25 at -1. */
const text = Buffer.from(
  Array.from({ length: 40_000 }, (_, i) => `{"id":${i * 7919},"text":"#tag${i % 97} und #東京 ${i % 13}","n":${(i * 31) % 1_000}}\n`).join(''),
);
/** Runs of every length from 1 to 600, then more: every case of bzip2's first run-length stage, over blocks. */
const runs = Buffer.concat(Array.from({ length: 3_000 }, (_, i) => Buffer.concat([Buffer.alloc((i % 600) + 1, i % 256), Buffer.alloc(i % 7, 0x41)])));

/** Threads made by the real worker, counted as they start. */
function countedThreads(idleMs?: number): { threads: Bzip2Threads; started: () => number } {
  let started = 0;
  const threads = new Bzip2Threads(() => {
    started += 1;
    return startWorkerBeside(new URL('./bzip2-thread.ts', import.meta.url).href, 'bzip2-worker');
  }, idleMs);
  return { threads, started: () => started };
}

/** The pieces decoded from `compressed` (fed in `inputChunk`s) until the end or an error, and the error. */
async function decodeWith(format: ArchiveFormat, compressed: Buffer, inputChunk = 64 * 1024): Promise<{ output: Buffer; error: unknown }> {
  const parts: Buffer[] = [];
  try {
    for await (const piece of decodeArchive(format, chunksOf(compressed, inputChunk))) parts.push(piece);
    return { output: Buffer.concat(parts), error: null };
  } catch (error) {
    return { output: Buffer.concat(parts), error };
  }
}

/** A worker started from `source` (CommonJS), standing in for a thread that fails. */
const evalWorker = (source: string) => () => new Worker(source, { eval: true });

describe('bzip2 in a worker thread', () => {
  const { threads, started } = countedThreads();
  const format = bzip2Format(threads);
  afterAll(() => threads.close());

  it('gives what bzip2 -d gives, in order, for files of many blocks at -1 and -9, one thread for all', async () => {
    const random = randomBytes(1_500_000);
    for (const level of [1, 9]) {
      for (const data of [text, random, runs]) {
        const compressed = bzip2(data, level);
        const { output, error } = await decodeWith(format, compressed, level === 1 ? 7_001 : 64 * 1024);
        expect(error).toBeNull();
        expect(output.equals(bunzip2(compressed))).toBe(true);
      }
    }
    // Files one after the other share the thread: no start-up per file.
    expect(started()).toBe(1);
    expect(threads.liveThreads).toBe(1);
  });

  it('reads concatenated streams (pbzip2, or files joined with cat) as one', async () => {
    const joined = Buffer.concat([bzip2(text, 1), bzip2(runs), bzip2(Buffer.alloc(0)), bzip2(text.subarray(0, 1_000), 5)]);
    const { output, error } = await decodeWith(format, joined);
    expect(error).toBeNull();
    expect(output.equals(bunzip2(joined))).toBe(true);
  });

  it('fails a damaged file as the main-thread decoder does, after the bytes before the damage', async () => {
    const good = bzip2(text);
    const badCrc = Buffer.from(good);
    badCrc[10] ^= 0x01; // inside the first block's CRC (it starts at byte 10)
    const cases: [Buffer, RegExp][] = [
      [badCrc, /^block CRC mismatch$/],
      [good.subarray(0, good.length - 20), /^data ended prematurely$/],
      [Buffer.concat([good, Buffer.from('junk')]), /^data after the end of the bzip2 stream$/],
      [Buffer.from('{"not":"bzip2"}\n'), /^not bzip2 data$/],
    ];
    for (const [damaged, message] of cases) {
      const { output, error } = await decodeWith(format, damaged);
      expect((error as Error).message).toMatch(message);
      expect(error).not.toBeInstanceOf(DecoderThreadError);
      expect(output.equals(text.subarray(0, output.length))).toBe(true);
    }
    // Every byte decoded before the damage is handed on, the piece being filled when it was found too (as on
    // the main thread): all of the text before junk, and the blocks before a cut (what libbz2 gives).
    const here: ArchiveFormat = { ...format, decode: decodeBzip2Here };
    const junk = Buffer.concat([good, Buffer.from('junk')]);
    const cutLevel1 = bzip2(text, 1);
    const cut = cutLevel1.subarray(0, cutLevel1.length - 3_000);
    for (const on of [format, here]) {
      expect((await decodeWith(on, junk)).output.equals(text)).toBe(true);
      expect((await decodeWith(on, cut)).output.equals(libbz2(cut))).toBe(true);
    }
    // A file refused by its data leaves the thread as good as new.
    expect(started()).toBe(1);
  });

  it('reads no more of the file ahead of its decoder than INPUT_AHEAD_BYTES and a block', async () => {
    const compressed = bzip2(randomBytes(8_000_000)); // 9 blocks of ~900 KB, each compressed to a little more
    let read = 0;
    const counted = async function* (): AsyncGenerator<Buffer> {
      for await (const chunk of chunksOf(compressed)) {
        read += chunk.length;
        yield chunk;
      }
    };
    const iterator = decodeArchive(format, counted())[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    await vi.waitFor(() => expect(read).toBeGreaterThan(INPUT_AHEAD_BYTES));
    // Settled: the blocks read for the 1 MB of read-ahead (into the second), and INPUT_AHEAD_BYTES beyond them.
    await settled(() => read);
    expect(read).toBeLessThanOrEqual(INPUT_AHEAD_BYTES + 2 * 950_000 + 64 * 1024);
    await iterator.return?.();
  });

  it('decodes everything read before a read error, as the main-thread decoder does, then reports it', async () => {
    const compressed = bzip2(text, 1);
    const cut = Math.floor(compressed.length * 0.6);
    const failing = async function* (): AsyncGenerator<Buffer> {
      yield* chunksOf(compressed.subarray(0, cut), 64 * 1024);
      throw Object.assign(new Error('bad tar data (truncated)'), { name: 'TarError' });
    };
    const decode = async (on: ArchiveFormat) => {
      const parts: Buffer[] = [];
      const error = await (async () => {
        for await (const piece of decodeArchive(on, failing())) parts.push(piece);
      })().catch((failure: unknown) => failure);
      return { output: Buffer.concat(parts), error };
    };
    const here: ArchiveFormat = { ...format, decode: decodeBzip2Here };
    const [inThread, onMain] = [await decode(format), await decode(here)];
    expect(onMain.output.length).toBeGreaterThan(0);
    expect(inThread.output.equals(onMain.output)).toBe(true);
    expect([(inThread.error as Error).message, (onMain.error as Error).message]).toEqual(['bad tar data (truncated)', 'bad tar data (truncated)']);
  });

  it('reports a failure of the input (a read error) as it is', async () => {
    const broken = async function* (): AsyncGenerator<Buffer> {
      yield bzip2(text).subarray(0, 100_000);
      throw Object.assign(new Error('EIO: i/o error, read'), { syscall: 'read', code: 'EIO' });
    };
    expect((await decodeWith(format, bzip2(runs))).error).toBeNull(); // a thread is idle
    const before = started();
    await expect(
      (async () => {
        for await (const piece of decodeArchive(format, broken())) expect(piece.length).toBeGreaterThan(0);
      })(),
    ).rejects.toMatchObject({ code: 'EIO' });
    // The thread was midway through the file: replaced, not reused.
    expect((await decodeWith(format, bzip2(runs))).output.equals(runs)).toBe(true);
    expect(started()).toBe(before + 1);
  });
});

describe('bzip2 threads, their lives', () => {
  it('terminates the thread of a file left midway, and an idle one after idleMs', async () => {
    const { threads } = countedThreads(50);
    const format = bzip2Format(threads);
    const bomb = repeatStreams(await compressRepeated('bzip2', '{}\n', 3 * 1024 * 1024), 10);
    const iterator = decodeArchive(format, chunksOf(bomb))[Symbol.asyncIterator]();
    for (let i = 0; i < 5; i += 1) expect((await iterator.next()).value).toHaveLength(DECODED_CHUNK_BYTES);
    expect(threads.liveThreads).toBe(1);
    await iterator.return?.();
    await vi.waitFor(() => expect(threads.liveThreads).toBe(0));
    // Read to the end: kept for the next file, then let go.
    expect((await decodeWith(format, bzip2(runs))).error).toBeNull();
    expect(threads.liveThreads).toBe(1);
    await vi.waitFor(() => expect(threads.liveThreads).toBe(0));
  });

  it('fails the file, without hanging, when its thread dies', async () => {
    // Loads (says it is ready), then exits at the first thing it is sent.
    const dies = evalWorker(`const { parentPort } = require('node:worker_threads');
      parentPort.postMessage({ type: 'ready' });
      parentPort.on('message', () => process.exit(3));`);
    const threads = new Bzip2Threads(dies);
    const { error } = await decodeWith(bzip2Format(threads), bzip2(text));
    expect(error).toBeInstanceOf(DecoderThreadError);
    expect((error as Error).message).toMatch(/^the decoding thread failed: it exited with code 3$/);
    await vi.waitFor(() => expect(threads.liveThreads).toBe(0));
  });

  it('decodes on the main thread where no thread can be loaded', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const threads = new Bzip2Threads(evalWorker(`throw new Error('no such module')`));
      const format = bzip2Format(threads);
      for (let i = 0; i < 2; i += 1) expect((await decodeWith(format, bzip2(text))).output.equals(text)).toBe(true);
      await vi.waitFor(() => expect(threads.liveThreads).toBe(0));
      // Said once, with why.
      expect(warn.mock.calls).toEqual([
        [
          expect.stringMatching(/^bzip2 is decoded on the main thread: its decoding thread could not start \(.*no such module/),
          { code: 'TRENDMAP_BZIP2_THREAD' },
        ],
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  describe('in a replay', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trendmap-bzip2-thread-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('terminates the thread when the replay aborts', async () => {
      const path = join(dir, 'bomb.json.bz2');
      writeFileSync(path, repeatStreams(await compressRepeated('bzip2', '{}\n', 3 * 1024 * 1024), 10));
      const abort = new AbortController();
      let lines = 0;
      for await (const batch of archiveLines(path, { signal: abort.signal })) {
        lines += batch.length;
        expect(BZIP2_THREADS.liveThreads).toBe(1);
        if (lines > 100_000) abort.abort();
      }
      expect(lines).toBeLessThan(10_000_000);
      await vi.waitFor(() => expect(BZIP2_THREADS.liveThreads).toBe(0));
    });

    it('lets the process end when the replay has ended (no thread keeps it alive)', async () => {
      const path = join(dir, 'text.json.bz2');
      writeFileSync(path, bzip2(text));
      const script = `import { archiveLines } from ${JSON.stringify(new URL('./archive-lines.ts', import.meta.url).href)};
        let lines = 0;
        for await (const batch of archiveLines(${JSON.stringify(path)}, { signal: new AbortController().signal })) lines += batch.length;
        console.log(lines);`;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (data: Buffer) => (out += data.toString()));
      const [code] = await once(child, 'exit');
      expect({ code, out: out.trim() }).toEqual({ code: 0, out: '40000' });
    });
  });
});
