import { describe, expect, it } from 'vitest';
import type { TagRegion, TagRegionsResponse } from '../../../common/browser/api';
import { FEW_POSTS } from '../../../common/browser/api-constants';
import { FEW_POSTS_COLOUR, choroplethScale, colourFor, formatShareIn, legendLabels, niceCeil } from './choropleth-scale';
import { tagShading } from './tag-shading';

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

  it('has no classes when no country has enough posts for a share: those are "few posts", not a colour of the scale', () => {
    const scale = choroplethScale([region('MC', 1, 4), region('TM', 2, 2)]);
    expect(scale.breaks).toEqual([]);
    expect(legendLabels(scale)).toEqual([]);
    expect(colourFor(scale, 1, 2)).toBeNull();
    expect(choroplethScale([]).breaks).toEqual([]);
    // 29 posts is too few; 30 (FEW_POSTS) is enough (`fewPosts`).
    expect(choroplethScale([region('FR', 10, FEW_POSTS - 1)]).breaks).toEqual([]);
    expect(choroplethScale([region('FR', 10, FEW_POSTS)]).breaks).not.toEqual([]);
  });

  it('counts tiny shares per mille or per ten thousand, as the legend and the tooltips say them', () => {
    const perMille = choroplethScale([region('FR', 4, 1_000), region('DE', 2, 1_000)], { topPercentile: 1 });
    expect(perMille).toMatchObject({ breaks: [0, 0.001, 0.002, 0.003, 0.004], unit: '‰' });
    expect(legendLabels(perMille)).toEqual(['0–1‰', '1–2‰', '2–3‰', '3–4‰', '4‰ or more']);
    expect(formatShareIn(0.0025, '‰')).toBe('2.5‰');
    const perMyriad = choroplethScale([region('FR', 4, 100_000), region('DE', 2, 100_000)], { topPercentile: 1 });
    expect(perMyriad.unit).toBe('‱');
    expect(legendLabels(perMyriad).at(-1)).toBe('0.4‱ or more');
    expect(formatShareIn(0.00004, '‱')).toBe('0.4‱');
    expect(choroplethScale([region('FR', 20, 100)]).unit).toBe('%');
  });
});

describe('tagShading', () => {
  it('greys the countries with too few posts for a share, with their counts, and shades the rest by share', () => {
    const response = {
      tag: 'x',
      display: 'X',
      window: '1h',
      asOf: 0,
      from: 0,
      approximate: false,
      maxError: 0,
      total: 103,
      regions: [region('FR', 20, 100), region('TM', 2, 2), region('DE', 0, 50)],
    } as TagRegionsResponse;
    const { countries, someFew, scale } = tagShading(response);
    expect(someFew).toBe(true);
    expect(countries.get('TM')).toEqual({ colour: FEW_POSTS_COLOUR, detail: '#X: 2 of 2 posts, too few for a share' });
    expect(countries.get('FR')).toEqual({ colour: colourFor(scale, 0.2, 20), detail: '#X: 20% of its posts (20 of 100)' });
    expect(countries.has('DE')).toBe(false);
    expect(tagShading({ ...response, regions: [region('FR', 20, 100)] }).someFew).toBe(false);
  });
});
