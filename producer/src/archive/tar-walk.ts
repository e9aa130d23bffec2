/**
 * Walks a tar from header to header, over either of two sources: a `.tar` file on disk, where the walk
 * seeks past each member's data (listing a 2 GB tar of 1,440 members reads 1,440 × 512 bytes), or a
 * stream (a `.tar.gz` inflated as it is read, `tar-bytes.ts`), where it reads past it. The walk yields the
 * regular files with their data's offset; whoever reads a member's data reads it from the source, and the
 * walk moves on from wherever that reading stopped.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { describeFailure } from './archive-lines';
import {
  BLOCK_BYTES,
  MAX_META_BYTES,
  MAX_NAME_BYTES,
  TarError,
  decodeTarHeader,
  extendsFurther,
  longName,
  paddedSize,
  paxRecords,
  type PaxRecords,
} from './tar-header';

/** How much of a name longer than `MAX_NAME_BYTES` is kept to report it, in characters. */
const SHORTENED_NAME_CHARS = 200;

/** Where a walk reads from: forward only, in bytes from the start of the tar. */
export interface TarSource {
  /** Where the next read starts. */
  readonly position: number;
  /** The next `bytes` bytes, or null when the tar ends exactly here; throws `TarError` when it ends part-way. */
  read(bytes: number): Promise<Buffer | null>;
  /** Moves on to `position`, skipping what lies before; throws `TarError` when the tar ends first. */
  skipTo(position: number): Promise<void>;
}

export interface TarEntry {
  name: string;
  /** Data bytes. */
  size: number;
  /** Where the data starts in the tar, in bytes. */
  offset: number;
  /** Place among the tar's regular files, from 0, in the order they are stored. */
  index: number;
  /**
   * Why the member cannot be read, when it cannot: "unsupported (…)", a sparse file or a name too long to
   * keep. Such a member is reported, not read.
   */
  unsupported?: string;
  /** Its name was longer than `MAX_NAME_BYTES` (or unread) and `name` is only its start. */
  nameCut?: boolean;
}

/** What a pax or GNU long-name header says of the header that follows it. */
interface Pending extends PaxRecords {
  /** Size of a name header passed by unread (over `MAX_META_BYTES`), in bytes. */
  unreadMeta?: number;
}

/**
 * The regular files of the tar, in the order they are stored (sparse files and overlong names among them,
 * marked `unsupported`). Throws `TarError` at a bad header or when the tar ends before its end-of-archive
 * block (a truncated file); the entries yielded before stay yielded. Returns quietly when `signal` aborts.
 */
export async function* tarWalk(source: TarSource, signal?: AbortSignal): AsyncGenerator<TarEntry> {
  let index = 0;
  let pending: Pending = {};
  for (;;) {
    if (signal?.aborted) return;
    const at = source.position;
    const block = await source.read(BLOCK_BYTES);
    if (block === null) throw new TarError(`bad tar data (truncated: no end-of-archive block after byte ${at})`);
    const header = decodeTarHeader(block, at);
    if (header === null) return;
    let offset = at + BLOCK_BYTES;
    if (header.kind === 'pax' || header.kind === 'long-name') {
      if (header.size > MAX_META_BYTES) pending = { ...pending, unreadMeta: header.size };
      else {
        const body = (await source.read(header.size)) ?? truncated(offset);
        pending = header.kind === 'pax' ? { ...pending, ...paxRecords(body, at) } : { ...pending, path: longName(body) };
      }
      await source.skipTo(offset + paddedSize(header.size));
      continue;
    }
    // A GNU sparse header's map may go on in extension blocks, between the header and the data.
    for (let extended = header.extended === true; extended; offset += BLOCK_BYTES) {
      extended = extendsFurther((await source.read(BLOCK_BYTES)) ?? truncated(offset));
    }
    const file = header.kind === 'file' || header.kind === 'sparse';
    const size = file ? (pending.size ?? header.size) : header.size;
    if (file) {
      yield {
        ...named(pending.path ?? header.name, pending.unreadMeta),
        ...sparse(header.kind === 'sparse' || pending.sparse === true),
        size,
        offset,
        index,
      };
      index += 1;
    }
    pending = {};
    await source.skipTo(offset + paddedSize(size));
  }
}

/** The entry's name, cut short and marked `unsupported` when over `MAX_NAME_BYTES` or never read. */
function named(name: string, unreadMeta: number | undefined): Pick<TarEntry, 'name' | 'unsupported' | 'nameCut'> {
  if (unreadMeta !== undefined) {
    return {
      name: `${name}…`,
      nameCut: true,
      unsupported: `unsupported (a ${unreadMeta}-byte name header; over ${MAX_META_BYTES} bytes are not read)`,
    };
  }
  const bytes = Buffer.byteLength(name);
  if (bytes <= MAX_NAME_BYTES) return { name };
  return {
    name: `${name.slice(0, SHORTENED_NAME_CHARS)}…`,
    nameCut: true,
    unsupported: `unsupported (a ${bytes}-byte name; over ${MAX_NAME_BYTES} bytes are not read)`,
  };
}

function sparse(isSparse: boolean): Pick<TarEntry, 'unsupported'> {
  return isSparse ? { unsupported: 'unsupported (a sparse file)' } : {};
}

function truncated(at: number): never {
  throw new TarError(`bad tar data (truncated at byte ${at})`);
}

/** A `.tar` on disk, read by offset: skipping is free. Close it with `close()`. */
export class TarFile implements TarSource {
  position = 0;
  private constructor(
    private readonly handle: FileHandle,
    /** The file's size, in bytes. */
    readonly bytes: number,
  ) {}

  static async open(path: string): Promise<TarFile> {
    const handle = await open(path, 'r');
    try {
      return new TarFile(handle, (await handle.stat()).size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async read(bytes: number): Promise<Buffer | null> {
    if (this.position === this.bytes && bytes > 0) return null;
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await this.handle.read(buffer, 0, bytes, this.position).catch((error: unknown) => {
      throw new TarError(describeFailure(error, 'tar'));
    });
    if (bytesRead < bytes) truncated(this.position + bytesRead);
    this.position += bytes;
    return buffer;
  }

  async skipTo(position: number): Promise<void> {
    if (position > this.bytes) truncated(this.bytes);
    this.position = position;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
