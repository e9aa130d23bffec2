/** `at=`, `from=`, `to=`: ISO 8601 (a time without a zone is UTC) or epoch ms, and nothing looser. */
import { describe, expect, it } from 'vitest';
import { readTime } from '../src/routes/query-params';

describe('a moment parameter', () => {
  it('reads ISO 8601 dates and times, a time without a zone as UTC, and epoch ms', () => {
    const at = Date.UTC(2026, 10, 20, 18);
    expect(readTime('at', '2026-11-20T18:00')).toBe(at);
    expect(readTime('at', '2026-11-20T18:00:00Z')).toBe(at);
    expect(readTime('at', '2026-11-20T18:00:00.000Z')).toBe(at);
    expect(readTime('at', '2026-11-20T19:00+01:00')).toBe(at);
    expect(readTime('at', '2026-11-20T13:30-04:30')).toBe(at);
    // The widest offsets a clock keeps.
    expect(readTime('at', '2026-11-21T17:59+23:59')).toBe(at);
    expect(readTime('at', '2026-11-19T18:01-23:59')).toBe(at);
    expect(readTime('at', '2026-11-20')).toBe(Date.UTC(2026, 10, 20));
    expect(readTime('at', String(at))).toBe(at);
    expect(readTime('at', '')).toBeNull();
    expect(readTime('at', undefined)).toBeNull();
  });

  it('refuses what is not a real ISO 8601 moment, naming the parameter', () => {
    const offsets = ['2026-11-20T18:00+24:00', '2026-11-20T18:00-00:60', '2026-11-20T18:00+99:99'];
    for (const raw of ['2026-02-30', '2026-11-20T25:00', 'Nov 20 2026', '2026-11-20 18:00', '2026-11-20T18', 'yesterday', '-5', '1e12', ...offsets]) {
      expect(() => readTime('from', raw), raw).toThrow(
        `from must be an ISO 8601 time such as 2026-11-20T18:00:00Z, or ms since the epoch; got ${JSON.stringify(raw)}`,
      );
    }
  });
});
