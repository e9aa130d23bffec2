import { describe, expect, it } from 'vitest';
import { modulo } from './modulo';

describe('modulo', () => {
  it('lands every integer, negative ones too, in [0, m)', () => {
    expect([-61, -60, -1, 0, 1, 59, 60, 121].map((n) => modulo(n, 60))).toEqual([59, 0, 59, 0, 1, 59, 0, 1]);
  });

  it('keeps fractions', () => {
    expect(modulo(-10.5, 360)).toBe(349.5);
  });
});
