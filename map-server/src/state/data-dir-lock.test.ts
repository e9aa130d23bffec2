import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { tempDirs } from '../../../test/helpers';
import { DataDirLock, LOCK_FILE, LOCK_STALE_MS } from './data-dir-lock';

const locks: DataDirLock[] = [];
afterEach(() => locks.splice(0).forEach((lock) => lock.release()));
const tempDir = tempDirs('lock');
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

  it('lets exactly one of several processes take over a stale lock at once', async () => {
    const dir = tempDir();
    const gone = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    const pid = gone.pid;
    await new Promise((resolve) => gone.once('exit', resolve));
    ownedBy(dir, { pid, host: hostname(), startedAtMs: 0 });
    // Each holds what it got until told to stop, so a winner's release cannot let a later one in.
    const script = `import { DataDirLock } from ${JSON.stringify(new URL('./data-dir-lock.ts', import.meta.url).pathname)};
      let lock = null;
      try { lock = DataDirLock.acquire(${JSON.stringify(dir)}); console.log('won'); } catch (e) { console.log(e.code); }
      process.stdin.on('end', () => lock?.release()).resume();`;
    const racers = Array.from({ length: 4 }, () =>
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    const said = await Promise.all(
      racers.map(
        (child) =>
          new Promise<string>((resolve) => {
            let out = '';
            child.stdout.on('data', (chunk) => {
              out += chunk;
              if (out.includes('\n')) resolve(out.trim());
            });
            // A racer that dies before it says anything fails the test at once, with what it printed.
            child.once('exit', (code) => resolve(`exited ${code} after "${out}"`));
          }),
      ),
    );
    racers.forEach((child) => child.stdin.end());
    await Promise.all(racers.map((child) => new Promise((resolve) => child.once('exit', resolve))));
    expect(said.filter((s) => s === 'won')).toHaveLength(1);
    expect(said.filter((s) => s === 'DATA_DIR_LOCKED')).toHaveLength(3);
  });

  it('takes over an unreadable lock only once nobody has touched it for a while', () => {
    const dir = tempDir();
    const now = Date.now();
    writeFileSync(join(dir, LOCK_FILE), '');
    expect(() => acquire(dir, now)).toThrow(
      expect.objectContaining({ code: 'DATA_DIR_LOCKED', message: expect.stringContaining('in use by another process') }),
    );
    const old = new Date(now - LOCK_STALE_MS - 1_000);
    utimesSync(join(dir, LOCK_FILE), old, old);
    acquire(dir, now);
  });

  it('on this host, a running owner keeps its lock however long ago it touched it; one from before a reboot is gone', async () => {
    const dir = tempDir();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => other.once('spawn', resolve));
      const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
      ownedBy(dir, { pid: other.pid, host: hostname(), boot, startedAtMs: 0 });
      const old = new Date(Date.now() - 10 * LOCK_STALE_MS);
      utimesSync(join(dir, LOCK_FILE), old, old);
      expect(() => acquire(dir)).toThrow(
        expect.objectContaining({ code: 'DATA_DIR_LOCKED', message: expect.stringContaining(`process ${other.pid}`) }),
      );
      ownedBy(dir, { pid: other.pid, host: hostname(), boot: 'an earlier boot', startedAtMs: 0 });
      acquire(dir);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('on release, leaves alone a lock another process took over', () => {
    const dir = tempDir();
    const lock = acquire(dir);
    ownedBy(dir, { pid: 1, host: 'elsewhere', startedAtMs: 0 });
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
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
