import { describe, expect, it } from 'vitest';
import { ProducerStats } from './pipeline';
import { ReplayProgress } from './archive/replay-progress';
import { formatBytes, formatDuration, progressLine, replayLine, replaySummary } from './progress';

function statsOf(read: number, accepted: number, skipped: Record<string, number>): ProducerStats {
  const stats = new ProducerStats();
  stats.read = read;
  stats.lines = read;
  stats.accepted = accepted;
  stats.published = accepted;
  for (const [reason, n] of Object.entries(skipped)) stats.skipped.add(reason as 'not_json', n);
  return stats;
}

describe('progress text', () => {
  it('keeps the one-line progress of any source', () => {
    expect(progressLine(statsOf(40, 34, { notice: 3, not_json: 3 }), 12.34)).toBe(
      '12.3 posts/s, 34 sent of 40 read; skipped 6 (notice 3, not_json 3)',
    );
    expect(progressLine(statsOf(0, 0, {}), null)).toBe('0 sent of 0 read; skipped 0');
  });

  it('counts as sent only what the bus took, and says how many accepted posts wait for it', () => {
    const stats = statsOf(40, 34, { notice: 6 });
    stats.published = 30;
    expect(progressLine(stats, null)).toBe('30 sent of 40 read; 4 waiting for the bus; skipped 6 (notice 6)');
  });

  it('says how many hashtags posts lost, by reason, when any did', () => {
    const stats = statsOf(40, 34, { no_hashtag: 6 });
    stats.droppedTags.add('invalid_hashtag', 9);
    stats.droppedTags.add('too_many_tags', 2);
    expect(progressLine(stats, null)).toBe('34 sent of 40 read; skipped 6 (no_hashtag 6); 11 hashtags dropped (invalid_hashtag 9, too_many_tags 2)');
  });

  it('says where a replay is, how fast it goes and when it will be done', () => {
    const progress = new ReplayProgress(120, 4 * 1024 ** 3);
    progress.start(0);
    progress.bytesRead = 1024 ** 3; // a quarter in 60 s: 180 s to go
    progress.filesDone = 30;
    progress.current = '2017/06/01/00/30.json.bz2';
    const line = replayLine(progress, statsOf(1_500_000, 20_000, { no_location: 1_400_000, notice: 80_000 }), 25_000.4, 60_000);
    expect(line).toBe(
      'replay: file 31/120 (2017/06/01/00/30.json.bz2), 1.0 GB of 4.0 GB (25.0%), 25,000 lines/s, 20,000 accepted, 1,480,000 skipped, ETA 3m 00s',
    );
  });

  it('says which member of a tar it reads, of how many, and how many were corrupt', () => {
    const progress = new ReplayProgress(1, 2 * 1024 ** 3);
    progress.start(0);
    progress.current = 'twitter-stream-2017-06-01.tar';
    progress.startMembers(1_440);
    for (let i = 0; i < 119; i += 1) progress.memberDone();
    progress.memberDone({ name: 'twitter-stream-2017-06-01.tar:2017/06/01/01/59.json.bz2', reason: 'bad bzip2 data (bad block CRC)' });
    progress.bytesRead = 1024 ** 3 / 6;
    const line = replayLine(progress, statsOf(1_000, 100, { notice: 900 }), 1_000, 60_000);
    expect(line).toBe(
      'replay: file 1/1 (twitter-stream-2017-06-01.tar), member 121/1440, 170.7 MB of 2.0 GB (8.3%), 1,000 lines/s, 100 accepted, 900 skipped, 1 corrupt tar members, ETA 11m 00s',
    );
    progress.markCorrupt('other.tar', 'bad tar data (truncated at byte 1024)');
    progress.filesDone = 1;
    progress.finish(60_000);
    expect(replaySummary(progress, statsOf(1_000, 100, { notice: 900 }), 60_000)[0]).toBe(
      'replay stopped: 1 of 1 files read (170.7 MB), 1 of them corrupt; 120 tar members read, 1 of them corrupt',
    );
  });

  it('sums a replay up: files, corrupt ones by name, lines, skips by reason, pace', () => {
    const progress = new ReplayProgress(4, 2_048);
    progress.start(1_000);
    progress.bytesRead = 2_048;
    progress.filesDone = 4;
    progress.markCorrupt('b.json.gz', 'bad gzip data (incorrect header check)');
    progress.notes.push('c.tgz: members read in stored order, not name order (in name order they would take 9 passes over the file)');
    progress.finish(11_000);
    const stats = statsOf(1_000, 600, { not_json: 2, line_too_long: 2, notice: 396 });
    stats.finished = true;
    expect(replaySummary(progress, stats, 99_000)).toEqual([
      'replay finished: 4 of 4 files read (2.0 KB), 1 of them corrupt',
      '  1,000 lines in 10.0s = 100 lines/s',
      '  accepted 600; skipped 400 (not_json 2, line_too_long 2, notice 396)',
      '  2 lines longer than the limit were skipped unread (line_too_long; the limit is 1.0 MB)',
      '  note: c.tgz: members read in stored order, not name order (in name order they would take 9 passes over the file)',
      '  corrupt: b.json.gz: bad gzip data (incorrect header check)',
    ]);
  });

  it('says one line too long in the singular', () => {
    const stats = statsOf(1, 0, { line_too_long: 1 });
    expect(replaySummary(new ReplayProgress(1, 10), stats, 0)).toContain(
      '  1 line longer than the limit was skipped unread (line_too_long; the limit is 1.0 MB)',
    );
  });

  it('says how many posts lines held where pages did, and the errors the API listed', () => {
    const stats = statsOf(1_000, 600, { notice: 400 });
    stats.lines = 20;
    stats.apiErrors.add('resource-not-found', 3);
    stats.apiErrors.add('other');
    const summary = replaySummary(new ReplayProgress(1, 10), stats, 0);
    expect(summary[1]).toBe('  20 lines holding 1,000 posts and other inputs (a page or a list holds several) in 0.0s = 0 lines/s');
    expect(summary[2]).toBe('  accepted 600; skipped 400 (notice 400); 4 API errors (resource-not-found 3, other 1)');
    expect(progressLine(stats, null)).toBe('600 sent of 1000 read; skipped 400 (notice 400); 4 API errors (resource-not-found 3, other 1)');
  });

  it('says what the map counted of the accepted posts, when it knows', () => {
    const stats = statsOf(40, 34, { notice: 6 });
    expect(replaySummary(new ReplayProgress(1, 10), stats, 0, { counted: 29, skipped: { duplicate: 4, stale: 1 } }).at(-1)).toBe(
      '  the map counted 29 of the 34 accepted; not counted 5 (duplicate 4, stale 1)',
    );
    expect(replaySummary(new ReplayProgress(1, 10), stats, 0, { counted: 34, skipped: {} }).at(-1)).toBe('  the map counted 34 of the 34 accepted');
    expect(replaySummary(new ReplayProgress(1, 10), stats, 0).at(-1)).toBe('  accepted 34; skipped 6 (notice 6)');
  });

  it('formats durations and sizes', () => {
    expect(formatDuration(12.34)).toBe('12.3s');
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(3_725)).toBe('1h 02m');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.5 MB');
  });
});
