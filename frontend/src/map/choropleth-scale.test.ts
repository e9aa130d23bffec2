import { describe, expect, it } from 'vitest';
import type { TagRegion } from '../../../common/browser/api';
import { choroplethScale, colourFor, legendLabels, niceCeil } from './choropleth-scale';

const region = (code: string, count: number, posts: number): TagRegion => ({
  region: code,
  count,
  posts,
  share: count / posts,
});

describe('niceCeil', () => {
  it('rounds up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect([0.043, 0.02, 0.021, 0.0725, 0.0031, 0.9, 0].map(niceCeil)).toEqual([0.05, 0.02, 0.025, 0.08, 0.004, 1, 0]);
  });
});

describe('choroplethScale', () => {
  it('makes five equal nice steps, the top one starting near the largest share of countries with enough posts', () => {
    // FR: 20 %; the single post of MC (100 %) does not set the scale.
    const scale = choroplethScale([region('FR', 20, 100), region('DE', 5, 100), region('MC', 1, 1)], { topPercentile: 1 });
    expect(scale.breaks).toEqual([0, 0.05, 0.1, 0.15, 0.2]);
    expect(legendLabels(scale)).toEqual(['0–5%', '5–10%', '10–15%', '15–20%', '20% or more']);
    expect(colourFor(scale, 0.2, 20)).toBe(scale.colours[4]);
    expect(colourFor(scale, 0.05, 5)).toBe(scale.colours[1]);
    expect(colourFor(scale, 0.01, 1)).toBe(scale.colours[0]);
    expect(colourFor(scale, 1, 1)).toBe(scale.colours[4]);
    expect(colourFor(scale, 0, 0)).toBeNull();
  });

  it('tops the scale at a high percentile, so one outlier does not flatten the rest', () => {
    const regions = Array.from({ length: 20 }, (_, i) => region(`C${i}`, 10 + (i % 3), 100));
    regions.push(region('XX', 80, 100));
    // 90th percentile: 12 % → steps of 3 %; XX (80 %) takes the top colour.
    const scale = choroplethScale(regions);
    expect(scale.breaks).toEqual([0, 0.03, 0.06, 0.09, 0.12]);
    expect(colourFor(scale, 0.8, 80)).toBe(scale.colours[4]);
  });

  it('falls back to every country when none has many posts, with a floor on the step', () => {
    expect(choroplethScale([region('MC', 1, 4)]).breaks).toEqual([0, 0.08, 0.16, 0.24, 0.32]);
    expect(choroplethScale([]).breaks).toEqual([0, 0.001, 0.002, 0.003, 0.004]);
    expect(legendLabels(choroplethScale([])).at(-1)).toBe('0.4% or more');
  });
});
