import { describe, expect, it } from 'vitest';
import { Pacer } from './pacer';

describe('Pacer', () => {
  it('keeps the original spacing at 1x and divides it by the factor otherwise', () => {
    const once = new Pacer(1);
    expect(once.delay(1_000_000, 50)).toBe(0);
    expect(once.delay(1_000_000 + 2_000, 50)).toBe(2_000);
    expect(once.delay(1_000_000 + 2_000, 1_050)).toBe(1_000);
    const tenfold = new Pacer(10);
    tenfold.delay(0, 0);
    expect(tenfold.delay(60_000, 0)).toBe(6_000);
  });

  it('publishes a post older than the first at once', () => {
    const pacer = new Pacer(1);
    pacer.delay(5_000, 0);
    expect(pacer.delay(1_000, 0)).toBe(0);
  });

  it('refuses a factor that is not positive', () => {
    expect(() => new Pacer(0)).toThrow(/positive/);
  });
});
