import { describe, expect, it } from 'vitest';
import type { TagRegion } from '../../../common/browser/api';
import { tagCountries } from './tag-countries';

const region = (code: string, count: number): TagRegion => ({ region: code, count, posts: 1000, share: count / 1000 });

describe('tagCountries', () => {
  it('takes the top countries until they hold 80% of the posts in countries', () => {
    // The archive's #WorldCup: BR 12, FR 11, US 10, DE 8, ES 6, GB 4, JP 3 (54 posts; 80% is 43.2).
    const regions = [region('BR', 12), region('FR', 11), region('US', 10), region('DE', 8), region('ES', 6), region('GB', 4), region('JP', 3)];
    expect(tagCountries(regions)).toEqual(['BR', 'FR', 'US', 'DE', 'ES']);
  });

  it('leaves out a stray post in a far country', () => {
    expect(tagCountries([region('JP', 40), region('BR', 1)])).toEqual(['JP']);
  });

  it('takes at most `max` countries', () => {
    const even = 'AR AT AU BE BR CA CH CL CN CO DE ES FR GB'.split(' ').map((code) => region(code, 5));
    expect(tagCountries(even)).toHaveLength(10);
    expect(tagCountries(even, { max: 3 })).toEqual(['AR', 'AT', 'AU']);
  });

  it('ranks by count whatever the order given, and skips countries without posts', () => {
    expect(tagCountries([region('FR', 1), region('DE', 0), region('US', 9)])).toEqual(['US']);
  });

  it('is empty for a tag with no posts in any country', () => {
    expect(tagCountries([])).toEqual([]);
    expect(tagCountries([region('FR', 0)])).toEqual([]);
  });
});
