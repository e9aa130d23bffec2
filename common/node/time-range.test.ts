import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors';
import { inRange, parseInstant, parseRange } from './time-range';

describe('--from and --to', () => {
  it('reads a date as its midnight UTC, and a time in UTC unless it names a zone', () => {
    expect(parseInstant('--from', '2017-06-01')).toBe(Date.UTC(2017, 5, 1));
    expect(parseInstant('--from', '2017-06-01T12:30')).toBe(Date.UTC(2017, 5, 1, 12, 30));
    expect(parseInstant('--from', '2017-06-01 12:30:15.25')).toBe(Date.UTC(2017, 5, 1, 12, 30, 15, 250));
    expect(parseInstant('--from', '2017-06-01T12:30:15.123456789Z')).toBe(Date.UTC(2017, 5, 1, 12, 30, 15, 123));
    expect(parseInstant('--from', '2017-06-01T12:00+02:00')).toBe(Date.UTC(2017, 5, 1, 10));
    expect(parseInstant('--from', '2017-06-01T12:00-0530')).toBe(Date.UTC(2017, 5, 1, 17, 30));
    expect(parseInstant('--from', ' 2016-02-29 ')).toBe(Date.UTC(2016, 1, 29));
  });

  it('refuses what is not a date or time, naming the flag and giving examples', () => {
    for (const value of ['yesterday', '2017-6-1', '2017/06/01', '1496275200000', '2017-06-01T12']) {
      expect(() => parseInstant('--to', value)).toThrow(
        new RegExp(`^--to ${value.replace(/[/+]/g, '\\$&')}: not an ISO 8601 date or time \\(e\\.g\\. 2017-06-01`),
      );
    }
    for (const value of [
      '2017-02-29',
      '2017-06-31',
      '2017-13-01',
      '2017-06-01T24:00',
      '2017-06-01T25:00',
      '2017-06-01T12:60',
      '2017-06-01T12:00:60',
    ]) {
      expect(() => parseInstant('--from', value)).toThrow(`--from ${value}: no such date or time`);
    }
    expect(() => parseInstant('--from', 'x')).toThrow(ConfigError);
  });

  it('takes posts from --from up to, not including, --to; either end may be open', () => {
    const day = parseRange('2017-06-01', '2017-06-02')!;
    expect([Date.UTC(2017, 5, 1) - 1, Date.UTC(2017, 5, 1), Date.UTC(2017, 5, 2) - 1, Date.UTC(2017, 5, 2)].map((ms) => inRange(day, ms))).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(parseRange('2017-06-01', undefined)).toEqual({ fromMs: Date.UTC(2017, 5, 1), toMs: Infinity });
    expect(parseRange(undefined, '2017-06-01')).toEqual({ fromMs: -Infinity, toMs: Date.UTC(2017, 5, 1) });
    expect(parseRange(undefined, undefined)).toBeNull();
  });

  it('refuses a range that holds nothing', () => {
    expect(() => parseRange('2017-06-01', '2017-06-01')).toThrow(
      '--to 2017-06-01 must come after --from 2017-06-01: the range takes posts from --from up to, not including, --to',
    );
    expect(() => parseRange('2017-06-02', '2017-06-01T23:59')).toThrow(ConfigError);
  });
});
