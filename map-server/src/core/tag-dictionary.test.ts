import { describe, expect, it } from 'vitest';
import { TagDictionary } from './tag-dictionary';

describe('TagDictionary', () => {
  it('gives one id per key and shows its most frequent spelling', () => {
    const dict = new TagDictionary();
    const a = dict.intern('worldcup', 'worldcup');
    expect(dict.intern('worldcup', 'WorldCup')).toBe(a);
    expect(dict.display(a)).toBe('worldcup'); // 1:1, the first to reach the count keeps it
    dict.intern('worldcup', 'WorldCup');
    expect(dict.display(a)).toBe('WorldCup');
    dict.intern('worldcup', 'worldcup');
    dict.intern('worldcup', 'worldcup');
    expect(dict.display(a)).toBe('worldcup');
    expect(dict.key(a)).toBe('worldcup');
    expect(dict.idOf('worldcup')).toBe(a);
    expect(dict.idOf('ai')).toBeUndefined();
    expect(dict.size).toBe(1);
  });
});
