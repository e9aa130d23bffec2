import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HOUR_MS,
  PLAY_FROM_LIVE_MS,
  TIMELINE_MAX_MS,
  ceilHour,
  floorHour,
  formatAt,
  fromLocalInput,
  hourCount,
  hourRange,
  momentAt,
  momentPhrase,
  nextPlayMoment,
  parseAt,
  resolutionWord,
  sliderIndex,
  timelineSpan,
  toLocalInput,
} from './time-math';

const T18 = Date.UTC(2026, 10, 20, 18, 0); // Fri 20 Nov 2026, 18:00 UTC

describe('hours', () => {
  it('floors and ceils to whole hours', () => {
    expect(floorHour(T18 + 59 * 60_000)).toBe(T18);
    expect(floorHour(T18)).toBe(T18);
    expect(ceilHour(T18 + 1)).toBe(T18 + HOUR_MS);
    expect(ceilHour(T18)).toBe(T18);
  });
});

describe('parseAt', () => {
  it('reads ISO 8601 in UTC, with or without seconds, zone or milliseconds', () => {
    expect(parseAt('2026-11-20T18:00Z')).toBe(T18);
    expect(parseAt('2026-11-20T18:00:00Z')).toBe(T18);
    expect(parseAt('2026-11-20T18:00:00.000Z')).toBe(T18);
    expect(parseAt('2026-11-20T18:00:05.25Z')).toBe(T18 + 5_250);
    expect(parseAt('2026-11-20t18:00z')).toBe(T18);
    // No zone: UTC, as the server reads it (not the browser's local time, as Date.parse would).
    expect(parseAt('2026-11-20T18:00')).toBe(T18);
    expect(parseAt('2026-11-20')).toBe(Date.UTC(2026, 10, 20));
  });

  it('applies a zone offset', () => {
    expect(parseAt('2026-11-20T19:00+01:00')).toBe(T18);
    expect(parseAt('2026-11-20T12:30-0530')).toBe(T18);
  });

  it('reads ms since the epoch', () => {
    expect(parseAt(String(T18))).toBe(T18);
    expect(parseAt(` ${T18} `)).toBe(T18);
    expect(parseAt('0')).toBe(0);
  });

  it('refuses anything else, impossible dates included', () => {
    for (const bad of [
      null,
      undefined,
      '',
      'now',
      '2026-02-30T00:00Z',
      '2026-13-01T00:00Z',
      '2026-11-20T24:00Z',
      '2026-11-20T18:60Z',
      '20-11-2026',
      '1e12',
      '-5',
    ]) {
      expect(parseAt(bad), String(bad)).toBeNull();
    }
  });

  it('round-trips formatAt', () => {
    expect(formatAt(T18)).toBe('2026-11-20T18:00Z');
    expect(parseAt(formatAt(T18 + 7 * HOUR_MS))).toBe(T18 + 7 * HOUR_MS);
  });
});

describe('the datetime-local input', () => {
  // The reader's zone, not UTC: Node follows a change of TZ at once.
  const zone = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = 'Asia/Kolkata';
  });
  afterAll(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it("writes and reads the local time of a moment, in the reader's zone", () => {
    expect(toLocalInput(T18)).toBe('2026-11-20T23:30');
    expect(fromLocalInput('2026-11-20T23:30')).toBe(T18);
  });

  it('writes and reads the local time of a moment', () => {
    const local = new Date(2026, 10, 20, 19, 0).getTime();
    expect(toLocalInput(local)).toBe('2026-11-20T19:00');
    expect(fromLocalInput('2026-11-20T19:00')).toBe(local);
    expect(fromLocalInput(toLocalInput(T18))).toBe(T18);
  });

  it('reads empty or malformed values as null', () => {
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('yesterday')).toBeNull();
  });
});

