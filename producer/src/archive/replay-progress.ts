/**
 * How far a replay has got, as plain counters the replay source updates and a display reads: files and
 * compressed bytes done out of the total, the file being read, and what could not be read. Posts read,
 * accepted and skipped are the pipeline's (`ProducerStats`); this model holds what only the source knows.
 * A tar file is one file of the archive; its members are counted apart (the current tar's done of its
 * total, and over the whole replay, read and corrupt), and its bytes are the tar's own, read from disk.
 */

/** A file that could not be read to its end, and why. */
export interface CorruptFile {
  name: string;
  reason: string;
}

export class ReplayProgress {
  filesDone = 0;
  /** Compressed bytes read from disk so far, over every file. */
  bytesRead = 0;
  /** The file being read, by its name relative to the archive; null before the first and after the last. */
  current: string | null = null;
  /** Files, and members of tar files (as "x.tar:2017/06/01/00/05.json.bz2"), that could not be read to their end. */
  readonly corrupt: CorruptFile[] = [];
  /** What the reader should know that is not a fault, as "x.tar.gz: members read in stored order, …". */
  readonly notes: string[] = [];
  /** The tar being read: its members done and how many it has; null when the current file is not a tar. */
  members: { done: number; total: number } | null = null;
  /** Members of tar files read (to their end or given up as corrupt), and how many of them were corrupt. */
  membersRead = 0;
  membersCorrupt = 0;
  /** Files not read because their names put them outside the replay's `--from`/`--to` (not in `filesTotal`). */
  outsideRange = 0;
  /** Members of tar files not read because their names put them outside `--from`/`--to`. */
  membersOutsideRange = 0;
  /** When the replay began and ended, in ms since the epoch; null until then. */
  startedAt: number | null = null;
  finishedAt: number | null = null;

  constructor(
    readonly filesTotal: number,
    /** Sum of the files' sizes on disk, in bytes. */
    readonly bytesTotal: number,
  ) {}

  /** Share of the archive read, from 0 to 1, by compressed bytes (an empty archive is all read). */
  get fraction(): number {
    return this.bytesTotal === 0 ? 1 : Math.min(1, this.bytesRead / this.bytesTotal);
  }

  /** Seconds since the start (to the end once finished). */
  elapsedS(nowMs: number): number {
    if (this.startedAt === null) return 0;
    return ((this.finishedAt ?? nowMs) - this.startedAt) / 1_000;
  }

  /**
   * Seconds left at the average pace so far: elapsed × bytes left / bytes read. Null until something
   * has been read, since there is no pace yet.
   */
  etaS(nowMs: number): number | null {
    const elapsed = this.elapsedS(nowMs);
    if (this.bytesRead === 0 || elapsed === 0) return null;
    return (elapsed * Math.max(0, this.bytesTotal - this.bytesRead)) / this.bytesRead;
  }

  start(nowMs: number): void {
    this.startedAt ??= nowMs;
  }

  finish(nowMs: number): void {
    this.current = null;
    this.finishedAt ??= nowMs;
  }

  /** A file has been read to its end, or given up as corrupt. */
  fileDone(): void {
    this.filesDone += 1;
  }

  markCorrupt(name: string, reason: string): void {
    this.corrupt.push({ name, reason });
  }

  /** A tar of `total` members to read is being read (null: the file being read is not a tar). */
  startMembers(total: number | null): void {
    this.members = total === null ? null : { done: 0, total };
  }

  /** A member of the current tar has been read to its end, or (`corrupt`) given up, reported as `name`. */
  memberDone(corrupt?: { name: string; reason: string }): void {
    if (this.members !== null) this.members.done += 1;
    this.membersRead += 1;
    if (corrupt === undefined) return;
    this.membersCorrupt += 1;
    this.markCorrupt(corrupt.name, corrupt.reason);
  }
}
