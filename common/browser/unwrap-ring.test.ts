import { describe, expect, it } from 'vitest';
import { unwrapRing } from './unwrap-ring';

describe('unwrapRing', () => {
  it('leaves a ring that does not cross the antimeridian as it is', () => {
    const ring = [
      [2, 48],
      [3, 48],
      [3, 49],
      [2, 48],
    ];
    expect(unwrapRing(ring)).toEqual({ ring, offset: 0 });
  });

  it('carries a ring across the antimeridian on, east of 180', () => {
    expect(
      unwrapRing([
        [179, -17],
        [-179, -17],
        [-179, -16],
        [179, -16],
        [179, -17],
      ]),
    ).toEqual({
      ring: [
        [179, -17],
        [181, -17],
        [181, -16],
        [179, -16],
        [179, -17],
      ],
      offset: 0,
    });
  });

  it('says when a ring goes around a pole', () => {
    expect(
      unwrapRing([
        [-180, -80],
        [-60, -80],
        [60, -80],
        [179, -80],
        [-180, -80],
      ]),
    ).toEqual({
      ring: [
        [-180, -80],
        [-60, -80],
        [60, -80],
        [179, -80],
        [180, -80],
      ],
      offset: 360,
    });
  });
});
