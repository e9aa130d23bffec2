import { describe, expect, it } from 'vitest';
import { TileSourceError, tileImageSource } from './tile-source';

describe('tileImageSource', () => {
  it.each([
    ['https://tile.openstreetmap.org/{z}/{x}/{y}.png', 'https://tile.openstreetmap.org'],
    ['https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png', 'https://*.tile.openstreetmap.org'],
    ['https://tiles-{s}.example.com:8443/{z}/{x}/{y}{r}.png', 'https://*.example.com:8443'],
    ['https://a.{s}.Example.com/{z}/{x}/{y}.png', 'https://*.example.com'],
    ['//{s}.basemaps.example.net/{z}/{x}/{y}.png', '*.basemaps.example.net'],
    ['http://[::1]:8080/{z}/{x}/{y}.png', 'http://[::1]:8080'],
  ])('admits the host of %s as %s', (url, source) => {
    expect(tileImageSource(url)).toBe(source);
  });

  it('needs no source for no tile layer, or tiles served by the app itself', () => {
    expect(tileImageSource('')).toBeNull();
    expect(tileImageSource('/tiles/{z}/{x}/{y}.png')).toBeNull();
  });

  it.each([
    'ftp://tiles.example.com/{z}.png',
    'tiles.example.com/{z}.png',
    'https://tiles.{tld}/{z}.png',
    'https://user:pw@tiles.example.com/{z}.png',
  ])('refuses %s', (url) => {
    expect(() => tileImageSource(url)).toThrow(TileSourceError);
  });
});
