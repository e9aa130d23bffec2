import { describe, expect, it } from 'vitest';
import { BboxError, bboxSpans, normalizeBbox, parseBbox, spansContain, wrapLon } from './bbox';

describe('bounding boxes', () => {
  it('wraps longitudes into [-180, 180], keeping those already there', () => {
    expect([wrapLon(180), wrapLon(-180), wrapLon(190), wrapLon(-190), wrapLon(540), wrapLon(-365)]).toEqual([180, -180, -170, 170, -180, -5]);
  });

  it('splits a box across the antimeridian into two spans', () => {
    expect(bboxSpans([170, -10, -170, 10]).lons).toEqual([
      [170, 180],
      [-180, -170],
    ]);
    expect(bboxSpans([-10, -10, 10, 10]).lons).toEqual([[-10, 10]]);
  });

  it('reads unwrapped map bounds: across the antimeridian, or the whole world when 360 degrees or wider', () => {
    expect(bboxSpans([170, 0, 200, 10]).lons).toEqual([
      [170, 180],
      [-180, -160],
    ]);
    expect(bboxSpans([-250, -95, 250, 95])).toEqual({ lons: [[-180, 180]], south: -90, north: 90 });
    expect(normalizeBbox([-200, 10, -170, 20])).toEqual([160, 10, -170, 20]);
    expect(normalizeBbox([-300, -80, 300, 80])).toEqual([-180, -80, 180, 80]);
  });

  it("puts an edge that is exactly on the antimeridian on the box's own side", () => {
    expect(normalizeBbox([180, 0, 200, 10])).toEqual([-180, 0, -160, 10]);
    expect(normalizeBbox([-200, 0, -180, 10])).toEqual([160, 0, 180, 10]);
    expect(normalizeBbox([100, 0, 180, 10])).toEqual([100, 0, 180, 10]);
    expect(normalizeBbox([170, 0, 190, 10])).toEqual([170, 0, -170, 10]);
  });

  it('contains its edges, on both sides of the antimeridian', () => {
    const spans = bboxSpans([170, -10, -170, 10]);
    expect([spansContain(spans, 0, 175), spansContain(spans, 10, -170), spansContain(spans, 0, 0), spansContain(spans, 11, 175)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('parseBbox', () => {
  it('reads four decimal numbers, spaces around them allowed, a box across the antimeridian and a flat one too', () => {
    expect(parseBbox('-0.5,51.3,0.3,51.7')).toEqual([-0.5, 51.3, 0.3, 51.7]);
    expect(parseBbox(' 170 , -20 , -170 , -10 ')).toEqual([170, -20, -170, -10]);
    expect(parseBbox('-180,-90,180,90')).toEqual([-180, -90, 180, 90]);
    expect(parseBbox('.5,1e1,+2.,10')).toEqual([0.5, 10, 2, 10]);
  });

  it.each([
    ['1,2,3', /^bbox must be four comma-separated numbers west,south,east,north \(degrees\)$/],
    ['1,2,3,4,5', /^bbox must be four/],
    ['0,,1,2', /^bbox must be four/],
    ['a,b,c,d', /^bbox must be four/],
    ['Infinity,0,1,1', /^bbox must be four/],
    ['0x10,0,1,1', /^bbox must be four/],
    ['1e400,0,1,1', /^bbox must be four/],
    ['0,-91,1,0', /^bbox south and north must be latitudes from -90 to 90$/],
    ['0,10,1,5', /^bbox south must not be above north$/],
    ['-181,0,0,1', /^bbox west and east must be longitudes from -180 to 180 \(west > east crosses the antimeridian\)$/],
  ])('refuses %s with a BboxError saying why', (raw, message) => {
    expect(() => parseBbox(raw)).toThrow(BboxError);
    expect(() => parseBbox(raw)).toThrow(message);
  });
});
