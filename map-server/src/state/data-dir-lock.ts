/**
 * One process per data directory: two map-servers saving into one `state.bin` would each overwrite the
 * other's counts. The lock is a file, `lock`, holding its owner's pid, host, boot and start time, touched
 * every `LOCK_REFRESH_MS` while the owner runs. It appears with its content in one step (written to a file of
 * its own, then hard-linked into place, which fails if a lock is there), so no reader sees it half-written.
 *
 * A process killed with SIGKILL leaves its lock behind, so an existing lock is taken over when its owner is
 * certainly gone:
 * - on this host, since its last boot: when its pid no longer runs, or is this very process's (a container
 *   restarted with the same hostname and pid 1). A pid that runs holds the lock however long ago it touched
 *   it (a stopped or busy owner keeps its directory);
 * - on this host before a reboot: always;
 * - on another host sharing the directory (its pid cannot be checked from here): when it has not been
 *   touched for `LOCK_STALE_MS`.
 * Otherwise the second process refuses to start, saying who holds the directory. A takeover renames the
 * stale lock away first (one process wins the rename) and checks it took the lock it judged, so two
 * processes taking over at once cannot both win.
 */
import { linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StateError } from '../../../common/node/errors';

export const LOCK_FILE = 'lock';
/** How often the owner touches its lock, in ms. */
export const LOCK_REFRESH_MS = 30_000;
/** A lock of another host untouched for this long is left by a process that is gone, in ms: four missed refreshes. */
export const LOCK_STALE_MS = 4 * LOCK_REFRESH_MS;

/** The locks this process holds now: its own pid in a lock file means a previous life only when not here. */
const heldHere = new Set<string>();

interface Owner {
  pid: number;
  host: string;
  /** This boot of the machine (Linux), so a pid from before a reboot is not taken for a running one ('': unknown). */
  boot?: string;
  startedAtMs: number;
}

export class DataDirLock {
  private released = false;

  private constructor(
    readonly path: string,
    /** The lock's content as written, to release only our own. */
    private readonly content: string,
  ) {
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
    const content = JSON.stringify({ pid: process.pid, host: hostname(), boot: bootId(), startedAtMs: nowMs } satisfies Owner);
    // Twice at most: once as it is, once after taking over a lock left by a process that is gone.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (create(path, content)) return new DataDirLock(path, content);
      const held = readLock(path);
      if (held === null) continue; // released meanwhile
      if (heldHere.has(path) || !isGone(held, nowMs)) throw inUse(dir, path, held.owner);
      if (!takeOver(path, held.content)) throw inUse(dir, path, null);
    }
    throw inUse(dir, path, null);
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

  /** Lets the directory go: removes the lock if it is still this one (never a lock another process took over). */
  release(): void {
    if (this.released) return;
    this.released = true;
    heldHere.delete(this.path);
    try {
      if (readFileSync(this.path, 'utf8') === this.content) unlinkSync(this.path);
    } catch {
      // Already gone.
    }
  }
}

/** Creates the lock with its content in one step; false when a lock is there. */
function create(path: string, content: string): boolean {
  const draft = `${path}.${process.pid}.${randomUUID().slice(0, 8)}`;
  try {
    writeFileSync(draft, content, { flag: 'wx' });
    linkSync(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StateError('DATA_DIR_UNUSABLE', `cannot write ${path}: ${(error as Error).message}; set DATA_DIR to a writable directory`);
  } finally {
    try {
      unlinkSync(draft);
    } catch {
      // not created
    }
  }
}

/** The lock as it is now: its content and owner (null when unreadable: left by a crash of an older build), or null when gone. */
function readLock(path: string): { content: string; owner: Owner | null; mtimeMs: number } | null {
  let content: string;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
    content = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const owner = JSON.parse(content) as Partial<Owner>;
    if (typeof owner.pid === 'number' && typeof owner.host === 'string' && typeof owner.startedAtMs === 'number') {
      return { content, owner: owner as Owner, mtimeMs };
    }
  } catch {
    // fall through
  }
  return { content, owner: null, mtimeMs };
}

function isGone({ owner, mtimeMs }: { owner: Owner | null; mtimeMs: number }, nowMs: number): boolean {
  const untouched = nowMs - mtimeMs > LOCK_STALE_MS;
  if (owner === null || owner.host !== hostname()) return untouched;
  if (owner.boot && owner.boot !== bootId()) return true;
  return owner.pid === process.pid || !isRunning(owner.pid);
}

/**
 * Moves the stale lock (`judged`) out of the way; false when what was moved is not it (another process took
 * the lock over in between: that lock is put back).
 */
function takeOver(path: string, judged: string): boolean {
  const grave = `${path}.stale.${process.pid}.${randomUUID().slice(0, 8)}`;
  try {
    renameSync(path, grave);
  } catch {
    return true; // gone already: the next attempt creates it
  }
  let moved = '';
  try {
    moved = readFileSync(grave, 'utf8');
  } catch {
    // unreadable: treat as not ours to remove
  }
  if (moved === judged) {
    unlinkSync(grave);
    return true;
  }
  try {
    linkSync(grave, path);
  } catch {
    // a third process created one meanwhile: it holds the directory now
  }
  unlinkSync(grave);
  return false;
}

function inUse(dir: string, path: string, owner: Owner | null): StateError {
  const who = owner === null ? 'another process' : `process ${owner.pid} on ${owner.host} (since ${new Date(owner.startedAtMs).toISOString()})`;
  return new StateError(
    'DATA_DIR_LOCKED',
    `the data directory ${dir} is in use by ${who}: two cannot share one. ` +
      `Stop that one, or give this one a DATA_DIR of its own (DATA_DIR=none keeps nothing); if no trendmap runs there, delete ${path}`,
  );
}

let boot: string | undefined;

/** This boot of the machine (Linux's boot id), or '' where there is none to read. */
function bootId(): string {
  if (boot === undefined) {
    try {
      boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      boot = '';
    }
  }
  return boot;
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
