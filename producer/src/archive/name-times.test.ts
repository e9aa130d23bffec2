import { describe, expect, it } from 'vitest';
import { mayHold, NAME_SLACK_MS, spanOfName } from './name-times';

const span = (start: number, lengthMs: number) => ({ startMs: start, endMs: start + lengthMs });
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('the time a file name covers', () => {
  it('reads the Stream Grab layout to the minute, daily and monthly archives to the day and month', () => {
    expect(spanOfName('/data/grab/2017/06/01/00/05.json.bz2')).toEqual(span(Date.UTC(2017, 5, 1, 0, 5), MINUTE));
    expect(spanOfName('twitter-stream-2017-06-01.tar')).toEqual(span(Date.UTC(2017, 5, 1), DAY));
    expect(spanOfName('archiveteam-twitter-stream-2017-06.tar')).toEqual(span(Date.UTC(2017, 5, 1), 30 * DAY));
    expect(spanOfName('2012-12.zip')).toEqual(span(Date.UTC(2012, 11, 1), 31 * DAY));
    expect(spanOfName('tweets_2020_03_15T13.jsonl')).toEqual(span(Date.UTC(2020, 2, 15, 13), HOUR));
    expect(spanOfName('2020-03-15T13:45.jsonl')).toEqual(span(Date.UTC(2020, 2, 15, 13, 45), MINUTE));
  });

  it('takes the last date of a path, the most specific part', () => {
    expect(spanOfName('/backup-2023-01-05/grab/2017/06/01/00/05.json.bz2')).toEqual(span(Date.UTC(2017, 5, 1, 0, 5), MINUTE));
  });

  it('says nothing for names without a date, or with one that does not exist', () => {
    for (const name of ['posts.jsonl', 'sample-42.json.gz', '2017/13/01.json', '2017-06-31.json', '12017-06-01.json']) {
      expect(spanOfName(name), name).toBeNull();
    }
    // What cannot be read to the day is read to the month: wider, never wrong.
    for (const name of ['2017-06/01.json', '2017-06-011.json']) expect(spanOfName(name), name).toEqual(span(Date.UTC(2017, 5, 1), 30 * DAY));
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
    expect(mayHold('archiveteam-twitter-stream-2017-06.tar', day)).toBe(true);
    expect(mayHold('posts.jsonl', day)).toBe(true);
    expect(NAME_SLACK_MS).toBe(HOUR);
  });
});
