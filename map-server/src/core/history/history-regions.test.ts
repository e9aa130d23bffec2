import { describe, expect, it } from 'vitest';
import { cellRegion, pickRegions, regionsOf } from './history-regions';

describe('history regions', () => {
  it('names every cell c6/x/y, the same name each time, and any other numbers alike', () => {
    for (let pass = 0; pass < 2; pass += 1) {
      for (let x = 0; x < 64; x += 1) for (let y = 0; y < 64; y += 1) expect(cellRegion(x, y)).toBe(`c6/${x}/${y}`);
    }
    for (const [x, y] of [
      [64, 0],
      [0, 64],
      [-1, 3],
      [1.5, 2],
      [400, 20],
    ])
      expect(cellRegion(x, y)).toBe(`c6/${x}/${y}`);
    expect(regionsOf('FR', 48.85, 2.35)).toEqual(['world', 'FR', 'c6/32/22']);
    expect(regionsOf(null, -33.9, 151.2)).toEqual(['world', 'c6/58/38']);
  });

  it('picks the regions named, under a key that names them, hashed when long', () => {
    const few = pickRegions(['FR', 'world']);
    expect(few.key).toBe('FR,world');
    expect([few.has('FR'), few.has('world'), few.has('JP')]).toEqual([true, true, false]);
    const cells = (from: number) => Array.from({ length: 400 }, (_, i) => cellRegion(from + i, 20));
    const box = pickRegions(cells(0));
    expect(box.key.length).toBeLessThanOrEqual(120);
    expect(box.key).toBe(pickRegions(cells(0)).key);
    expect(box.key).not.toBe(pickRegions(cells(1)).key);
    expect(box.has(cellRegion(399, 20))).toBe(true);
    expect(box.has(cellRegion(400, 20))).toBe(false);
  });
});
