import { describe, expect, it } from 'vitest';
import type { Marker } from '../../../common/browser/api';
import { MarkerBuffer } from './marker-buffer';

const marker = (id: number): Marker => ({ id: String(id), ts: 0, lat: id, lon: id, cc: null, tags: [] });

function liveLats(buffer: MarkerBuffer): number[] {
  const lats: number[] = [];
  buffer.forEach((slot) => lats.push(buffer.lat[slot]));
  return lats;
}

describe('MarkerBuffer', () => {
  it('drops the oldest dots past its capacity', () => {
    const buffer = new MarkerBuffer(3);
    for (let i = 1; i <= 5; i++) buffer.push(marker(i), i);
    expect(buffer.size).toBe(3);
    expect(liveLats(buffer)).toEqual([3, 4, 5]);
  });

  it('expires dots by age, oldest first', () => {
    const buffer = new MarkerBuffer(10);
    buffer.push(marker(1), 0);
    buffer.push(marker(2), 500);
    buffer.push(marker(3), 900);
    buffer.expire(1_000, 600);
    expect(liveLats(buffer)).toEqual([2, 3]);
    expect(buffer.newestAge(1_000)).toBe(100);
    buffer.clear();
    expect(buffer.newestAge(1_000)).toBe(Infinity);
  });
});
