/**
 * End to end, `npm start -- --source replay --file <Stream Grab layout> --from 2017-06-02 --to 2017-06-03`:
 * only the posts created that day are counted, the others read are skipped as `out_of_range`, and files whose
 * names put them more than an hour outside the day are not read at all (one of them is not even valid gzip: it
 * would be reported corrupt if it were opened); nor are the members of a tar whose names put them outside it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { beforeAllOrFail, configFor, getJson, tempDirs } from './helpers';
import { startEmbedded, type Embedded } from '../app/embedded';
import { isReplaySource } from '../producer/src/sources/replay';
import { replaySummary } from '../producer/src/progress';
import type { HealthResponse } from '../common/browser/api';

const tempDir = tempDirs('range', afterAll);
let nextId = 1_635_573_202_398_400_000n;

/** A geotagged v2 post with #range, created at `iso`. */
function post(iso: string): string {
  nextId += 1n;
  return JSON.stringify({
    data: {
      id: String(nextId),
      text: '#range',
      created_at: iso,
      entities: { hashtags: [{ start: 0, end: 6, tag: 'range' }] },
      geo: { coordinates: { type: 'Point', coordinates: [2.35, 48.85] } },
    },
  });
}

function archive(): string {
  // A date in a folder above the archive, or in a name of another layout, says nothing of its posts.
  const dir = join(tempDir(), 'collected-2023-05-10');
  const write = (name: string, content: string | Buffer) => {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  };
  const lines = (...times: string[]) => times.map(post).join('\n') + '\n';
  // More than an hour before the day: not read.
  write('2017/06/01/12/00.json', lines('2017-06-01T11:59:30.000Z', '2017-06-01T12:00:10.000Z'));
  write('2017/06/01/22/00.json.gz', Buffer.from('not gzip at all'));
  // The minute before the day: read; its last post is the day's first moment (--from is inclusive).
  write('2017/06/01/23/59.json', lines('2017-06-01T23:59:10.000Z', '2017-06-01T23:59:59.999Z', '2017-06-02T00:00:00.000Z'));
  write('2017/06/02/12/00.json.gz', gzipSync(lines('2017-06-02T11:59:58.000Z', '2017-06-02T12:00:01.000Z', '2017-06-02T12:00:30.000Z')));
  // The first minute after the day: read; --to is exclusive.
  write('2017/06/03/00/00.json', lines('2017-06-02T23:59:59.999Z', '2017-06-03T00:00:00.000Z'));
  // More than an hour after: not read.
  write('2017/06/03/05/00.json', lines('2017-06-03T05:00:00.000Z'));
  // A name without a date: read, its posts checked one by one.
  write('undated.jsonl', lines('2017-05-31T00:00:00.000Z', '2017-06-02T08:00:00.000Z', '2017-06-04T00:00:00.000Z'));
  write('search-2017-06-05.jsonl', lines('2017-06-02T09:00:00.000Z'));
  // A tar of Stream Grab members, passed over by their own names: one of them is not valid bzip2 either.
  const members = tempDir();
  const member = (name: string, content: string | Buffer) => {
    mkdirSync(dirname(join(members, name)), { recursive: true });
    writeFileSync(join(members, name), content);
  };
  member('2017/06/01/10/00.json.bz2', Buffer.from('not bzip2 at all'));
  member('2017/06/02/13/00.json', lines('2017-06-02T13:00:00.000Z'));
  member('2017/06/03/02/00.json', lines('2017-06-03T02:00:00.000Z'));
  execFileSync('tar', ['-cf', join(dir, 'grab.tar'), '-C', members, '2017']);
  rmSync(members, { recursive: true });
  return dir;
}

describe('replaying one day of an archive (--from, --to)', () => {
  let embedded: Embedded;

  beforeAllOrFail(async () => {
    const args = ['--source', 'replay', '--file', archive(), '--speed', 'max', '--from', '2017-06-02', '--to', '2017-06-03'];
    embedded = await startEmbedded(configFor(args), { staticDir: null });
    expect((await embedded.producer.done).finished).toBe(true);
  });
  afterAll(async () => embedded?.close());

  it('counts the posts created that day, and only those', async () => {
    const stats = embedded.producer.stats;
    // In: 00:00:00.000 of the 2nd, the three of 12:00, 23:59:59.999, the undated file's 08:00, search-…'s 09:00,
    // the tar's 13:00.
    expect([stats.read, stats.accepted, stats.skipped.toJSON()]).toEqual([13, 8, { out_of_range: 5 }]);
    const health = await getJson<HealthResponse>(`${embedded.server.url}/api/health`);
    expect([health.ingested, health.skipped]).toEqual([8, { out_of_range: 5 }]);
  });

  it('does not open the files whose names put them outside the day', () => {
    const source = embedded.producer.source;
    if (!isReplaySource(source)) throw new Error('not a replay');
    const { progress } = source;
    expect([progress.filesDone, progress.filesTotal, progress.outsideRange, progress.corrupt]).toEqual([6, 6, 3, []]);
    expect([progress.membersRead, progress.membersOutsideRange]).toEqual([1, 2]);
    const { engine } = embedded.server;
    expect(replaySummary(progress, embedded.producer.stats, Date.now(), { counted: engine.acceptedCount, skipped: engine.skips() }).slice(2)).toEqual(
      [
        '  accepted 8; skipped 5 (out_of_range 5)',
        '  the map counted 8 of the 8 accepted',
        '  3 files and 2 tar members were not read: their names put them outside --from/--to',
      ],
    );
  });
});
