import { describe, expect, it, vi } from 'vitest';
import whichPolygon from 'which-polygon';
import { bboxCentre, boxCentre, checkPoint, geoJsonPoint, polygonCentre } from './location';
import { createCountryLookup } from './country-lookup';

// The index builder, counted: building it is the expensive part that lookups share.
vi.mock('which-polygon', async (importOriginal) => {
  const actual = await importOriginal<{ default: typeof whichPolygon }>();
  return { default: vi.fn(actual.default) };
});

const bad = { ok: false, reason: 'bad_coordinates' };
const unusable = { ok: false, reason: 'unknown_place' };

describe('checkPoint', () => {
  it('accepts a point in range, edges included', () => {
    expect(checkPoint(2.3522, 48.8566)).toEqual({ ok: true, point: { lon: 2.3522, lat: 48.8566 } });
    expect(checkPoint(-180, -90)).toEqual({ ok: true, point: { lon: -180, lat: -90 } });
    expect(checkPoint(180, 90)).toEqual({ ok: true, point: { lon: 180, lat: 90 } });
    expect(checkPoint(0, 10)).toEqual({ ok: true, point: { lon: 0, lat: 10 } });
  });

  it('rejects non-numbers, NaN and infinities', () => {
    expect(checkPoint('2.35', 48.85)).toEqual(bad);
    expect(checkPoint(2.35, null)).toEqual(bad);
    expect(checkPoint(Number.NaN, 10)).toEqual(bad);
    expect(checkPoint(10, Number.POSITIVE_INFINITY)).toEqual(bad);
  });

  it('rejects latitudes outside [-90, 90] and longitudes outside [-180, 180]', () => {
    expect(checkPoint(10, 90.0001)).toEqual(bad);
    expect(checkPoint(10, -91)).toEqual(bad);
    expect(checkPoint(180.5, 10)).toEqual(bad);
    expect(checkPoint(-181, 10)).toEqual(bad);
  });

  it('rejects null island, exactly (0, 0)', () => {
    expect(checkPoint(0, 0)).toEqual(bad);
    expect(checkPoint(-0, 0)).toEqual(bad);
  });
});

describe('geoJsonPoint', () => {
  it('reads [lon, lat] by default', () => {
    expect(geoJsonPoint({ type: 'Point', coordinates: [-73.9654, 40.7829] })).toEqual({
      ok: true,
      point: { lon: -73.9654, lat: 40.7829 },
    });
  });

  it('reads the legacy [lat, lon] order when told', () => {
    expect(geoJsonPoint({ type: 'Point', coordinates: [40.7829, -73.9654] }, 'latlon')).toEqual({
      ok: true,
      point: { lon: -73.9654, lat: 40.7829 },
    });
  });

  it('rejects what is not a point', () => {
    expect(geoJsonPoint({ type: 'LineString', coordinates: [1, 2] })).toEqual(bad);
    expect(geoJsonPoint({ type: 'Point', coordinates: [1] })).toEqual(bad);
    expect(geoJsonPoint({ type: 'Point' })).toEqual(bad);
    expect(geoJsonPoint('1,2')).toEqual(bad);
    expect(geoJsonPoint({ type: 'Point', coordinates: [200.5, 95.1] })).toEqual(bad);
  });
});

describe('boxCentre / bboxCentre', () => {
  it('takes the centre of an ordinary box', () => {
    const osaka = bboxCentre([135.33, 34.56, 135.62, 34.77]);
    expect(osaka.ok && osaka.point.lon).toBeCloseTo(135.475, 9);
    expect(osaka.ok && osaka.point.lat).toBeCloseTo(34.665, 9);
    expect(bboxCentre([-10, 40, 10, 50])).toEqual({ ok: true, point: { lon: 0, lat: 45 } });
  });

  it('goes the short way round a box that crosses the antimeridian (west > east)', () => {
    expect(boxCentre(170, 0, -170, 10)).toEqual({ ok: true, point: { lon: 180, lat: 5 } });
    expect(boxCentre(178, 0, -170, 10)).toEqual({ ok: true, point: { lon: -176, lat: 5 } });
    const fiji = bboxCentre([179.5, -16.9, -179.9, -16.6]);
    expect(fiji.ok && fiji.point.lon).toBeCloseTo(179.8, 9);
    expect(fiji.ok && fiji.point.lat).toBeCloseTo(-16.75, 9);
  });

  it('keeps a degenerate box (a point of interest) at its point', () => {
    expect(bboxCentre([2.3522, 48.8566, 2.3522, 48.8566])).toEqual({ ok: true, point: { lon: 2.3522, lat: 48.8566 } });
  });

  it('rejects out-of-range or upside-down boxes as bad coordinates', () => {
    expect(bboxCentre([0, 0, 200, 10])).toEqual(bad);
    expect(bboxCentre([0, 20, 10, 10])).toEqual(bad);
    expect(bboxCentre(['0', 0, 10, 10])).toEqual(bad);
    expect(bboxCentre([-10, -10, 10, 10])).toEqual(bad); // centred on null island
  });

  it('calls a missing or malformed bbox unusable', () => {
    expect(bboxCentre(undefined)).toEqual(unusable);
    expect(bboxCentre([1, 2, 3])).toEqual(unusable);
    expect(bboxCentre({ west: 1 })).toEqual(unusable);
  });
});

