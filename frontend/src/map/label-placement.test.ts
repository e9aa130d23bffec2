import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LABEL_SIZE, labelSize, nearestCopy, placeLabels, type LabelBox } from './label-placement';

const box = fc.record({
  x: fc.integer({ min: 0, max: 400 }),
  y: fc.integer({ min: 0, max: 300 }),
  width: fc.integer({ min: 10, max: 120 }),
  height: fc.integer({ min: 8, max: 30 }),
});

/** Whether two boxes (centred) come closer than `gap` pixels. */
function tooClose(a: LabelBox, b: LabelBox, gap: number): boolean {
  return Math.abs(a.x - b.x) * 2 < a.width + b.width + 2 * gap && Math.abs(a.y - b.y) * 2 < a.height + b.height + 2 * gap;
}

describe('label placement', () => {
  it('keeps the first, never two too close, and drops only a label that a kept one is too close to', () => {
    fc.assert(
      fc.property(fc.array(box, { maxLength: 40 }), fc.integer({ min: 0, max: 6 }), (boxes, gap) => {
        const kept = placeLabels(boxes, gap);
        expect(kept).toHaveLength(boxes.length);
        if (boxes.length > 0) expect(kept[0]).toBe(true);
        boxes.forEach((b, i) => {
          const earlierKept = boxes.slice(0, i).filter((_, j) => kept[j]);
          // Greedy: kept exactly when no earlier kept label is too close.
          expect(kept[i]).toBe(!earlierKept.some((other) => tooClose(b, other, gap)));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('lets labels that only touch at the gap stand side by side', () => {
    const a = { x: 50, y: 50, width: 40, height: 10 };
    expect(placeLabels([a, { ...a, x: 92 }], 2)).toEqual([true, true]);
    expect(placeLabels([a, { ...a, x: 91 }], 2)).toEqual([true, false]);
    expect(placeLabels([a, { ...a, y: 62 }], 2)).toEqual([true, true]);
  });

  it('sizes labels by the square root of their share of the largest, within the range', () => {
    expect(labelSize(100, 100)).toBe(LABEL_SIZE.max);
    expect(labelSize(25, 100)).toBe(LABEL_SIZE.min + (LABEL_SIZE.max - LABEL_SIZE.min) / 2);
    expect(labelSize(0, 100)).toBe(LABEL_SIZE.min);
    expect(labelSize(5, 0)).toBe(LABEL_SIZE.min);
    expect(labelSize(200, 100)).toBe(LABEL_SIZE.max);
    expect(labelSize(1, 10_000)).toBeGreaterThanOrEqual(LABEL_SIZE.min);
  });
});

describe('nearestCopy', () => {
  it("moves a longitude to the world's copy nearest the map's centre, across the antimeridian", () => {
    // A view of Fiji centred at 180: a label at -179.9 is drawn at 180.1, beside one at 179.9.
    expect(nearestCopy(-179.9, 180)).toBeCloseTo(180.1);
    expect(nearestCopy(179.9, 180)).toBe(179.9);
    expect(nearestCopy(179.9, -175)).toBeCloseTo(-180.1);
    expect(nearestCopy(2.35, 10)).toBe(2.35);
    expect(nearestCopy(-170, 195)).toBe(190);
  });
});
