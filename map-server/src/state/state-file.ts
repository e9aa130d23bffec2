/**
 * The file the map-server's state is saved in, `state.bin` in the data directory, and how it is written so
 * that a crash at any moment leaves either the previous save or the new one, never half of one.
 *
 * Layout: one line `trendmap-state <format>`, one line of JSON (the header: when it was saved, which run it
 * belongs to, the bus positions it covers, the Node that wrote it, the payload's length and a SHA-256 of
 * everything else in the file), then the payload (the engine's snapshot as `v8.serialize` writes it). The
 * first line is read before anything else, so a file of another format is refused by its number, never
 * misread; the hash catches damage anywhere else, header included, and every header field is type-checked.
 *
 * Writing: the whole file goes to `state.bin.tmp`, is flushed to the disk (fsync), renamed over
 * `state.bin` (atomic on POSIX file systems), and the directory is flushed so the rename itself survives a
 * power cut. Readers never see the temporary file.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { StateError } from '../../../common/node/errors';
import { READABLE_SNAPSHOT_VERSIONS, SNAPSHOT_VERSION } from '../core/engine-snapshot';

/** The format this build writes: the engine snapshot's own version, bumped whenever its shape changes. */
export const STATE_FORMAT = SNAPSHOT_VERSION;
/** The formats it reads: its own, and the older ones the engine upgrades on load. */
export const READABLE_STATE_FORMATS = READABLE_SNAPSHOT_VERSIONS;
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
  /** SHA-256 of the first line, this header without it (as JSON) and the payload: damage anywhere shows. */
  sha256: string;
}

/** Writes `payload` under `header` as `dir/state.bin`, atomically (see the opening comment). */
export async function writeStateFile(dir: string, header: StateHeader, payload: Uint8Array): Promise<void> {
  const path = join(dir, STATE_FILE);
  const first = `${MAGIC} ${STATE_FORMAT}`;
  const unsigned = { ...header, bytes: payload.byteLength };
  const stored: StoredHeader = { ...unsigned, sha256: checksum(first, unsigned, payload) };
  const head = Buffer.from(`${first}\n${JSON.stringify(stored)}\n`);
  const file = await open(path + TEMP_SUFFIX, 'w');
  try {
    // writeFile writes until every byte is down (a single write may take fewer); the size check catches
    // what a full disk or a file-size limit still cut short, before the rename could replace a good save.
    await file.writeFile(head);
    await file.writeFile(payload);
    await file.sync();
    const size = (await file.stat()).size;
    if (size !== head.length + payload.byteLength) throw new Error(`wrote ${size} of ${head.length + payload.byteLength} bytes`);
  } finally {
    await file.close();
  }
  await rename(path + TEMP_SUFFIX, path);
  await syncDirectory(dir);
}

/** Removes a temporary file left by a save cut short (a crash while writing): the previous save stands. */
export function removeUnfinishedSave(dir: string): void {
  rmSync(join(dir, STATE_FILE) + TEMP_SUFFIX, { force: true });
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
  if (format === null) throw damagedState(path, 'it is not a trendmap state file');
  if (!READABLE_STATE_FORMATS.includes(Number(format[1]))) {
    throw new StateError(
      'STATE_UNREADABLE',
      `${path} was saved in state format ${format[1]}; this trendmap reads format ${STATE_FORMAT} ` +
        `(and ${READABLE_STATE_FORMATS.filter((f) => f !== STATE_FORMAT).join(', ')}, upgraded on load). ` +
        `Run the version that wrote it, or move the file aside to start from an empty state`,
    );
  }
  const secondEnd = bytes.indexOf(0x0a, firstEnd + 1);
  if (secondEnd === -1) throw damagedState(path, 'its header is cut short');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.subarray(firstEnd + 1, secondEnd).toString('utf8'));
  } catch {
    throw damagedState(path, 'its header is not JSON');
  }
  const stored = checkHeader(parsed, path);
  const payload = bytes.subarray(secondEnd + 1);
  if (payload.length !== stored.bytes) throw damagedState(path, `it holds ${payload.length} bytes of state where its header says ${stored.bytes}`);
  const { sha256, ...unsigned } = stored;
  if (checksum(first, unsigned, payload) !== sha256) throw damagedState(path, 'its checksum does not match');
  const { savedAtMs, run, positions, node } = stored;
  return { header: { savedAtMs, run, positions, node }, payload };
}

/** The error for a save that cannot be read as it is. */
export function damagedState(path: string, why: string): StateError {
  return new StateError('STATE_UNREADABLE', `the state saved in ${path} is damaged (${why}): move it aside to start from an empty state`);
}

/** The header's fields, each of the type it must have, or the error saying which is not. */
function checkHeader(value: unknown, path: string): StoredHeader {
  const header = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const wrong = (field: string) => damagedState(path, `its header's ${field} is missing or of the wrong type`);
  if (!Number.isSafeInteger(header.savedAtMs)) throw wrong('savedAtMs');
  if (!Number.isSafeInteger(header.bytes)) throw wrong('bytes');
  for (const field of ['run', 'node', 'sha256']) if (typeof header[field] !== 'string') throw wrong(field);
  const positions = header.positions;
  if (positions !== null) {
    if (typeof positions !== 'object' || Array.isArray(positions)) throw wrong('positions');
    for (const [partition, offset] of Object.entries(positions as Record<string, unknown>)) {
      if (!/^[0-9]+$/.test(partition) || typeof offset !== 'string' || !/^[0-9]+$/.test(offset)) throw wrong(`positions[${partition}]`);
    }
  }
  return header as unknown as StoredHeader;
}

function checksum(first: string, unsigned: Omit<StoredHeader, 'sha256'>, payload: Uint8Array): string {
  return createHash('sha256')
    .update(`${first}\n${JSON.stringify(unsigned)}\n`)
    .update(payload)
    .digest('hex');
}

/** Flushes a directory's entries (the rename). POSIX only: elsewhere a directory cannot be opened or synced. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => null);
  if (handle === null) return;
  // Some platforms (Windows) refuse fsync on a directory; the rename is then as durable as they make it.
  await handle.sync().catch(() => undefined);
  await handle.close();
}
