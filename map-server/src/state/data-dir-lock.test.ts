import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLock, LOCK_FILE, LOCK_STALE_MS } from './data-dir-lock';

const dirs: string[] = [];
const locks: DataDirLock[] = [];
afterEach(() => {
  locks.splice(0).forEach((lock) => lock.release());
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trendmap-lock-'));
  dirs.push(dir);
  return dir;
}
const acquire = (dir: string, nowMs?: number) => {
  const lock = DataDirLock.acquire(dir, nowMs);
  locks.push(lock);
  return lock;
};
const ownedBy = (dir: string, owner: object) => writeFileSync(join(dir, LOCK_FILE), JSON.stringify(owner));

describe('the data directory lock', () => {
  it('creates the directory, and lets it go on release', () => {
    const dir = join(tempDir(), 'nested', 'data');
    const lock = acquire(dir);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    acquire(dir); // free again
  });

  it('refuses a second owner in this process, naming the first', () => {
    const dir = tempDir();
    acquire(dir);
    expect(() => acquire(dir)).toThrow(
      expect.objectContaining({ code: 'DATA_DIR_LOCKED', message: expect.stringContaining(`in use by process ${process.pid} on ${hostname()}`) }),
    );
  });

  it('refuses while another running process on this host holds it', async () => {
    const dir = tempDir();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => other.once('spawn', resolve));
      ownedBy(dir, { pid: other.pid, host: hostname(), startedAtMs: Date.now() });
      expect(() => acquire(dir)).toThrow(
        expect.objectContaining({ code: 'DATA_DIR_LOCKED', message: expect.stringContaining(`process ${other.pid}`) }),
      );
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over the lock of a process that is gone (killed with SIGKILL)', async () => {
    const dir = tempDir();
    const other = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    const pid = other.pid;
    await new Promise((resolve) => other.once('exit', resolve));
    ownedBy(dir, { pid, host: hostname(), startedAtMs: Date.now() });
    acquire(dir);
  });

  it('takes over a half-written lock', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), '');
    acquire(dir);
  });

  it('on another host, takes over only a lock nobody has touched for a while', () => {
    const dir = tempDir();
    const now = Date.now();
    ownedBy(dir, { pid: 1, host: 'elsewhere', startedAtMs: now });
    expect(() => acquire(dir, now)).toThrow(expect.objectContaining({ code: 'DATA_DIR_LOCKED', message: expect.stringContaining('on elsewhere') }));
    const old = new Date(now - LOCK_STALE_MS - 1_000);
    utimesSync(join(dir, LOCK_FILE), old, old);
    acquire(dir, now);
  });

  it('keeps a lock fresh while its owner runs', () => {
    const dir = tempDir();
    const lock = acquire(dir);
    const later = Date.now() + 10 * LOCK_STALE_MS;
    lock.refresh(later);
    expect(Math.round(statSync(join(dir, LOCK_FILE)).mtimeMs)).toBe(later);
  });
});
