import { describe, expect, it } from 'vitest';
import { ReplayProgress } from './replay-progress';

describe('ReplayProgress', () => {
  it('works out the share read and the time left from compressed bytes at the average pace', () => {
    const progress = new ReplayProgress(4, 1_000);
    expect(progress.fraction).toBe(0);
    expect(progress.etaS(5_000)).toBeNull(); // not started
    progress.start(1_000);
    expect(progress.etaS(1_000)).toBeNull(); // no pace yet
    progress.bytesRead = 250;
    progress.fileDone();
    // 250 bytes in 10 s: 750 left take 30 s.
    expect(progress.elapsedS(11_000)).toBe(10);
    expect(progress.etaS(11_000)).toBe(30);
    expect(progress.fraction).toBe(0.25);
    progress.bytesRead = 1_000;
    progress.filesDone = 4;
    progress.finish(21_000);
    expect(progress.etaS(99_000)).toBe(0);
    expect(progress.elapsedS(99_000)).toBe(20); // frozen at the end
    expect(progress.current).toBeNull();
  });

  it('counts an empty archive as read, and never more than all of it', () => {
    expect(new ReplayProgress(0, 0).fraction).toBe(1);
    const grown = new ReplayProgress(1, 100);
    grown.bytesRead = 150; // the file grew while it was read
    expect(grown.fraction).toBe(1);
    grown.start(0);
    expect(grown.etaS(1_000)).toBe(0);
  });

  it('keeps the corrupt files in the order found', () => {
    const progress = new ReplayProgress(3, 30);
    progress.markCorrupt('a.gz', 'bad gzip data (incorrect header check)');
    progress.markCorrupt('b.bz2', 'bad bzip2 data (Boom.)');
    expect(progress.corrupt.map((c) => c.name)).toEqual(['a.gz', 'b.bz2']);
  });
});
