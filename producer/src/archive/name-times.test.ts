import { describe, expect, it } from 'vitest';
import { mayHold, NAME_SLACK_MS, spanOfName } from './name-times';

const span = (start: number, lengthMs: number) => ({ startMs: start, endMs: start + lengthMs });
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('the time a file name covers (the Stream Grab layouts only)', () => {
  it('reads a Stream Grab file or member to the minute, its daily and monthly archives to the day and month', () => {
    expect(spanOfName('/data/grab/2017/06/01/00/05.json.bz2')).toEqual(span(Date.UTC(2017, 5, 1, 0, 5), MINUTE));
    expect(spanOfName('2017/06/01/23/59.json.gz')).toEqual(span(Date.UTC(2017, 5, 1, 23, 59), MINUTE));
    expect(spanOfName('2011/09/27/00/00.json')).toEqual(span(Date.UTC(2011, 8, 27), MINUTE));
    expect(spanOfName('/archive/twitter-stream-2017-06-01.tar')).toEqual(span(Date.UTC(2017, 5, 1), DAY));
    expect(spanOfName('twitter_stream_2012_01_01.tar.gz')).toEqual(span(Date.UTC(2012, 0, 1), DAY));
    expect(spanOfName('archiveteam-twitter-stream-2017-06.tar')).toEqual(span(Date.UTC(2017, 5, 1), 30 * DAY));
    expect(spanOfName('archiveteam-twitter-stream-2012-12.zip')).toEqual(span(Date.UTC(2012, 11, 1), 31 * DAY));
  });

  it('says nothing of any other name, whatever dates it holds', () => {
    for (const name of [
      'posts.jsonl',
      // Named after the day it was collected, above a search reaching back years.
      '/tmp/collected-2023-05-10/search.jsonl',
      'tweets-2017-06-01-10.jsonl', // 10: a part number, not an hour
      '2017-06-01.jsonl',
      '2017/06/01/00.json.bz2',
      '2017/06/01/00/05.txt',
      '/twitter-stream-2017-06-01/posts.jsonl', // the archive's name on a folder: its files may be anything
      '2017/06/31/00/00.json.bz2',
      'twitter-stream-2017-06-31.tar',
      'twitter-stream-2017-06-011.tar',
    ]) {
      expect(spanOfName(name), name).toBeNull();
    }
  });

  it('passes over a file only when its span, an hour wider each way, misses the range', () => {
    const day = { fromMs: Date.UTC(2017, 5, 2), toMs: Date.UTC(2017, 5, 3) };
    expect(mayHold('2017/06/02/12/00.json.bz2', day)).toBe(true);
    // Within the slack: the minute before the range, and the last minute of the hour after it.
    expect(mayHold('2017/06/01/23/59.json.bz2', day)).toBe(true);
    expect(mayHold('2017/06/03/00/59.json.bz2', day)).toBe(true);
    expect(mayHold('2017/06/01/22/58.json.bz2', day)).toBe(false);
    expect(mayHold('2017/06/03/01/00.json.bz2', day)).toBe(false);
    expect(mayHold('twitter-stream-2017-06-04.tar', day)).toBe(false);
    expect(mayHold('twitter-stream-2017-06-03.tar', day)).toBe(true);
    expect(mayHold('archiveteam-twitter-stream-2017-06.tar', day)).toBe(true);
    expect(mayHold('archiveteam-twitter-stream-2017-07.tar', day)).toBe(false);
    expect(mayHold('/tmp/collected-2023-05-10/search.jsonl', day)).toBe(true);
    expect(NAME_SLACK_MS).toBe(HOUR);
  });
});
