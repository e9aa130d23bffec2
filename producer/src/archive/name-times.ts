/**
 * The time an archive file's name says it covers, so that a date range (`--from`, `--to`) can pass over whole
 * files (and tar members) without decoding them, where the layout allows it: the Internet Archive's Stream Grab
 * names a minute (`2017/06/01/00/05.json.bz2`), its daily and monthly archives a day or a month
 * (`twitter-stream-2017-06-01.tar`, `archiveteam-twitter-stream-2017-06.tar`), all in UTC. Pure: names in,
 * spans out.
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

/** A Stream Grab file or tar member: `…/YYYY/MM/DD/HH/MM.json`, `.json.bz2` or `.json.gz`, a minute of the stream. */
const STREAM_GRAB_FILE =
  /(?:^|\/)((?:19|20)[0-9]{2})\/(0[1-9]|1[0-2])\/(0[1-9]|[12][0-9]|3[01])\/([01][0-9]|2[0-3])\/([0-5][0-9])\.json(?:\.bz2|\.gz)?$/i;

/**
 * A Stream Grab archive: `twitter-stream-2017-06-01.tar`, `twitter_stream_2012_01_01.tar`,
 * `archiveteam-twitter-stream-2017-06.tar` (or `.zip`, `.tar.gz`): a day, or a month. Only the file's own name,
 * not the folders above it.
 */
const STREAM_GRAB_ARCHIVE = /twitter[-_]stream[-_]((?:19|20)[0-9]{2})([-_])(0[1-9]|1[0-2])(?:\2(0[1-9]|[12][0-9]|3[01]))?(?![-_]?[0-9])[^/]*$/i;

/**
 * The span a path's name covers, in the Internet Archive's Stream Grab layouts only; null for any other name,
 * whatever dates it holds. A date in another name may say anything (when it was collected, a part number, a
 * local day), and a file passed over is lost to the replay, while one read needlessly costs only time.
 */
export function spanOfName(path: string): Span | null {
  const minute = STREAM_GRAB_FILE.exec(path);
  if (minute !== null) {
    const [, y, mo, d, h, mi] = minute;
    const startMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
    // The 31st of a 30-day month is a name, not a date: it covers nothing we can say.
    return new Date(startMs).getUTCDate() === Number(d) ? { startMs, endMs: startMs + 60_000 } : null;
  }
  const archive = STREAM_GRAB_ARCHIVE.exec(path);
  if (archive === null) return null;
  const [, y, , mo, d] = archive;
  const year = Number(y);
  const month = Number(mo) - 1;
  if (d === undefined) return { startMs: Date.UTC(year, month, 1), endMs: Date.UTC(year, month + 1, 1) };
  const startMs = Date.UTC(year, month, Number(d));
  return new Date(startMs).getUTCMonth() === month ? { startMs, endMs: Date.UTC(year, month, Number(d) + 1) } : null;
}

/** Whether a file of this name may hold posts in `range` (always, when its name says no time). */
export function mayHold(path: string, range: TimeRange): boolean {
  const span = spanOfName(path);
  return span === null || (span.startMs - NAME_SLACK_MS < range.toMs && span.endMs + NAME_SLACK_MS > range.fromMs);
}
