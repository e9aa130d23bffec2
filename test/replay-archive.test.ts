/**
 * End to end, as `npm start -- --source replay --file <directory>` runs it: a nested archive directory of
 * plain, gzipped and bzip2ed files (test/fixtures/archive/good: replay-sample.jsonl cut in four, plus a
 * README.txt and a hidden file that are not read) must count exactly what the single file counts, whose
 * trends were worked out by hand in replay-sample.expected.json. The same directory as a `.tar`, made by the
 * system's `tar` with its files stored out of name order, must count the same, read without extracting it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAllOrFail, configFor, ensureBuild, expectSampleCounts, fixture, getJson, replaySample, runStart } from './helpers';
import { startEmbedded, type Embedded } from '../app/embedded';
import { isReplaySource } from '../producer/src/sources/replay';
import type { TrendsResponse } from '../common/browser/api';

describe('replaying an archive directory through the embedded product', () => {
  const { expected } = replaySample();
  let embedded: Embedded;

  beforeAllOrFail(async () => {
    embedded = await startEmbedded(configFor(['--source', 'replay', '--file', fixture('archive/good'), '--speed', 'max']), { staticDir: null });
    const stats = await embedded.producer.done;
    expect(stats.finished).toBe(true);
  });
  afterAll(async () => embedded?.close());

  it('counts exactly what the archive holds, per region', async () => {
    await expectSampleCounts(embedded.server.url);
  });

  it('accounts for every line of the four files and reads them all', async () => {
    const world = await getJson<TrendsResponse>(`${embedded.server.url}/api/trends`);
    expect(world.total).toBe(expected.accepted);
    const health = await getJson<{ ingested: number; skipped: Record<string, number> }>(`${embedded.server.url}/api/health`);
    expect(health.ingested).toBe(expected.accepted);
    expect(health.skipped).toEqual(expected.skipped);
    const source = embedded.producer.source;
    expect(isReplaySource(source) && { files: source.progress.filesDone, corrupt: source.progress.corrupt }).toEqual({ files: 4, corrupt: [] });
  });
});

describe('replaying the same archive as a tar through the embedded product', () => {
  const { expected } = replaySample();
  let dir: string;
  let embedded: Embedded;

  beforeAllOrFail(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trendmap-tar-replay-'));
    const tar = join(dir, 'twitter-stream-2014-06-12.tar');
    // Stored newest first, with the README: read oldest first, the README passed by.
    const members = ['2014/06/12/19/15.json', '2014/06/12/19/10.json.bz2', 'README.txt', '2014/06/12/19/05.json.gz', '2014/06/12/19/00.jsonl'];
    execFileSync('tar', ['-cf', tar, '-C', fixture('archive/good'), ...members]);
    embedded = await startEmbedded(configFor(['--source', 'replay', '--file', tar, '--speed', 'max']), { staticDir: null });
    expect((await embedded.producer.done).finished).toBe(true);
  });
  afterAll(async () => {
    await embedded?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('counts exactly what the directory counts, and reads its four members', async () => {
    await expectSampleCounts(embedded.server.url);
    const health = await getJson<{ ingested: number; skipped: Record<string, number> }>(`${embedded.server.url}/api/health`);
    expect(health).toMatchObject({ ingested: expected.accepted, skipped: expected.skipped });
    const source = embedded.producer.source;
    expect(
      isReplaySource(source) && { files: source.progress.filesDone, members: source.progress.membersRead, corrupt: source.progress.corrupt },
    ).toEqual({
      files: 1,
      members: 4,
      corrupt: [],
    });
  });
});

describe('the command line with an archive (the built `npm start`)', () => {
  beforeAllOrFail(async () => ensureBuild());
  const run = runStart;

  it('refuses an archive that matches nothing, before starting, with exit code 2', () => {
    const pattern = `${fixture('archive')}/none/**/*.json.bz2`;
    const glob = run(['--source', 'replay', '--file', pattern]);
    expect(glob.code).toBe(2);
    expect(glob.out).toContain(`trendmap: --file ${pattern}: the pattern matches no files\n`);
    expect(glob.out).not.toContain('live at');
    const missing = run(['--source', 'replay', '--file', fixture('archive/missing.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.out).toMatch(/missing.jsonl: no such file or directory/);
  });
});
