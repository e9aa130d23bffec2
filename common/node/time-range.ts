/**
 * A replay's date range (`--from`, `--to`): which posts it reads, by creation time. `--from` is inclusive and
 * `--to` exclusive, as the X API's own `start_time` and `end_time` (and twarc2's `--start-time`, `--end-time`)
 * are, so that consecutive ranges (`--from 2017-06-01 --to 2017-06-02`, then `--from 2017-06-02 ...`) read
 * each post once. Pure parsing; the replay applies it (`producer/src/archive/name-times.ts` for names).
 */
import { ConfigError } from './errors';

/** Posts created at `fromMs` or later and before `toMs` (ms since the epoch; either end may be open). */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/** Whether a post created at `ms` is in `range`. */
export function inRange(range: TimeRange, ms: number): boolean {
  return ms >= range.fromMs && ms < range.toMs;
}

/**
 * ISO 8601, as people write it on a command line: a date (`2017-06-01`, midnight UTC), a date and time with
 * or without seconds and fraction (`2017-06-01T12:00`, `2017-06-01 12:00:30.5`), in UTC unless it names a
 * zone (`Z`, `+02:00`, `-0500`).
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Reads one end of a range; throws a `ConfigError` naming the flag for anything else. */
export function parseInstant(flag: string, value: string): number {
  const match = ISO.exec(value.trim());
  const refuse = (why: string) => new ConfigError(`${flag} ${value}: ${why} (e.g. 2017-06-01, 2017-06-01T12:00 or 2017-06-01T12:00:00+02:00)`);
  if (match === null) throw refuse('not an ISO 8601 date or time');
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = match;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  const ms = Date.UTC(...parts, Number(fraction.padEnd(3, '0').slice(0, 3)));
  const back = new Date(ms);
  // Date.UTC rolls February 30th over into March: a date that does not come back the same does not exist.
  const same =
    back.getUTCFullYear() === parts[0] &&
    back.getUTCMonth() === parts[1] &&
    back.getUTCDate() === parts[2] &&
    back.getUTCHours() === parts[3] &&
    back.getUTCMinutes() === parts[4] &&
    back.getUTCSeconds() === parts[5];
  const offsetMs = zoneOffsetMs(zone);
  if (!same || offsetMs === null) throw refuse('no such date or time');
  return ms - offsetMs;
}

/**
 * A zone's offset from UTC in ms (`Z`, `+02:00`, `-0500`); null for one no clock keeps (past ±23:59). The
 * API's moment parameters read their zones with it too (`map-server/src/routes/query-params.ts`).
 */
export function zoneOffsetMs(zone: string): number | null {
  if (zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return null;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

/** The range of `--from` and `--to`, either of which may be left out; null when neither is given. */
export function parseRange(from: string | undefined, to: string | undefined): TimeRange | null {
  if (from === undefined && to === undefined) return null;
  const fromMs = from === undefined ? Number.NEGATIVE_INFINITY : parseInstant('--from', from);
  const toMs = to === undefined ? Number.POSITIVE_INFINITY : parseInstant('--to', to);
  if (!(toMs > fromMs)) {
    throw new ConfigError(`--to ${to} must come after --from ${from}: the range takes posts from --from up to, not including, --to`);
  }
  return { fromMs, toMs };
}
