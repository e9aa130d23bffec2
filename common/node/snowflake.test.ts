import { describe, expect, it } from 'vitest';
import { snowflakeId, snowflakeTime } from './snowflake';

describe('snowflake ids', () => {
  it('carry their creation time, to the millisecond, whatever the low bits', () => {
    const t = Date.UTC(2024, 9, 26, 12, 0, 0, 123);
    expect(snowflakeTime(snowflakeId(t, 4_095n))).toBe(t);
    // A real id: 1850006781237256193 was made on 2024-10-26.
    expect(new Date(snowflakeTime(1_850_006_781_237_256_193n)).toISOString().slice(0, 10)).toBe('2024-10-26');
  });

  it('never go below zero for a time before the epoch', () => {
    expect(snowflakeId(0, 7n)).toBe(7n);
  });
});
