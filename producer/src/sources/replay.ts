/**
 * Replays an archive of newline-delimited JSON posts: one file, a directory (recursively, in natural name
 * order) or a glob, each file plain, gzipped (`.gz`) or bzip2ed (`.bz2`), or a tar (`.tar`, `.tar.gz`,
 * `.tgz`) of such files, read as it is without extracting it (`archive-reads.ts`). Memory stays constant whatever
 * the archive's size or compression ratio, because lines are read and decoded only as fast as the
 * pipeline consumes them, a batch at a time (`BATCH_LINES`, `BATCH_CHARS`). A file that cannot be read to
 * its end is reported, counted in the progress, and skipped; the rest goes on.
 */
import type { Shard } from '../../../common/node/config';
import type { TimeRange } from '../../../common/node/time-range';
import { mayHold } from '../archive/name-times';
import { archiveFiles, bytesOf, shardOf, type Archive } from '../archive/archive-files';
import { archiveReads } from '../archive/archive-reads';
import { ReplayProgress } from '../archive/replay-progress';
import type { Line } from '../archive/line-splitter';
import type { RawInput, Source } from './source';

/**
 * Most lines handed on at once: large enough to amortise the async hops, small enough to pace smoothly,
 * and a bound on the work per step (a decoded chunk of 64 KB can hold 65,536 empty lines).
 */
export const BATCH_LINES = 256;

/**
 * Most characters of line text in a batch before it is handed on (a batch ends with the line that reaches
 * it). The pipeline normalises a batch without giving the event loop a turn, and a line may be up to 1 MB
 * (`MAX_LINE_BYTES`), whose JSON can take 100 ms to parse (100,000 keys, busy machine): 256 such lines
 * held 256 MB and kept the event loop busy for 39 s. Real posts are 2–10 KB, so their batches are still
 * cut by `BATCH_LINES`.
 */
export const BATCH_CHARS = 1024 * 1024;

export interface ReplaySourceOptions {
  /** A file, a directory or a glob (see `archiveFiles`). */
  file: string;
  /** The files already resolved (and sharded), to avoid walking the directory again. */
  archive?: Archive;
  /** This producer's share of the files (`--shard`); none: all. */
  shard?: Shard | null;
  /** Only posts created in this range (`--from`, `--to`): files whose names put them outside it are not read. */
  range?: TimeRange | null;
}

export interface ReplaySource extends Source {
  readonly name: 'replay';
  readonly progress: ReplayProgress;
  /** Which share of the archive it reads (`--shard`), if one. */
  readonly share?: Archive['share'];
  /** Folders of the directory that could not be listed, passed over (see `Archive`). */
  readonly unreadable?: Archive['unreadable'];
}

/** Throws `ArchiveError` at once when `file` matches nothing. */
export function replaySource(options: ReplaySourceOptions): ReplaySource {
  const { files: listed, share, unreadable } = options.archive ?? shardOf(archiveFiles(options.file), options.shard ?? null);
  const range = options.range ?? null;
  const files = range === null ? listed : listed.filter((file) => mayHold(file.path, range));
  const progress = new ReplayProgress(files.length, bytesOf(files));
  progress.outsideRange = listed.length - files.length;
  // Tar members are passed over by their own names, as files are: the Stream Grab's tars hold a day's minutes.
  const acceptMember =
    range === null
      ? undefined
      : (name: string) => {
          const inside = mayHold(name, range);
          if (!inside) progress.membersOutsideRange += 1;
          return inside;
        };
  return {
    name: 'replay',
    live: false,
    progress,
    share,
    unreadable,
    async *read(signal: AbortSignal): AsyncIterable<RawInput[]> {
      progress.start(Date.now());
      let batch: Line[] = [];
      let batchChars = 0;
      for await (const chunk of archiveReads(files, progress, { signal, acceptMember })) {
        for (const line of chunk) {
          batch.push(line);
          if (typeof line === 'string') batchChars += line.length;
          if (batch.length === BATCH_LINES || batchChars >= BATCH_CHARS) {
            yield batch;
            batch = [];
            batchChars = 0;
            if (signal.aborted) return;
          }
        }
      }
      if (batch.length > 0 && !signal.aborted) yield batch;
      progress.finish(Date.now());
    },
  };
}

/** Whether a running source is a replay, whose progress can be shown. */
export function isReplaySource(source: Source): source is ReplaySource {
  return source.name === 'replay' && 'progress' in source && source.progress instanceof ReplayProgress;
}