describe('words', () => {
  it('says a moment as "Fri 20 Nov, 18:00" in the given zone', () => {
    expect(momentPhrase(T18, 'UTC', T18)).toBe('Fri 20 Nov, 18:00');
    expect(momentPhrase(T18, 'Asia/Tokyo', T18)).toBe('Sat 21 Nov, 03:00');
    // Another year than now's is said, in the zone's own calendar.
    expect(momentPhrase(Date.UTC(2017, 5, 1, 18), 'UTC', T18)).toBe('Thu 1 Jun 2017, 18:00');
    expect(momentPhrase(Date.UTC(2999, 0, 1), 'UTC', T18)).toBe('Tue 1 Jan 2999, 00:00');
    const newYearsEve = Date.UTC(2026, 11, 31, 20);
    expect(momentPhrase(newYearsEve, 'UTC', newYearsEve)).toBe('Thu 31 Dec, 20:00');
    expect(momentPhrase(newYearsEve, 'Asia/Tokyo', newYearsEve)).toBe('Fri 1 Jan, 05:00');
    expect(momentPhrase(newYearsEve, 'Asia/Tokyo', Date.UTC(2026, 5, 1))).toBe('Fri 1 Jan 2027, 05:00');
  });

  it('says resolutions', () => {
    expect(resolutionWord('1h')).toBe('hourly');
    expect(resolutionWord('1d')).toBe('daily');
    expect(resolutionWord('1m')).toBe('by the minute');
  });
});

describe('the slider over history', () => {
  const history = { from: T18 - 24 * HOUR_MS - 30 * 60_000, hourlyFrom: T18 - 24 * HOUR_MS - 30 * 60_000, to: T18 + 42 * 60_000 };
  const range = hourRange(history)!;

  it('covers the whole hours from the oldest bucket to the newest event', () => {
    expect(range).toEqual({ first: T18 - 24 * HOUR_MS, last: T18 });
    expect(hourCount(range)).toBe(25);
    expect(hourRange({ from: null, hourlyFrom: null, to: null })).toBeNull();
    expect(hourRange({ from: T18 + 10, hourlyFrom: T18 + 10, to: T18 + 20 })).toEqual({ first: T18, last: T18 });
  });

  it('puts Live at the right end and each hour at its place', () => {
    expect(sliderIndex(null, range)).toBe(25);
    expect(momentAt(25, range)).toBeNull();
    expect(sliderIndex(T18, range)).toBe(24);
    expect(momentAt(24, range)).toBe(T18);
    expect(sliderIndex(T18 - 3 * HOUR_MS + 59 * 60_000, range)).toBe(21);
    expect(momentAt(21, range)).toBe(T18 - 3 * HOUR_MS);
    expect(momentAt(0, range)).toBe(range.first);
  });

  it('clamps moments outside history into it', () => {
    expect(sliderIndex(T18 - 100 * HOUR_MS, range)).toBe(0);
    expect(sliderIndex(T18 + 5 * HOUR_MS, range)).toBe(24);
  });

  it('plays an hour a step from a day back, and stops at the newest hour', () => {
    expect(nextPlayMoment(null, range)).toBe(T18 - PLAY_FROM_LIVE_MS);
    expect(nextPlayMoment(T18 - 2 * HOUR_MS, range)).toBe(T18 - HOUR_MS);
    expect(nextPlayMoment(T18 - HOUR_MS, range)).toBe(T18);
    expect(nextPlayMoment(T18, range)).toBeNull();
    expect(nextPlayMoment(null, { first: T18 - 2 * HOUR_MS, last: T18 })).toBe(T18 - 2 * HOUR_MS);
  });

  it('spans the timeline over the hourly history, at most a week', () => {
    expect(timelineSpan(range, history.hourlyFrom)).toEqual({ from: range.first, to: T18 + HOUR_MS });
    const long = { first: T18 - 30 * 24 * HOUR_MS, last: T18 };
    expect(timelineSpan(long, T18 - 10 * 24 * HOUR_MS)).toEqual({ from: T18 + HOUR_MS - TIMELINE_MAX_MS, to: T18 + HOUR_MS });
    expect(timelineSpan(long, T18 - 2 * 24 * HOUR_MS)).toEqual({ from: T18 - 2 * 24 * HOUR_MS, to: T18 + HOUR_MS });
  });
});
