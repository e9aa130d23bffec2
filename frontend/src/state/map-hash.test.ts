import { describe, expect, it } from 'vitest';
import { formatMapHash, formatPosition, parseMapHash, positionPrecision } from './map-hash';

describe('positionPrecision', () => {
  it('grows with zoom, about a pixel at each', () => {
    expect([0, 2, 3, 6, 10].map(positionPrecision)).toEqual([0, 1, 1, 2, 3]);
  });
});

describe('formatPosition', () => {
  it('writes zoom/lat/lon with the zoom’s precision, tidily', () => {
    expect(formatPosition({ zoom: 2, lat: 20.04, lon: -0.04 })).toBe('2/20/0');
    expect(formatPosition({ zoom: 6.25, lat: 48.85661, lon: 2.35222 })).toBe('6.25/48.86/2.35');
    expect(formatPosition({ zoom: 10, lat: 35.68951, lon: 139.69171 })).toBe('10/35.69/139.692');
    expect(formatPosition({ zoom: 3, lat: 0, lon: 190 })).toBe('3/0/-170');
  });
});

describe('parseMapHash', () => {
  it('reads OpenStreetMap-style fragments', () => {
    expect(parseMapHash('#map=5/48.9/2.4')).toEqual({ zoom: 5, lat: 48.9, lon: 2.4 });
    expect(parseMapHash('#layers=C&map=3.5/-33.9/151.2')).toEqual({ zoom: 3.5, lat: -33.9, lon: 151.2 });
  });

  it('clamps out-of-range values and rejects malformed ones', () => {
    expect(parseMapHash('#map=40/89/200')).toEqual({ zoom: 10, lat: 85, lon: -160 });
    expect(parseMapHash('')).toBeNull();
    expect(parseMapHash('#map')).toBeNull();
    expect(parseMapHash('#map=5/48.9')).toBeNull();
    expect(parseMapHash('#map=5/abc/2')).toBeNull();
    expect(parseMapHash('#map=5/1e3/2')).toBeNull();
  });

  it('round-trips what it writes', () => {
    const hash = formatMapHash({ zoom: 7.5, lat: 51.50735, lon: -0.12776 });
    expect(hash).toBe('#map=7.5/51.507/-0.128');
    expect(parseMapHash(hash)).toEqual({ zoom: 7.5, lat: 51.507, lon: -0.128 });
  });
});

describe('formatMapHash', () => {
  it('replaces the map part and keeps the others in place', () => {
    expect(formatMapHash({ zoom: 2, lat: 0, lon: 0 }, '#layers=C&map=9/1/1&note')).toBe('#layers=C&map=2/0/0&note');
    expect(formatMapHash({ zoom: 2, lat: 0, lon: 0 }, '')).toBe('#map=2/0/0');
  });
});
