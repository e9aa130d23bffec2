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
});
