import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled } from '../../../test/settled';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { EventMessage, EventPublisher } from '../../../common/node/bus/bus';
import { NO_STATUS } from '../test-publisher';
import { archiveFiles } from '../archive/archive-files';
import { LINE_TOO_LONG } from '../archive/line-splitter';
import { SkipCounter } from '../../../common/browser/skip-reasons';
import { createCountryLookup } from '../normalise/country-lookup';
import { normaliseLine, resultsOf } from '../normalise/normalise';
import { runPipeline } from '../pipeline';
import { BATCH_CHARS, BATCH_LINES, replaySource, type ReplaySource } from './replay';
import { SyntheticWorld } from './synthetic-world';

const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));
const lookup = createCountryLookup();
const sampleLines = readFileSync(fixture('replay-sample.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l !== '');

async function readAll(source: ReplaySource): Promise<unknown[]> {
  const lines: unknown[] = [];
  for await (const batch of source.read(new AbortController().signal)) lines.push(...batch);
  return lines;
}

/** Replays through the real pipeline into a publisher that only counts. */
async function replay(file: string) {
  const source = replaySource({ file });
  let published = 0;
  const publisher: EventPublisher = {
    ...NO_STATUS,
    publish: async (messages: EventMessage[]) => void (published += messages.length),
    close: async () => {},
  };
  const stats = await runPipeline({ source, publisher, lookup, speed: { kind: 'max' }, signal: new AbortController().signal });
  return { stats, progress: source.progress, published };
}

describe('replaySource', () => {
  it('reads a directory of plain, .gz and .bz2 files in name order, as the lines of the one file they were cut from', async () => {
    const source = replaySource({ file: fixture('archive/good') });
    expect(source.progress.filesTotal).toBe(4); // README.txt and .DS_Store are not archive files
    expect(await readAll(source)).toEqual(sampleLines);
    expect(source.progress.filesDone).toBe(4);
    expect(source.progress.bytesRead).toBe(source.progress.bytesTotal);
    expect(source.progress.corrupt).toEqual([]);
    expect(source.progress.finishedAt).not.toBeNull();
  });

  it('decodes gzip and bzip2 by the ending', async () => {
    expect(await readAll(replaySource({ file: fixture('archive/good/2014/06/12/19/05.json.gz') }))).toEqual(sampleLines.slice(10, 20));
    expect(await readAll(replaySource({ file: fixture('archive/good/2014/06/12/19/10.json.bz2') }))).toEqual(sampleLines.slice(20, 30));
  });

  it('reports a corrupt .gz and a corrupt .bz2, skips them, and counts every post of the other files', async () => {
    const damaged = await replay(fixture('archive/corrupt'));
    // The two good files of that directory are compressed copies of these two.
    const v1 = await replay(fixture('v1-statuses.jsonl'));
    const v2 = await replay(fixture('v2-envelopes.jsonl'));
    expect(damaged.stats.finished).toBe(true);
    expect(damaged.stats.read).toBe(v1.stats.read + v2.stats.read);
    expect(damaged.stats.accepted).toBe(v1.stats.accepted + v2.stats.accepted);
    expect(damaged.published).toBe(damaged.stats.accepted);
    expect(damaged.stats.skipped.total).toBe(v1.stats.skipped.total + v2.stats.skipped.total);
    expect(damaged.progress.filesDone).toBe(4);
    expect(damaged.progress.corrupt).toEqual([
      { name: '3-bad-header.json.gz', reason: 'bad gzip data (incorrect header check)' },
      { name: '4-bad-block.json.bz2', reason: expect.stringMatching(/^bad bzip2 data \(.+\)$/) },
    ]);
  });

  it('keeps the lines read before a truncated file fails', async () => {
    const source = replaySource({ file: fixture('archive/truncated/posts.json.gz') });
    const lines = await readAll(source);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(sampleLines.length);
    expect(lines).toEqual(sampleLines.slice(0, lines.length));
    expect(source.progress.corrupt).toEqual([{ name: expect.stringContaining('posts.json.gz'), reason: 'bad gzip data (unexpected end of file)' }]);
  });

  describe('on generated files', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'trendmap-replay-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('skips a line over 1 MB as line_too_long, and counts it as read', async () => {
      const file = join(dir, 'long.jsonl');
      writeFileSync(file, `${sampleLines[0]}\n{"text":"${'x'.repeat(2 * 1024 * 1024)}"}\n${sampleLines[2]}\n`);
      const { stats } = await replay(file);
      const others = new SkipCounter();
      for (const line of [sampleLines[0], sampleLines[2]]) {
        for (const result of resultsOf(normaliseLine(line, lookup))) if (!result.ok) others.add(result.reason);
      }
      expect(stats.read).toBe(3);
      expect(stats.skipped.toJSON()).toEqual({ ...others.toJSON(), line_too_long: 1 });
      expect(stats.accepted + stats.skipped.total).toBe(stats.read);
      expect(await readAll(replaySource({ file }))).toEqual([sampleLines[0], LINE_TOO_LONG, sampleLines[2]]);
    });

    it('hands lines on in batches of at most BATCH_LINES, however many a chunk holds', async () => {
      const file = join(dir, 'tiny.jsonl');
      writeFileSync(file, '{}\n'.repeat(50_000));
      const sizes: number[] = [];
      for await (const batch of replaySource({ file }).read(new AbortController().signal)) sizes.push(batch.length);
      expect(Math.max(...sizes)).toBe(BATCH_LINES);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(50_000);
    });

    it('ends a batch once it holds BATCH_CHARS of text, so that long lines are not held 256 at a time', async () => {
      const file = join(dir, 'long-lines.jsonl.gz');
      const line = `{"text":"${'x'.repeat(100_000)}"}`;
      writeFileSync(file, gzipSync(`${line}\n`.repeat(300)));
      const sizes: number[] = [];
      for await (const batch of replaySource({ file }).read(new AbortController().signal)) {
        // Every line but the last of a batch was taken while it held less than BATCH_CHARS.
        const before = batch.slice(0, -1).reduce((sum, l) => sum + (typeof l === 'string' ? l.length : 0), 0);
        expect(before).toBeLessThan(BATCH_CHARS);
        sizes.push(batch.length);
      }
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(300);
      expect(Math.max(...sizes)).toBe(Math.ceil(BATCH_CHARS / line.length));
    });

    it('reports a file that disappears before it is read, and goes on', async () => {
      const sub = mkdtempSync(join(dir, 'gone-'));
      writeFileSync(join(sub, 'a.jsonl'), `${sampleLines[0]}\n`);
      writeFileSync(join(sub, 'b.jsonl'), `${sampleLines[1]}\n`);
      const archive = archiveFiles(sub);
      rmSync(join(sub, 'a.jsonl'));
      const source = replaySource({ file: sub, archive });
      expect(await readAll(source)).toEqual([sampleLines[1]]);
      expect(source.progress.corrupt).toEqual([{ name: 'a.jsonl', reason: 'cannot read (ENOENT)' }]);
    });

    it('stops part-way through a tar when the pipeline stops, and reads a directory of tars', async () => {
      const sub = mkdtempSync(join(dir, 'tars-'));
      mkdirSync(join(sub, 'm'));
      writeFileSync(join(sub, 'm/00.json'), '{}\n'.repeat(100_000));
      writeFileSync(join(sub, 'm/01.json.gz'), gzipSync(`${sampleLines.join('\n')}\n`));
      execFileSync('tar', ['-cf', join(sub, 'a.tar'), '-C', sub, 'm/01.json.gz', 'm/00.json']);
      execFileSync('tar', ['-czf', join(sub, 'b.tgz'), '-C', sub, 'm/01.json.gz', 'm/00.json']);
      for (const file of ['a.tar', 'b.tgz']) {
        const iterator = replaySource({ file: join(sub, file) })
          .read(new AbortController().signal)
          [Symbol.asyncIterator]();
        expect((await iterator.next()).value).toEqual(Array(BATCH_LINES).fill('{}'));
        expect(await iterator.return?.()).toEqual({ done: true, value: undefined });
      }
      rmSync(join(sub, 'm'), { recursive: true });
      const both = replaySource({ file: sub });
      expect(both.progress.filesTotal).toBe(2);
      const lines = await readAll(both);
      expect(lines).toHaveLength(2 * (100_000 + sampleLines.length));
      expect(lines.slice(-sampleLines.length)).toEqual(sampleLines);
      expect({ members: both.progress.membersRead, corrupt: both.progress.corrupt }).toEqual({ members: 4, corrupt: [] });
    });

    it('reads only as far ahead as the lines are taken, through each decompressor', async () => {
      const world = new SyntheticWorld({ seed: 9 });
      const t0 = Date.UTC(2023, 0, 1);
      // Each post padded with 440 characters that do not compress (hashes), so that the .bz2 (about 8 MB) is
      // several times what its decoding thread may be sent ahead (INPUT_AHEAD_BYTES, 1.25 MB).
      const pad = (i: number) => Array.from({ length: 10 }, (_, k) => createHash('sha256').update(`${i}:${k}`).digest('base64')).join('');
      const text = Array.from({ length: 16_000 }, (_, i) => JSON.stringify({ ...world.next(t0 + i * 100), pad: pad(i) })).join('\n');
      writeFileSync(join(dir, 'big.jsonl'), text);
      writeFileSync(join(dir, 'big.json.gz'), gzipSync(text));
      // 100 KB blocks (-1): the bzip2 decoder waits for a worst-case block of compressed bytes before it
      // decodes one (25 KB + 100 KB × the level).
      execFileSync('bzip2', ['-k', '-1', join(dir, 'big.jsonl')]);
      for (const name of ['big.jsonl', 'big.json.gz', 'big.jsonl.bz2']) {
        const source = replaySource({ file: join(dir, name) });
        const iterator = source.read(new AbortController().signal)[Symbol.asyncIterator]();
        const first = await iterator.next();
        expect(first.done).toBe(false);
        // Let the streams read ahead as far as they would: until they stop, not for a set time.
        await settled(() => source.progress.bytesRead, { polls: 10, everyMs: 20 });
        const ahead = source.progress.bytesRead / source.progress.bytesTotal;
        expect(ahead, name).toBeLessThan(0.5);
        await iterator.return?.();
      }
    });
  });
});
