/**
 * A folder of the archive that cannot be listed (no permission) is passed over and named; the directory
 * itself unreadable is a mistake said in one line. `readdirSync` is made to refuse here: the tests may run as
 * root, whom no permission stops.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const refused = new Set<string>();
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const readdirSync = ((path: string, options?: unknown) => {
    if (refused.has(String(path))) throw Object.assign(new Error(`EACCES: permission denied, scandir '${String(path)}'`), { code: 'EACCES' });
    return (fs.readdirSync as (p: string, o?: unknown) => unknown)(path, options);
  }) as typeof fs.readdirSync;
  return { ...fs, default: { ...fs, readdirSync }, readdirSync };
});

const { ArchiveError, archiveFiles, shardOf } = await import('./archive-files');

describe('an archive directory with a folder that cannot be read', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'trendmap-unreadable-'));
    for (const name of ['ok/a.jsonl', 'locked/b.jsonl', 'ok/deeper/c.jsonl']) {
      mkdirSync(join(root, name, '..'), { recursive: true });
      writeFileSync(join(root, name), '{}\n');
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('replays the rest, and names the folders passed over and why (kept in a share too)', () => {
    refused.add(join(root, 'locked'));
    refused.add(join(root, 'ok', 'deeper'));
    try {
      const archive = archiveFiles(root);
      expect(archive.files.map((f) => f.name)).toEqual(['ok/a.jsonl']);
      expect(archive.unreadable).toEqual([
        { name: 'locked', reason: 'EACCES' },
        { name: 'ok/deeper', reason: 'EACCES' },
      ]);
      expect(shardOf(archive, { index: 1, count: 2 }).unreadable).toEqual(archive.unreadable);
    } finally {
      refused.clear();
    }
    expect(archiveFiles(root).unreadable).toBeUndefined();
  });

  it('says in one line that the directory itself cannot be read', () => {
    refused.add(root);
    try {
      expect(() => archiveFiles(root)).toThrow(ArchiveError);
      expect(() => archiveFiles(root)).toThrow(`--file ${root}: cannot read the directory (EACCES)`);
    } finally {
      refused.clear();
    }
  });
});
