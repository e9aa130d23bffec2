import { describe, expect, it } from 'vitest';
import { describeRise, formatRise, formatShare, riseRatio } from './trend-format';

describe('formatShare', () => {
  it('writes a percentage with one decimal', () => {
    expect(formatShare(0.123)).toBe('12.3%');
    expect(formatShare(0.5)).toBe('50.0%');
    expect(formatShare(1)).toBe('100.0%');
    expect(formatShare(0.0004)).toBe('<0.1%');
    expect(formatShare(0)).toBe('0%');
  });
});

describe('formatRise', () => {
  it('writes count/expected as a factor, or "new"', () => {
    expect(formatRise(31, 10)).toBe('×3.1');
    expect(formatRise(120, 10)).toBe('×12');
    expect(formatRise(5, 0)).toBe('new');
    expect(riseRatio(5, 0)).toBe(Infinity);
    expect(describeRise(31, 10)).toBe('3.1 times its usual rate (10.0 expected)');
  });
});
