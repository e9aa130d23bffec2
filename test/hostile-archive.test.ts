/**
 * End to end, as `npm start -- --source replay --file <directory> --speed max` runs it: an archive holding
 * a bzip2 bomb (800 bytes that expand to 3 million `{}` lines), a gzip file with two lines far over the line
 * limit (one of them never ended), a corrupt file and the replay sample. Every line is counted under its
 * exact reason, and `/api/health` keeps answering, with counts that move, while the bomb is decoded in
 * the same process. Memory and answer times are measured by `npm run bench -- hostile`, not asserted here.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAllOrFail, configFor, fixture, replaySample } from './helpers';
import { compressRepeated, repeatStreams } from './archive-bombs';
import { startEmbedded, type Embedded } from '../app/embedded';
import { isReplaySource } from '../producer/src/sources/replay';
import { createCountryLookup } from '../producer/src/normalise/country-lookup';
import { normaliseLine, resultsOf } from '../producer/src/normalise/normalise';
import { MAX_LINE_BYTES } from '../producer/src/archive/line-splitter';
import { SkipCounter, type SkipCounts } from '../common/browser/skip-reasons';

/** The bomb: '{}\n' × 300,000 as one bzip2 stream (one 900 KB block), ten times over. */
const BOMB_COPIES = 10;
const BOMB_LINES = 300_000 * BOMB_COPIES;
/** Lines of the file with long lines: a post-like line, one too long, '{}', and one too long without an end. */
const LONG_FILE_LINES = ['{"a":1}', 'x'.repeat(3 * MAX_LINE_BYTES), '{}', 'y'.repeat(20 * MAX_LINE_BYTES)];

interface Health {
  ingested: number;
  skipped: SkipCounts;
}

describe('replaying a hostile archive through the embedded product', () => {
  const { expected } = replaySample();
  let dir: string;
  let embedded: Embedded;
  /** Every `unknown_shape` count /api/health gave while the replay ran, in order. */
  const seen: number[] = [];

  beforeAllOrFail(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trendmap-hostile-'));
    copyFileSync(fixture('replay-sample.jsonl'), join(dir, '1-sample.jsonl'));
    writeFileSync(join(dir, '2-bomb.json.bz2'), repeatStreams(await compressRepeated('bzip2', '{}\n', 900_000), BOMB_COPIES));
    writeFileSync(join(dir, '3-long.json.gz'), gzipSync(LONG_FILE_LINES.join('\n')));
    copyFileSync(fixture('archive/corrupt/4-bad-block.json.bz2'), join(dir, '4-corrupt.json.bz2'));

    // No request budget: this client asks as fast as it is answered, for as long as the replay takes.
    const config = configFor(['--source', 'replay', '--file', dir, '--speed', 'max'], { API_RATE_LIMIT: '0' });
    embedded = await startEmbedded(config, { staticDir: null });
    let finished = false;
    const done = embedded.producer.done.finally(() => (finished = true));
    // Asks for /api/health over and over while the replay runs in this same process.
    while (!finished) {
      const health = (await (await fetch(`${embedded.server.url}/api/health`)).json()) as Health;
      if (!finished) seen.push(health.skipped.unknown_shape ?? 0);
    }
    expect((await done).finished).toBe(true);
  }, 240_000);
  afterAll(async () => {
    await embedded?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('counts every line under its exact reason, the long ones as line_too_long', async () => {
    const lookup = createCountryLookup();
    const small = new SkipCounter();
    for (const line of ['{}', LONG_FILE_LINES[0]]) {
      for (const result of resultsOf(normaliseLine(line, lookup))) if (!result.ok) small.add(result.reason);
    }
    const want: Record<string, number> = { ...expected.skipped };
    for (const [reason, n] of Object.entries({
      ...small.toJSON(),
      unknown_shape: (small.toJSON().unknown_shape ?? 0) + BOMB_LINES,
      line_too_long: 2,
    })) {
      want[reason] = (want[reason] ?? 0) + n;
    }
    const health = (await (await fetch(`${embedded.server.url}/api/health`)).json()) as Health;
    expect(health.ingested).toBe(expected.accepted);
    expect(health.skipped).toEqual(want);
    const stats = embedded.producer.stats;
    expect(stats.read).toBe(stats.accepted + stats.skipped.total);
    expect(stats.read).toBe(40 + BOMB_LINES + LONG_FILE_LINES.length);
  });

  it('reports the corrupt file and reads the others to their end', () => {
    const source = embedded.producer.source;
    expect(isReplaySource(source)).toBe(true);
    if (!isReplaySource(source)) return;
    expect(source.progress.filesDone).toBe(4);
    expect(source.progress.corrupt).toEqual([{ name: '4-corrupt.json.bz2', reason: expect.stringMatching(/^bad bzip2 data \(.+\)$/) }]);
  });

  it('kept answering /api/health while the bomb was decoded, with counts that moved', () => {
    // Answers given part-way through the bomb: more than none and fewer than all of its lines counted.
    const during = new Set(seen.filter((n) => n > 0 && n < BOMB_LINES));
    expect(during.size).toBeGreaterThanOrEqual(3);
  });
});
