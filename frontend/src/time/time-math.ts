/**
 * The arithmetic of the time control, pure and clock-free: moments are ms since the epoch (UTC), history is
 * answered by the hour, so every moment the page asks for is a whole hour (`floorHour`). The URL holds a
 * moment as ISO 8601 UTC to the minute (`2026-11-20T18:00Z`), and reads ms since the epoch too; the page
 * shows it in the reader's time zone.
 */
import type { HistoryResponse, ResolutionName } from '../../../common/browser/api';

/** One step of the slider and of play, in ms: history's finest kept bucket. */
export const HOUR_MS = 3_600_000;

/** How far back play starts when pressed while live, in ms. */
export const PLAY_FROM_LIVE_MS = 24 * HOUR_MS;

/** The start of the hour `ms` falls in. */
export function floorHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** The first hour boundary at or after `ms`. */
export function ceilHour(ms: number): number {
  return Math.ceil(ms / HOUR_MS) * HOUR_MS;
}

// YYYY-MM-DD, then optionally Thh:mm[:ss[.sss]], then optionally Z or ±hh[:]mm; no zone means UTC (as the server reads it).
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A moment from the URL's `at`: ISO 8601 (a time without a zone is UTC) or ms since the epoch. Null for
 * anything else, including impossible dates (`2026-02-30`).
 */
export function parseAt(raw: string | null | undefined): number | null {
  const value = (raw ?? '').trim();
  if (/^\d{1,15}$/.test(value)) return Number(value);
  const match = ISO_8601.exec(value);
  if (match === null) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((part) => Number(part ?? 0));
  const millis = Number((match[7] ?? '0').padEnd(3, '0'));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(utc);
  // Date.UTC rolls 30 February over into March: a date that does not come back as written does not exist.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  return utc - zoneOffsetMs(match[8]);
}

/** `Z`, `+01:00`, `-0530` as ms east of UTC; 0 for no zone. */
function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.replace(':', '');
  const sign = digits.startsWith('-') ? -1 : 1;
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000;
}

/** `2026-11-20T18:00Z`: how the URL writes a moment (UTC, to the minute; moments are whole hours). */
export function formatAt(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

const pad = (value: number): string => String(value).padStart(2, '0');

/** `2026-11-20T19:00`: the value of an `<input type="datetime-local">` for `ms`, in the reader's time zone. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The moment an `<input type="datetime-local">` holds (the reader's time zone); null when empty or malformed. */
export function fromLocalInput(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (match === null) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  const ms = new Date(year, month - 1, day, hour, minute).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/**
 * "Fri 20 Nov, 18:00": a moment as the panel and the slider say it, in `timeZone` (the reader's by default);
 * "Thu 1 Jun 2017, 18:00" when its year is not `nowMs`'s (an archive's moments, a far `at=`), so that no past
 * year reads as this one. Built from parts so it reads the same whatever the browser's locale.
 */
export function momentPhrase(ms: number, timeZone?: string, nowMs = Date.now()): string {
  const format = momentFormat(timeZone);
  const parts = partsOf(format, ms);
  const year = parts.year === partsOf(format, nowMs).year ? '' : ` ${parts.year}`;
  return `${parts.weekday} ${parts.day} ${parts.month}${year}, ${parts.hour}:${parts.minute}`;
}

/** The formats of `momentPhrase` by time zone (undefined: the reader's), made once each: making one costs more than using it. */
const MOMENT_FORMATS = new Map<string | undefined, Intl.DateTimeFormat>();

function momentFormat(timeZone: string | undefined): Intl.DateTimeFormat {
  let format = MOMENT_FORMATS.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
    });
    MOMENT_FORMATS.set(timeZone, format);
  }
  return format;
}

function partsOf(format: Intl.DateTimeFormat, ms: number): Record<string, string> {
  return format.formatToParts(new Date(ms)).reduce<Record<string, string>>((all, part) => ({ ...all, [part.type]: part.value }), {});
}

/** The answer's `resolution` in words: "hourly". */
export function resolutionWord(resolution: ResolutionName): string {
  return { '1m': 'by the minute', '10m': 'by 10 minutes', '1h': 'hourly', '1d': 'daily' }[resolution];
}

/** The whole hours history can be shown at: the first and the last (ms), `first <= last`. */
export interface HourRange {
  first: number;
  last: number;
}

/**
 * The hours a slider covers, from `/api/history`: from the oldest kept bucket's first whole hour to the last
 * hour boundary at or before the newest event. Null while nothing is counted.
 */
export function hourRange(history: Pick<HistoryResponse, 'from' | 'hourlyFrom' | 'to'>): HourRange | null {
  const start = history.from ?? history.hourlyFrom;
  if (start === null || history.to === null) return null;
  const last = floorHour(history.to);
  return { first: Math.min(ceilHour(start), last), last };
}

/** How many past positions the slider has; one more, at its right end, is Live. */
export function hourCount(range: HourRange): number {
  return (range.last - range.first) / HOUR_MS + 1;
}

/** The slider's position for `at` (null: Live, the right end); a moment outside the range is clamped into it. */
export function sliderIndex(at: number | null, range: HourRange): number {
  const count = hourCount(range);
  if (at === null) return count;
  return Math.min(Math.max(Math.round((floorHour(at) - range.first) / HOUR_MS), 0), count - 1);
}

/** The moment at slider position `index`; null (Live) at the right end. */
export function momentAt(index: number, range: HourRange): number | null {
  return index >= hourCount(range) ? null : range.first + Math.max(0, Math.floor(index)) * HOUR_MS;
}

/**
 * Play's next moment after `at`: an hour on, starting `PLAY_FROM_LIVE_MS` back when pressed while live. Null
 * once `at` is the newest hour: play stops there.
 */
export function nextPlayMoment(at: number | null, range: HourRange): number | null {
  if (at === null) return Math.max(range.first, range.last - PLAY_FROM_LIVE_MS);
  const next = floorHour(at) + HOUR_MS;
  return next > range.last ? null : Math.max(next, range.first);
}

/** The longest span the tag timeline shows, in ms. */
export const TIMELINE_MAX_MS = 7 * 24 * HOUR_MS;

/**
 * The tag timeline's span (ms): the hours kept by the hour (`hourlyFrom`, else the whole range), at most
 * `maxMs` back from the end of the newest hour.
 */
export function timelineSpan(range: HourRange, hourlyFrom: number | null, maxMs = TIMELINE_MAX_MS): { from: number; to: number } {
  const to = range.last + HOUR_MS;
  return { from: Math.max(ceilHour(hourlyFrom ?? range.first), range.first, to - maxMs), to };
}
