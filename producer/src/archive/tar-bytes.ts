/**
 * A tar that arrives as a stream (a `.tar.gz` inflated as it is read) as a `TarSource`: bytes are pulled
 * from the stream only when a header or a member's data is asked for, so what it holds is the one chunk
 * being cut up (at most `DECODED_CHUNK_BYTES`, 64 KB, from `decodeArchive`).
 *
 * A member's data (`until`) is handed to a decoder that may stop taking it at any point (bad bzip2 data)
 * and may still have a pull under way when the walk moves on. Positions are absolute and a member's data
 * ends at a fixed one, so such a late pull takes nothing: the walk has already passed that end. One pull
 * at a time is shared by whoever waits, so no chunk is taken twice or lost.
 */
import { describeFailure } from './archive-lines';
import { TarError } from './tar-header';
import type { TarSource } from './tar-walk';

const EMPTY = Buffer.alloc(0);

export class TarBytes implements TarSource {
  position = 0;
  private chunk: Buffer = EMPTY;
  private ended = false;
  private pulling: Promise<void> | null = null;
  private readonly source: AsyncIterator<Buffer>;

  /** `format`: how the stream is compressed, for messages ("bad gzip data (…)"). */
  constructor(
    input: AsyncIterable<Buffer>,
    private readonly format: string,
  ) {
    this.source = input[Symbol.asyncIterator]();
  }

  async read(bytes: number): Promise<Buffer | null> {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < bytes) {
      if (this.chunk.length === 0 && !(await this.pull())) {
        if (got === 0) return null;
        throw new TarError(`bad tar data (truncated at byte ${this.position})`);
      }
      const part = this.take(bytes - got);
      parts.push(part);
      got += part.length;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  async skipTo(position: number): Promise<void> {
    while (this.position < position) {
      if (this.chunk.length === 0 && !(await this.pull())) throw new TarError(`bad tar data (truncated at byte ${this.position})`);
      this.take(position - this.position);
    }
  }

  /**
   * The bytes from here to `end`, in pieces as they arrive. Throws `TarError` when the stream ends first;
   * takes nothing once the walk has passed `end`.
   */
  async *until(end: number): AsyncGenerator<Buffer> {
    while (this.position < end) {
      if (this.chunk.length === 0) {
        const more = await this.pull();
        if (this.position >= end) return;
        if (!more) throw new TarError(`bad tar data (truncated at byte ${this.position})`);
      }
      yield this.take(end - this.position);
    }
  }

  /**
   * Reads on to the end of the stream: what follows the end-of-archive block (zero padding), so that a
   * stream cut short there, or with a bad checksum, still fails (a `TarError`).
   */
  async drain(): Promise<void> {
    while (await this.pull()) this.take(this.chunk.length);
  }

  /** Stops the stream (and the file and inflater behind it). */
  async close(): Promise<void> {
    await this.pulling;
    await this.source.return?.();
  }

  private take(most: number): Buffer {
    const part = this.chunk.length <= most ? this.chunk : this.chunk.subarray(0, most);
    this.chunk = this.chunk.subarray(part.length);
    this.position += part.length;
    return part;
  }

  /** Fetches the next chunk (one fetch at a time, shared by whoever asks); false at the end. */
  private async pull(): Promise<boolean> {
    if (this.chunk.length > 0) return true;
    this.pulling ??= (async () => {
      try {
        for (;;) {
          if (this.ended) return;
          const next = await this.source.next().catch((error: unknown) => {
            // The tar's own stream failed (bad gzip data, a read error): the tar ends here, not the member.
            throw error instanceof TarError ? error : new TarError(describeFailure(error, this.format));
          });
          if (next.done) this.ended = true;
          else if (next.value.length > 0) {
            this.chunk = next.value;
            return;
          }
        }
      } finally {
        this.pulling = null;
      }
    })();
    await this.pulling;
    return this.chunk.length > 0;
  }
}
