import { describe, expect, it } from 'vitest';
import { boxGap, homeCopy, nearestCopy, unionBox, type GeoBox } from './geo-box';

const box = (west: number, south: number, east: number, north: number): GeoBox => ({ west, south, east, north });
const width = (b: GeoBox | null) => (b === null ? NaN : b.east - b.west);
/** The map's maxBounds in this app. */
const LIMITS = { west: -200, east: 200 };

describe('boxGap', () => {
  it('is 0 for boxes that touch or overlap, else the larger of the two gaps', () => {
    expect(boxGap(box(0, 0, 10, 10), box(5, 5, 20, 20))).toBe(0);
    expect(boxGap(box(0, 0, 10, 10), box(10, 0, 20, 10))).toBe(0);
    expect(boxGap(box(0, 0, 10, 10), box(13, 14, 20, 20))).toBe(4);
    expect(boxGap(box(13, -20, 20, -12), box(0, 0, 10, 10))).toBe(12);
  });
});

describe('nearestCopy', () => {
  it('takes an island across the antimeridian on the copy beside its neighbour', () => {
    // Fiji: Viti Levu at 177..178.7, an island drawn at -180.5..-179.
    expect(nearestCopy(box(-180.5, -17, -179, -16), box(177.3, -18.3, 178.7, -17.3))).toEqual(box(179.5, -17, 181, -16));
    expect(nearestCopy(box(5, 0, 6, 1), box(0, 0, 1, 1))).toEqual(box(5, 0, 6, 1));
  });
});

describe('homeCopy', () => {
  it('puts a box where least of it lies outside [-180, 180]', () => {
    expect(homeCopy(box(27, 41, 190, 78))).toEqual(box(27, 41, 190, 78));
    expect(homeCopy(box(169, -5, 210, 5))).toEqual(box(-191, -5, -150, 5));
    expect(homeCopy(box(-333, 41, -170, 78))).toEqual(box(27, 41, 190, 78));
  });
});

describe('unionBox', () => {
  it('is null for no boxes, the box itself for one', () => {
    expect(unionBox([], LIMITS)).toBeNull();
    expect(unionBox([box(-5, 42, 8, 51)], LIMITS)).toEqual(box(-5, 42, 8, 51));
  });

  it('joins boxes on one side of the world as they are', () => {
    // France and Germany.
    expect(unionBox([box(-5, 42, 8, 51), box(6, 47, 15, 55)], LIMITS)).toEqual(box(-5, 42, 15, 55));
  });

  it('joins boxes across the antimeridian when that is narrower and the map can show it', () => {
    // New Zealand (166..178.5) and Samoa-like islands at -172..-171: 18° across, not 350°.
    const joined = unionBox([box(166, -47, 178.5, -34), box(-172, -14, -171, -13)], LIMITS);
    expect(joined).toEqual(box(166, -47, 189, -13));
  });

  it('keeps the boxes where they are when the narrower arc runs past the limits', () => {
    // Japan and the USA: 164° across the Pacific, but past 200° on either copy.
    const joined = unionBox([box(129, 31, 146, 46), box(-125, 25, -67, 49)], LIMITS);
    expect(joined).toEqual(box(-125, 25, 146, 49));
    expect(width(unionBox([box(129, 31, 146, 46), box(-125, 25, -67, 49)], { west: -360, east: 360 }))).toBe(164);
  });

  it('finds the narrowest arc whichever box comes first', () => {
    const boxes = [box(170, 0, 175, 1), box(-178, 0, -175, 1), box(178, 0, 179, 1)];
    for (const order of [boxes, [...boxes].reverse(), [boxes[1], boxes[0], boxes[2]]]) {
      expect(unionBox(order, LIMITS)).toEqual(box(170, 0, 185, 1));
    }
  });
});
