/**
 * One process per data directory: two map-servers saving into one `state.bin` would each overwrite the
 * other's counts. The lock is a file, `lock`, created exclusively (`O_EXCL`), holding the owner's pid, host
 * and start time, and touched every `LOCK_REFRESH_MS` while the owner runs.
 *
 * A process killed with SIGKILL leaves its lock behind, so an existing lock is taken over when its owner is
 * certainly gone: on this host with a pid that no longer runs (or that is this very process: a container
 * restarted with the same pid 1), or not touched for `LOCK_STALE_MS` (an owner on another host sharing the
 * directory, whose pid cannot be checked from here). Otherwise the second process refuses to start, saying
 * who holds the directory.
 */
import { readFileSync, statSync, unlinkSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StateError } from '../../../common/node/errors';

export const LOCK_FILE = 'lock';
/** How often the owner touches its lock, in ms. */
export const LOCK_REFRESH_MS = 30_000;
/** A lock untouched for this long is left by a process that is gone, in ms: four missed refreshes. */
export const LOCK_STALE_MS = 4 * LOCK_REFRESH_MS;

/** The locks this process holds now: its own pid in a lock file means a previous life only when not here. */
const heldHere = new Set<string>();

interface Owner {
  pid: number;
  host: string;
  startedAtMs: number;
}

export class DataDirLock {
  private released = false;

  private constructor(readonly path: string) {
    heldHere.add(path);
  }

  /** Takes `dir`'s lock (creating `dir` if needed), or throws `StateError` naming the owner. */
  static acquire(dir: string, nowMs = Date.now()): DataDirLock {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new StateError(
        'DATA_DIR_UNUSABLE',
        `cannot create the data directory ${dir}: ${(error as Error).message}; set DATA_DIR to a writable one`,
      );
    }
    const path = join(dir, LOCK_FILE);
    const me: Owner = { pid: process.pid, host: hostname(), startedAtMs: nowMs };
    if (tryCreate(path, me)) return new DataDirLock(path);
    const owner = readOwner(path);
    if (heldHere.has(path) || (owner !== null && !isGone(owner, path, nowMs))) {
      const { pid, host, startedAtMs } = owner ?? me;
      throw new StateError(
        'DATA_DIR_LOCKED',
        `the data directory ${dir} is in use by process ${pid} on ${host} (since ${new Date(startedAtMs).toISOString()}): two cannot share one. ` +
          `Stop that one, or give this one a DATA_DIR of its own (DATA_DIR=none keeps nothing)`,
      );
    }
    // Gone (or its lock unreadable): take over. Another process doing the same at once loses the race below.
    unlinkSync(path);
    if (tryCreate(path, me)) return new DataDirLock(path);
    throw new StateError('DATA_DIR_LOCKED', `the data directory ${dir} was just taken by another process`);
  }

  /** Tells later starters this owner still runs. */
  refresh(nowMs = Date.now()): void {
    if (this.released) return;
    const at = new Date(nowMs);
    try {
      utimesSync(this.path, at, at);
    } catch {
      // Deleted by hand: nothing to refresh; the save still works, and release has nothing to remove.
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    heldHere.delete(this.path);
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone.
    }
  }
}

function tryCreate(path: string, owner: Owner): boolean {
  try {
    writeFileSync(path, JSON.stringify(owner), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StateError('DATA_DIR_UNUSABLE', `cannot write ${path}: ${(error as Error).message}; set DATA_DIR to a writable directory`);
  }
}

/** The lock's owner, or null when the file is unreadable or half-written (its owner died creating it). */
function readOwner(path: string): Owner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<Owner>;
    if (typeof owner.pid === 'number' && typeof owner.host === 'string' && typeof owner.startedAtMs === 'number') return owner as Owner;
  } catch {
    // fall through
  }
  return null;
}

function isGone(owner: Owner, path: string, nowMs: number): boolean {
  if (owner.host === hostname() && (owner.pid === process.pid || !isRunning(owner.pid))) return true;
  try {
    return nowMs - statSync(path).mtimeMs > LOCK_STALE_MS;
  } catch {
    return true;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
