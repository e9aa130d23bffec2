import { describe, expect, it } from 'vitest';
import { sameBbox, viewBbox } from './view-bbox';

describe('viewBbox', () => {
  it('keeps a view inside the world as it is, rounded outwards to 4 decimals', () => {
    expect(viewBbox(2.224122, 48.815573, 2.46992, 48.902145)).toEqual([2.2241, 48.8155, 2.47, 48.9022]);
  });

  it('wraps a view past the antimeridian into a crossing bbox (west > east)', () => {
    expect(viewBbox(170, -20, 190, 10)).toEqual([170, -20, -170, 10]);
    expect(viewBbox(-195, -20, -160, 10)).toEqual([165, -20, -160, 10]);
  });

  it('keeps an edge that is exactly on the antimeridian on the right side', () => {
    expect(viewBbox(100, 0, 180, 10)).toEqual([100, 0, 180, 10]);
    expect(viewBbox(-180, 0, -100, 10)).toEqual([-180, 0, -100, 10]);
    expect(viewBbox(180, 0, 200, 10)).toEqual([-180, 0, -160, 10]);
  });

  it('makes a view wider than the world the whole world, and clamps latitudes', () => {
    expect(viewBbox(-250, -95, 250, 95)).toEqual([-180, -90, 180, 90]);
    expect(viewBbox(-200, -60, 160, 80)).toEqual([-180, -60, 180, 80]);
  });
});

describe('sameBbox', () => {
  it('compares by value', () => {
    expect(sameBbox([1, 2, 3, 4], [1, 2, 3, 4])).toBe(true);
    expect(sameBbox([1, 2, 3, 4], [1, 2, 3, 5])).toBe(false);
    expect(sameBbox(null, null)).toBe(true);
    expect(sameBbox(null, [1, 2, 3, 4])).toBe(false);
  });
});
