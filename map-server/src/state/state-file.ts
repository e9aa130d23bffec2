/**
 * The file the map-server's state is saved in, `state.bin` in the data directory, and how it is written so
 * that a crash at any moment leaves either the previous save or the new one, never half of one.
 *
 * Layout: one line `trendmap-state <format>`, one line of JSON (the header: when it was saved, which run it
 * belongs to, the bus positions it covers, the payload's length and SHA-256), then the payload (the
 * engine's snapshot as `v8.serialize` writes it). The first line is read before anything else, so a file
 * of another format is refused by its number, never misread; the hash catches a file damaged on disk.
 *
 * Writing: the whole file goes to `state.bin.tmp`, is flushed to the disk (fsync), renamed over
 * `state.bin` (atomic on POSIX file systems), and the directory is flushed so the rename itself survives a
 * power cut. Readers never see the temporary file.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { StateError } from '../../../common/node/errors';
import { SNAPSHOT_VERSION } from '../core/engine-snapshot';

/** The format this build writes and reads: the engine snapshot's own version, bumped whenever its shape changes. */
export const STATE_FORMAT = SNAPSHOT_VERSION;
/** The state's file name in the data directory. */
export const STATE_FILE = 'state.bin';
const TEMP_SUFFIX = '.tmp';
const MAGIC = 'trendmap-state';

/** What the header says about a save, besides the payload's length and hash. */
export interface StateHeader {
  /** When it was written, epoch ms. */
  savedAtMs: number;
  /** The kind of run that wrote it (e.g. `live`, `replay`, `kafka topic geo-hashtags`): another kind refuses it. */
  run: string;
  /** Per partition of the topic, the next offset to read after the counts saved; null off Kafka. */
  positions: Record<string, string> | null;
  /** The Node.js version that wrote it (`process.version`): the payload is V8's serialisation. */
  node: string;
}

interface StoredHeader extends StateHeader {
  bytes: number;
  sha256: string;
}

/** Writes `payload` under `header` as `dir/state.bin`, atomically (see the opening comment). */
export async function writeStateFile(dir: string, header: StateHeader, payload: Uint8Array): Promise<void> {
  const path = join(dir, STATE_FILE);
  const stored: StoredHeader = { ...header, bytes: payload.byteLength, sha256: sha256(payload) };
  const head = Buffer.from(`${MAGIC} ${STATE_FORMAT}\n${JSON.stringify(stored)}\n`);
  const file = await open(path + TEMP_SUFFIX, 'w');
  try {
    await file.writev([head, payload]);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(path + TEMP_SUFFIX, path);
  await syncDirectory(dir);
}

/** The save in `dir`, checked, or null when there is none. Throws `StateError` for one that cannot be used. */
export function readStateFile(dir: string): { header: StateHeader; payload: Buffer } | null {
  const path = join(dir, STATE_FILE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StateError('DATA_DIR_UNUSABLE', `cannot read ${path}: ${(error as Error).message}`);
  }
  const firstEnd = bytes.indexOf(0x0a);
  const first = bytes.subarray(0, firstEnd === -1 ? Math.min(bytes.length, 64) : firstEnd).toString('latin1');
  const format = new RegExp(`^${MAGIC} ([0-9]+)$`).exec(first);
  if (format === null) throw damaged(path, 'it is not a trendmap state file');
  if (Number(format[1]) !== STATE_FORMAT) {
    throw new StateError(
      'STATE_UNREADABLE',
      `${path} was saved in state format ${format[1]}; this trendmap reads format ${STATE_FORMAT}. ` +
        `Run the version that wrote it, or move the file aside to start from an empty state`,
    );
  }
  const secondEnd = bytes.indexOf(0x0a, firstEnd + 1);
  if (secondEnd === -1) throw damaged(path, 'its header is cut short');
  let header: StoredHeader;
  try {
    header = JSON.parse(bytes.subarray(firstEnd + 1, secondEnd).toString('utf8')) as StoredHeader;
  } catch {
    throw damaged(path, 'its header is not JSON');
  }
  const payload = bytes.subarray(secondEnd + 1);
  if (payload.length !== header.bytes) throw damaged(path, `it holds ${payload.length} bytes of state where its header says ${header.bytes}`);
  if (sha256(payload) !== header.sha256) throw damaged(path, 'its checksum does not match');
  const { savedAtMs, run, positions, node } = header;
  return { header: { savedAtMs, run, positions, node }, payload };
}

/** The error for a save that cannot be read as it is. */
export function damaged(path: string, why: string): StateError {
  return new StateError('STATE_UNREADABLE', `the state saved in ${path} is damaged (${why}): move it aside to start from an empty state`);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Flushes a directory's entries (the rename). POSIX only: elsewhere a directory cannot be opened or synced. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => null);
  if (handle === null) return;
  // Some platforms (Windows) refuse fsync on a directory; the rename is then as durable as they make it.
  await handle.sync().catch(() => undefined);
  await handle.close();
}
