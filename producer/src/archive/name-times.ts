/**
 * The time an archive file's name says it covers, so that a date range (`--from`, `--to`) can pass over whole
 * files (and tar members) without decoding them: the Internet Archive's Stream Grab names a minute
 * (`2017/06/01/00/05.json.bz2`), daily and monthly archives a day or a month (`twitter-stream-2017-06-01.tar`,
 * `archiveteam-twitter-stream-2017-06.tar`). Pure: names in, spans out.
 *
 * A name tells when a file was written, not when each of its posts was created: a stream file holds posts of
 * the seconds before it was cut, and a collector's clock or zone may be off. So a file is passed over only when
 * its span, widened by `NAME_SLACK_MS` each way, misses the range; the posts of the files read are still
 * checked one by one against the range.
 */
import type { TimeRange } from '../../../common/node/time-range';

/** How far a file's posts may lie outside the span its name says, in ms. */
export const NAME_SLACK_MS = 60 * 60_000;

/** A span of time, in ms since the epoch: `startMs` included, `endMs` not. */
export interface Span {
  startMs: number;
  endMs: number;
}

/**
 * Year, month and optionally day (the same separator between the three), then hour and minute: `2017/06/01/00/05`,
 * `2017-06-01T00-05`, `2017_06_01`, `2017-06`. Not part of a longer run of digits.
 */
const DATED =
  /(?<![0-9])((?:19|20)[0-9]{2})([-_/])(0[1-9]|1[0-2])(?:\2(0[1-9]|[12][0-9]|3[01])(?:[-_/T]([01][0-9]|2[0-3])(?:[-_/:]?([0-5][0-9]))?)?)?(?![0-9])/g;

/**
 * The span a path's name covers, from the last date in it (the most specific part of a path comes last:
 * `archive-2023/2017/06/01/00/05.json.bz2` is June 1st 2017, 00:05); null when it names none.
 */
export function spanOfName(path: string): Span | null {
  let last: RegExpExecArray | null = null;
  for (const match of path.matchAll(DATED)) last = match;
  if (last === null) return null;
  const [, y, , mo, d, h, mi] = last;
  const year = Number(y);
  const month = Number(mo) - 1;
  if (d === undefined) return { startMs: Date.UTC(year, month, 1), endMs: Date.UTC(year, month + 1, 1) };
  const day = Number(d);
  // The 31st of a 30-day month (2017/06/31) is a name, not a date: it covers nothing we can say.
  if (new Date(Date.UTC(year, month, day)).getUTCMonth() !== month) return null;
  if (h === undefined) return { startMs: Date.UTC(year, month, day), endMs: Date.UTC(year, month, day + 1) };
  if (mi === undefined) return { startMs: Date.UTC(year, month, day, Number(h)), endMs: Date.UTC(year, month, day, Number(h) + 1) };
  const startMs = Date.UTC(year, month, day, Number(h), Number(mi));
  return { startMs, endMs: startMs + 60_000 };
}

/** Whether a file of this name may hold posts in `range` (always, when its name says no time). */
export function mayHold(path: string, range: TimeRange): boolean {
  const span = spanOfName(path);
  return span === null || (span.startMs - NAME_SLACK_MS < range.toMs && span.endMs + NAME_SLACK_MS > range.fromMs);
}
