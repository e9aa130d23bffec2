import { describe, expect, it } from 'vitest';
import { sparklineArea, sparklinePoints } from './sparkline';

describe('sparklinePoints', () => {
  it('spreads values across the width with the largest at the top', () => {
    expect(sparklinePoints([0, 5, 10], 20, 10)).toBe('0,10 10,5 20,0');
  });

  it('keeps padding and treats an all-zero line as flat at the bottom', () => {
    expect(sparklinePoints([0, 0], 10, 10, 1)).toBe('1,9 9,9');
  });

  it('draws nothing for fewer than two values', () => {
    expect(sparklinePoints([3], 10, 10)).toBe('');
    expect(sparklineArea([], 10, 10)).toBe('');
  });

  it('closes the area along the bottom', () => {
    expect(sparklineArea([0, 10], 10, 10)).toBe('0,10 0,10 10,0 10,10');
  });
});
