/** A replay stopped in the middle of a file: that file is not counted as read, nor its bytes as done. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archiveFiles } from './archive-files';
import { archiveReads } from './archive-reads';
import { ReplayProgress } from './replay-progress';

describe('archiveReads, stopped', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trendmap-stop-'));
    // Files of several decoded pieces each, so that a stop can come inside one.
    const lines = Array.from({ length: 100_000 }, (_, i) => `{"i":${i}}`).join('\n');
    for (const name of ['a.jsonl', 'b.jsonl']) writeFileSync(join(dir, name), `${lines}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves the file it was reading unfinished in the progress, and reads no other', async () => {
    const { files, totalBytes } = archiveFiles(dir);
    const progress = new ReplayProgress(files.length, totalBytes);
    const controller = new AbortController();
    let lines = 0;
    for await (const chunk of archiveReads(files, progress, { signal: controller.signal })) {
      lines += chunk.length;
      controller.abort();
    }
    expect(lines).toBeGreaterThan(0);
    expect(lines).toBeLessThan(100_000);
    expect(progress.filesDone).toBe(0);
    expect(progress.bytesRead).toBeLessThan(files[0].bytes);
    expect(progress.fraction).toBeLessThan(0.5);
  });
});
