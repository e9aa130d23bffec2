/**
 * The guarantees every archive format gets, checked on each entry of `FORMATS` (and plain text) with
 * bombs made at test time: a few KB that expand to tens of MB.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { settled } from '../../../test/settled';
import { chunksOf, compressRepeated, repeatStreams, type Tool } from '../../../test/archive-bombs';
import { DECODED_CHUNK_BYTES, EVENT_LOOP_SLICE_MS, FORMATS, PLAIN, decodeArchive, formatOf, type ArchiveFormat } from './archive-formats';

/**
 * Decompressed bytes a decoder may hold beyond what was taken: its own buffer, and the one being handed on,
 * and the read-ahead it declares (bzip2's thread).
 */
const maxAheadBytes = (format: ArchiveFormat) => 4 * DECODED_CHUNK_BYTES + (format.readAheadBytes ?? 0);
/** One compressed stream's text, and the copies of it a bomb is made of (3 MB: whole copies of '{}\n'). */
const STREAM_BYTES = 3 * 1024 * 1024;
const STREAMS = 10;
/** Size of each bomb, decompressed. */
const BOMB_BYTES = STREAM_BYTES * STREAMS;

const TOOLS: Record<string, Tool | null> = { plain: null, gzip: 'gzip', bzip2: 'bzip2' };

/** A bomb in `format`: `text` repeated to BOMB_BYTES, made from copies of one stream (fast to make). */
async function bombOf(format: ArchiveFormat, text: string): Promise<Buffer> {
  const tool = TOOLS[format.name];
  if (tool === undefined) throw new Error(`no bomb maker for ${format.name}: add one to TOOLS`);
  if (tool === null) return Buffer.from(text.repeat(BOMB_BYTES / text.length));
  return repeatStreams(await compressRepeated(tool, text, STREAM_BYTES), STREAMS);
}

it('chooses the format by ending', () => {
  expect(formatOf('/a/b/2017/06/01/00/05.json.BZ2').name).toBe('bzip2');
  expect(formatOf('posts.jsonl.gz').name).toBe('gzip');
  expect(formatOf('posts.jsonl')).toBe(PLAIN);
});

describe.each([PLAIN, ...FORMATS].map((format) => [format.name, format] as const))('%s', (_name, format) => {
  let lines: Buffer;
  let oneByte: Buffer;
  beforeAll(async () => {
    lines = await bombOf(format, '{}\n');
    oneByte = await bombOf(format, 'a');
  });

  it('gives the bytes back in pieces of at most DECODED_CHUNK_BYTES', async () => {
    let total = 0;
    let largest = 0;
    let wrong = 0;
    for await (const piece of decodeArchive(format, chunksOf(lines))) {
      total += piece.length;
      largest = Math.max(largest, piece.length);
      // The text is '{}\n' over and over: each piece continues where the last one stopped.
      for (let i = 0; i < piece.length; i += 997) if (piece[i] !== '{}\n'.charCodeAt((total - piece.length + i) % 3)) wrong += 1;
    }
    expect({ total, wrong }).toEqual({ total: BOMB_BYTES, wrong: 0 });
    expect(largest).toBeLessThanOrEqual(DECODED_CHUNK_BYTES);
  });

  it('decodes no further ahead of a slow reader than a few pieces', async () => {
    for (const bomb of [lines, oneByte]) {
      const decoded = decodeArchive(format, chunksOf(bomb));
      const iterator = decoded[Symbol.asyncIterator]();
      let most = 0;
      for (let i = 0; i < 20; i += 1) {
        expect((await iterator.next()).done).toBe(false);
        const ahead = (await settled(decoded.decodedBytes, { enough: (n) => n > BOMB_BYTES / 2 })) - decoded.takenBytes();
        most = Math.max(most, ahead);
      }
      await iterator.return?.();
      expect(decoded.takenBytes()).toBeGreaterThan(0);
      expect(most).toBeLessThanOrEqual(maxAheadBytes(format));
    }
  });

  it('gives the event loop a turn every EVENT_LOOP_SLICE_MS while a fast reader takes a bomb', async () => {
    let turns = 0;
    let counting = true;
    const count = () => {
      if (!counting) return;
      turns += 1;
      setImmediate(count);
    };
    setImmediate(count);
    // A clock that advances 1 ms each time it is read (once per piece): a turn is due every 10 pieces.
    let clock = 0;
    let pieces = 0;
    // Handed over as one piece, as a small bomb is read from disk: only the decoder can give the turns.
    for await (const piece of decodeArchive(format, chunksOf(oneByte, oneByte.length), () => clock++)) pieces += piece.length > 0 ? 1 : 0;
    counting = false;
    expect(pieces).toBeGreaterThanOrEqual(BOMB_BYTES / DECODED_CHUNK_BYTES);
    expect(turns).toBeGreaterThanOrEqual(Math.floor(pieces / EVENT_LOOP_SLICE_MS) - 1);
  });
});

describe.each(FORMATS.map((format) => [format.name, format] as const))('%s, damaged', (_name, format) => {
  it('fails with its own error, after handing on what it decoded', async () => {
    const good = await compressRepeated(TOOLS[format.name]!, '{"a":1}\n', 2 * 1024 * 1024);
    const cut = good.subarray(0, Math.floor(good.length * 0.9));
    const flipped = Buffer.from(good);
    flipped[Math.floor(good.length / 2)] ^= 0x55;
    for (const damaged of [cut, flipped]) {
      let taken = 0;
      await expect(
        (async () => {
          for await (const piece of decodeArchive(format, chunksOf(damaged, 4_096))) taken += piece.length;
        })(),
      ).rejects.toThrow();
      expect(taken).toBeLessThan(2 * 1024 * 1024);
    }
  });
});
