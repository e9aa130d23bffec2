import { describe, expect, it } from 'vitest';
import { TrendEngine } from '../trend-engine';
import { event } from '../../test/helpers';

describe('tag regions', () => {
  const ts = Date.UTC(2026, 0, 1, 12, 0);
  const engine = new TrendEngine();
  const add = (cc: string | null, tags: string[], display = tags) => engine.ingestEvent(event({ cc, tags, display, ts }), ts);
  add('FR', ['cup'], ['Cup']);
  add('FR', ['cup']);
  add('FR', ['other']);
  add('BR', ['cup'], ['Cup']);
  add('BR', ['cup']);
  add('AR', ['cup'], ['Cup']);
  add('AR', ['other']);
  add('AR', ['other']);
  add('DE', ['cup'], ['Cup']);
  add(null, ['cup'], ['Cup']); // at sea: in the world total, in no country
  add('JP', ['other']);

  it('lists the countries with the tag by count, then share, then code, with the world total', () => {
    expect(engine.tagRegions({ tag: 'cup', window: '1h', limit: 250 })).toEqual({
      tag: 'cup',
      display: 'Cup',
      window: '1h',
      asOf: ts,
      // The hour's first minute: the window is exact to the minute.
      from: ts - 59 * 60_000,
      approximate: false,
      maxError: 0,
      resolution: '1m',
      total: 7,
      regions: [
        { region: 'BR', count: 2, posts: 2, share: 1 },
        { region: 'FR', count: 2, posts: 3, share: 2 / 3 },
        { region: 'DE', count: 1, posts: 1, share: 1 },
        { region: 'AR', count: 1, posts: 3, share: 1 / 3 },
      ],
    });
  });

  it('cuts the list at the limit and answers an unseen tag with nothing', () => {
    expect(engine.tagRegions({ tag: 'cup', window: '1h', limit: 1 }).regions.map((r) => r.region)).toEqual(['BR']);
    expect(engine.tagRegions({ tag: 'never', window: '1h', limit: 10 })).toMatchObject({ tag: 'never', display: 'never', total: 0, regions: [] });
  });

  it('says where its window starts and when its counts are summarised, with the most any may fall short', () => {
    const small = new TrendEngine({ windowBudgetBytes: 0 });
    const exact = new TrendEngine();
    for (let minute = 0; minute < 10; minute += 1) {
      for (const cc of ['FR', 'DE']) {
        for (const tags of [['cup'], ['cup'], [`tail${minute}${cc}`]]) {
          const post = event({ cc, tags, ts: ts + minute * 60_000 });
          small.ingestEvent(post, post.ts);
          exact.ingestEvent({ ...post }, post.ts);
        }
      }
    }
    const bounded = small.tagRegions({ tag: 'cup', window: '24h', limit: 10 });
    const truth = exact.tagRegions({ tag: 'cup', window: '24h', limit: 10 });
    // At 24h the window starts on its first hour bucket.
    expect(bounded.from).toBe(Math.floor((ts + 9 * 60_000 - 1_439 * 60_000) / 3_600_000) * 3_600_000);
    expect([truth.approximate, truth.maxError]).toEqual([false, 0]);
    expect(bounded.approximate).toBe(true);
    for (const region of truth.regions) {
      const got = bounded.regions.find((r) => r.region === region.region)?.count ?? 0;
      expect(region.count - got).toBeGreaterThanOrEqual(0);
      expect(region.count - got).toBeLessThanOrEqual(bounded.maxError);
    }
  });
});
