import { describe, expect, it } from 'vitest';
import { cellRegion, pickRegions } from './history-regions';

describe('history regions', () => {
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
