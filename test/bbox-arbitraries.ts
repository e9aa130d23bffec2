/**
 * fast-check boxes for the property tests of what answers for a box (the grid, the tiles): any two corners,
 * and the unwrapped or too-wide boxes a map zoomed far out reports.
 */
import fc from 'fast-check';
import type { Bbox } from '../common/browser/api';

/** A box from two corners drawn from `lons` and `lats` (west > east crosses the antimeridian). */
export const boxOf = (lons: fc.Arbitrary<number>, lats: fc.Arbitrary<number>) =>
  fc.tuple(lons, lats, lons, lats).map(([w, s, e, n]): Bbox => [w, Math.min(s, n), e, Math.max(s, n)]);

/** A box with unwrapped longitudes (-540..540) up to 720 degrees wide, latitudes from `lats`. */
export const unwrappedBox = (lats: fc.Arbitrary<number>) =>
  fc
    .tuple(fc.double({ min: -540, max: 540, noNaN: true }), fc.double({ min: 0, max: 720, noNaN: true }), lats, lats)
    .map(([w, width, s, n]): Bbox => [w, Math.min(s, n), w + width, Math.max(s, n)]);