describe('polygonCentre (v1.1 bounding_box)', () => {
  const polygon = (corners: number[][]) => ({ type: 'Polygon', coordinates: [corners] });

  it('takes the centre, never a corner, whatever the corner order', () => {
    const sw = [139.56, 35.53];
    const nw = [139.56, 35.82];
    const ne = [139.92, 35.82];
    const se = [139.92, 35.53];
    const expected = { ok: true, point: { lon: 139.74, lat: 35.675 } };
    const a = polygonCentre(polygon([sw, nw, ne, se]));
    const b = polygonCentre(polygon([sw, se, ne, nw, sw]));
    for (const result of [a, b]) {
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      expect(result.point.lon).toBeCloseTo(expected.point.lon, 9);
      expect(result.point.lat).toBeCloseTo(expected.point.lat, 9);
      for (const corner of [sw, nw, ne, se]) expect([result.point.lon, result.point.lat]).not.toEqual(corner);
    }
  });

  it('handles a box across the antimeridian', () => {
    const result = polygonCentre(
      polygon([
        [179.5, -16.9],
        [179.5, -16.6],
        [-179.9, -16.6],
        [-179.9, -16.9],
      ]),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.point.lon).toBeCloseTo(179.8, 9); // not -0.2, the naive average
    expect(result.point.lat).toBeCloseTo(-16.75, 9);
    expect(
      polygonCentre(
        polygon([
          [178, 0],
          [178, 10],
          [-170, 10],
          [-170, 0],
        ]),
      ),
    ).toEqual({
      ok: true,
      point: { lon: -176, lat: 5 },
    });
  });

  it('reads a box from -180 to 180 as the whole way round', () => {
    expect(
      polygonCentre(
        polygon([
          [-180, 40],
          [-180, 80],
          [180, 80],
          [180, 40],
        ]),
      ),
    ).toEqual({
      ok: true,
      point: { lon: 0, lat: 60 },
    });
  });

  it('calls a missing or malformed polygon unusable, and bad numbers bad', () => {
    expect(polygonCentre(null)).toEqual(unusable);
    expect(polygonCentre({ type: 'Point', coordinates: [1, 2] })).toEqual(unusable);
    expect(polygonCentre({ type: 'Polygon', coordinates: [] })).toEqual(unusable);
    expect(polygonCentre({ type: 'Polygon', coordinates: [[]] })).toEqual(unusable);
    expect(polygonCentre({ type: 'Polygon', coordinates: [[[1]]] })).toEqual(unusable);
    expect(
      polygonCentre(
        polygon([
          [1, 2],
          [3, 95],
        ]),
      ),
    ).toEqual(bad);
    expect(polygonCentre({ type: 'Polygon', coordinates: [[['1', 2]]] })).toEqual(bad);
  });

  it('copes with a hostile ring of a million corners', () => {
    const corners = Array.from({ length: 1_000_000 }, (_, i) => [i % 2 ? 10 : 20, i % 2 ? 40 : 50]);
    expect(polygonCentre(polygon(corners))).toEqual({ ok: true, point: { lon: 15, lat: 45 } });
  });
});

describe('createCountryLookup', () => {
  const lookup = createCountryLookup();

  it('names the country of a point', () => {
    expect(lookup.countryAt(2.3522, 48.8566)).toBe('FR'); // Paris
    expect(lookup.countryAt(139.6917, 35.6895)).toBe('JP'); // Tokyo
    expect(lookup.countryAt(-73.9654, 40.7829)).toBe('US'); // Central Park
    expect(lookup.countryAt(-3.7, 40.4)).toBe('ES'); // Madrid
  });

  it('answers null at sea', () => {
    expect(lookup.countryAt(-30, 35)).toBeNull(); // mid-Atlantic
    expect(lookup.countryAt(160, -40)).toBeNull(); // Tasman Sea
  });

  it('finds Russia and Fiji on both sides of the antimeridian', () => {
    expect(lookup.countryAt(172, 67)).toBe('RU'); // Chukotka, east of 180 in the data's big ring
    expect(lookup.countryAt(-179.5, 66.5)).toBe('RU'); // Chukotka, west of 180
    expect(lookup.countryAt(159, 56)).toBe('RU'); // Kamchatka
    expect(lookup.countryAt(-150, 64)).toBe('US'); // Alaska, not swallowed by an unwrapped Russia
    expect(lookup.countryAt(178, -17.8)).toBe('FJ'); // Viti Levu
    expect(lookup.countryAt(-179.95, -16.8)).toBe('FJ'); // Taveuni's east tip
  });

  it('finds Antarctica, whose border is a ring around the pole', () => {
    expect(lookup.countryAt(0, -85)).toBe('AQ');
    expect(lookup.countryAt(-179.9, -85)).toBe('AQ');
    expect(lookup.countryAt(0, -60)).toBeNull(); // Southern Ocean
  });

  it('maps borders without an ISO numeric id by name', () => {
    expect(lookup.countryAt(21.16, 42.66)).toBe('XK'); // Kosovo
    expect(lookup.countryAt(44.06, 9.56)).toBe('SO'); // Somaliland
  });

  it('answers null for what is not a number', () => {
    expect(lookup.countryAt(Number.NaN, 10)).toBeNull();
    expect(lookup.countryAt(10, Number.POSITIVE_INFINITY)).toBeNull();
  });

  it('shares one index between lookups', () => {
    const other = createCountryLookup();
    expect(other.countryAt(2.3522, 48.8566)).toBe('FR');
    expect(createCountryLookup().countryAt(139.6503, 35.6762)).toBe('JP');
    expect(whichPolygon).toHaveBeenCalledTimes(1);
  });
});
