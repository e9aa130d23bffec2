/**
 * Where the map's labels go: each label is a box centred on its place, sized by its volume, and a label that
 * would overlap one already placed is dropped. Labels are offered largest first, so where trends crowd (a
 * continent at world zoom) the biggest one is written and the smaller ones give way, as on Trendsmap.
 * Greedy, in pixels, pure: the layer measures the boxes and this decides.
 */

/** A label's box on screen: its centre and size, in CSS pixels. */
export interface LabelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Which of `boxes` (offered in order: the first wins) can be written without overlapping a kept one, with
 * at least `gap` pixels between any two. O(n × kept): a view asks for at most a few hundred labels.
 */
export function placeLabels(boxes: readonly LabelBox[], gap = 2): boolean[] {
  const kept: LabelBox[] = [];
  return boxes.map((box) => {
    const clear = kept.every(
      (other) =>
        Math.abs(box.x - other.x) * 2 >= box.width + other.width + 2 * gap || Math.abs(box.y - other.y) * 2 >= box.height + other.height + 2 * gap,
    );
    if (clear) kept.push(box);
    return clear;
  });
}

/** The font size range of labels, in CSS pixels: the quietest shown and the largest. */
export const LABEL_SIZE = { min: 11, max: 22 } as const;

/**
 * A label's font size for `count` when the largest label in view has `largest`: by the square root of the
 * ratio, so that a label's area (not its height) follows its volume; the quietest stay readable.
 */
export function labelSize(count: number, largest: number): number {
  if (!(largest > 0) || !(count > 0)) return LABEL_SIZE.min;
  const ratio = Math.min(1, count / largest);
  return Math.round((LABEL_SIZE.min + (LABEL_SIZE.max - LABEL_SIZE.min) * Math.sqrt(ratio)) * 2) / 2;
}

/** `lon` plus the whole turns that bring it nearest `centre` (both in degrees): its copy of the world in view. */
export function nearestCopy(lon: number, centre: number): number {
  return lon + 360 * Math.round((centre - lon) / 360);
}
