/**
 * The map-server's state on disk: what a restart loads before it listens, and what is saved every
 * `saveEveryMs` while it runs and once more when it stops, so that SIGTERM loses nothing and SIGKILL at
 * most the posts since the last save. The data directory is locked for as long as this runs
 * (`DataDirLock`); the file is written atomically (`state-file.ts`).
 *
 * The snapshot is taken and serialised in one synchronous step, so it is consistent with the bus
 * positions taken beside it (the bus hands batches over synchronously, between event-loop turns); only the
 * write to disk runs in the background, while posts keep being counted.
 */
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { StateError } from '../../../common/node/errors';
import type { Logger } from '../../../common/node/log';
import { DataDirLock, LOCK_REFRESH_MS } from './data-dir-lock';
import { damagedState, readStateFile, removeUnfinishedSave, STATE_FILE, writeStateFile, type StateHeader } from './state-file';

export interface SavedStateOptions {
  dataDir: string;
  /** The kind of run (`StateHeader.run`): a save of another kind is refused, never mixed in. */
  run: string;
  saveEveryMs: number;
  log: Pick<Logger, 'info' | 'warn'>;
}

/** What is saved, taken when a save starts: the engine's snapshot and the bus positions it covers. */
export interface StateToSave {
  snapshot: unknown;
  positions: Record<string, string> | null;
}

/** How saving goes, for `/metrics`. */
export interface SaveStats {
  saves: number;
  failures: number;
  /** When the last save that succeeded was taken, epoch ms (null: none yet in this process). */
  lastSavedAtMs: number | null;
  /** Its size in bytes and how long it took (snapshot, serialise, write), in ms. */
  lastBytes: number;
  lastMs: number;
}

/** A save found in the data directory and restored, with what its header said. */
export interface LoadedState<T> {
  header: StateHeader;
  restored: T;
  /** Where it was read from, for messages. */
  path: string;
}

export class SavedState {
  private timer: NodeJS.Timeout | null = null;
  private lockTimer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private failing = false;
  /** Saves asked for and not finished. */
  private pending = 0;
  private readonly counts: SaveStats = { saves: 0, failures: 0, lastSavedAtMs: null, lastBytes: 0, lastMs: 0 };

  private constructor(
    private readonly options: SavedStateOptions,
    private readonly lock: DataDirLock,
  ) {}

  /**
   * Locks the data directory and reads its save, if any, handing the deserialised snapshot to `restore`
   * (which throws a `RangeError` for one of the wrong shape). Throws `StateError` when the directory is
   * another process's, or its save is damaged, of another format or of another kind of run: nothing is
   * overwritten then, and the lock is let go.
   */
  static open<T>(options: SavedStateOptions, restore: (snapshot: unknown) => T): { saved: SavedState; loaded: LoadedState<T> | null } {
    const lock = DataDirLock.acquire(options.dataDir);
    try {
      const path = join(options.dataDir, STATE_FILE);
      // A temporary file is a save cut short by a crash: the previous save (if any) is the one to read.
      removeUnfinishedSave(options.dataDir);
      const file = readStateFile(options.dataDir);
      let loaded: LoadedState<T> | null = null;
      if (file !== null) {
        if (file.header.run !== options.run) {
          throw new StateError(
            'STATE_UNREADABLE',
            `${path} holds the state of another kind of run (${file.header.run}); this one is ${options.run}: ` +
              `give it a DATA_DIR of its own, or move the file aside`,
          );
        }
        let restored: T;
        try {
          restored = restore(deserialize(file.payload));
        } catch (error) {
          // v8 throws for bytes it cannot read, `restore` a RangeError for a snapshot of the wrong shape. A
          // newer Node may write what an older one cannot read: worth saying.
          const node = file.header.node === process.version ? '' : `; it was saved by Node ${file.header.node}, this is ${process.version}`;
          throw damagedState(path, `${(error as Error).message}${node}`);
        }
        loaded = { header: file.header, restored, path };
      }
      return { saved: new SavedState(options, lock), loaded };
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Saves what `take` returns every `saveEveryMs`, and keeps the lock fresh, until `close`. */
  startSaving(take: () => StateToSave): void {
    // A save still being written when the next is due (a slow disk) lets that one go, rather than queue.
    this.timer = setInterval(() => void (this.pending ? undefined : this.save(take)), this.options.saveEveryMs);
    this.timer.unref();
    this.keepLocked();
  }

  /** Keeps the lock fresh until `close`, before saving starts (a fresh map-server taking history first). */
  keepLocked(): void {
    if (this.lockTimer !== null) return;
    this.lockTimer = setInterval(() => this.lock.refresh(), LOCK_REFRESH_MS);
    this.lockTimer.unref();
  }

  /**
   * Saves what `take` returns now, after any save still being written. A failure is logged (once until a
   * save succeeds again), never thrown: the previous save stays, and the next one tries again.
   */
  save(take: () => StateToSave): Promise<void> {
    this.pending += 1;
    this.writing = this.writing.then(async () => {
      const started = performance.now();
      try {
        // Taken and serialised in one synchronous step, so the snapshot and the positions agree.
        const { snapshot, positions } = take();
        const payload = serialize(snapshot);
        const header: StateHeader = { savedAtMs: Date.now(), run: this.options.run, positions, node: process.version };
        await writeStateFile(this.options.dataDir, header, payload);
        if (this.failing) this.options.log.info(`saved the state to ${this.options.dataDir} again`);
        this.failing = false;
        Object.assign(this.counts, {
          saves: this.counts.saves + 1,
          lastSavedAtMs: header.savedAtMs,
          lastBytes: payload.byteLength,
          lastMs: performance.now() - started,
        });
      } catch (error) {
        if (!this.failing)
          this.options.log.warn(`could not save the state to ${this.options.dataDir} (${(error as Error).message}); the previous save stays`);
        this.failing = true;
        this.counts.failures += 1;
      } finally {
        this.pending -= 1;
      }
    });
    return this.writing;
  }

  /** How saving went so far in this process. */
  stats(): SaveStats {
    return { ...this.counts };
  }

  /** Lets the directory go without saving: the start failed after `open`. */
  abandon(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.lockTimer) clearInterval(this.lockTimer);
    this.lock.release();
  }

  /** Stops saving on a timer, saves once more what `take` returns, and unlocks the directory. */
  async close(take: () => StateToSave): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.lockTimer) clearInterval(this.lockTimer);
    const failures = this.counts.failures;
    await this.save(take);
    if (this.counts.failures === failures) {
      const { lastBytes, lastMs } = this.counts;
      this.options.log.info(`saved the state to ${this.options.dataDir} (${(lastBytes / 1e6).toFixed(1)} MB in ${Math.round(lastMs)} ms)`);
    } else {
      // Said even when earlier saves failed too: this is the one a restart would have needed.
      this.options.log.warn(`the state could not be saved at shutdown; a restart loads the last save that succeeded`);
    }
    this.lock.release();
  }
}
