import { describe, expect, it } from 'vitest';
import { bboxSpans, normalizeBbox, spansContain, wrapLon } from './bbox';

describe('bounding boxes', () => {
  it('wraps longitudes into [-180, 180], keeping those already there', () => {
    expect([wrapLon(180), wrapLon(-180), wrapLon(190), wrapLon(-190), wrapLon(540), wrapLon(-365)]).toEqual([180, -180, -170, 170, -180, -5]);
  });

  it('splits a box across the antimeridian into two spans', () => {
    expect(bboxSpans([170, -10, -170, 10]).lons).toEqual([[170, 180], [-180, -170]]);
    expect(bboxSpans([-10, -10, 10, 10]).lons).toEqual([[-10, 10]]);
  });

  it('reads unwrapped map bounds: across the antimeridian, or the whole world when 360 degrees or wider', () => {
    expect(bboxSpans([170, 0, 200, 10]).lons).toEqual([[170, 180], [-180, -160]]);
    expect(bboxSpans([-250, -95, 250, 95])).toEqual({ lons: [[-180, 180]], south: -90, north: 90 });
    expect(normalizeBbox([-200, 10, -170, 20])).toEqual([160, 10, -170, 20]);
    expect(normalizeBbox([-300, -80, 300, 80])).toEqual([-180, -80, 180, 80]);
  });

  it('puts an edge that is exactly on the antimeridian on the box\'s own side', () => {
    expect(normalizeBbox([180, 0, 200, 10])).toEqual([-180, 0, -160, 10]);
    expect(normalizeBbox([-200, 0, -180, 10])).toEqual([160, 0, 180, 10]);
    expect(normalizeBbox([100, 0, 180, 10])).toEqual([100, 0, 180, 10]);
    expect(normalizeBbox([170, 0, 190, 10])).toEqual([170, 0, -170, 10]);
  });

  it('contains its edges, on both sides of the antimeridian', () => {
    const spans = bboxSpans([170, -10, -170, 10]);
    expect([spansContain(spans, 0, 175), spansContain(spans, 10, -170), spansContain(spans, 0, 0), spansContain(spans, 11, 175)]).toEqual([true, true, false, false]);
  });
});
